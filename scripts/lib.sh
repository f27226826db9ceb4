# SPDX-License-Identifier: GPL-2.0
# Common helpers and paths for the workflow scripts. Sourced, not run.
#
# Every path the scripts share is defined here once; the Makefile passes
# BUILD, KERNEL_SRC and JOBS through the environment.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# KBASE: the kernel line the series is for. 7.2: Debian's linux-source-7.2,
# the primary base (patches/, the series a maintainer applies); 6.12:
# Debian's linux-source-6.12, the stable backport distro kernel builders
# carry (patches/6.12). Each base builds in its own BUILD/KBASE and has its
# own cover letter and results (Documentation/results/KBASE).
KBASE=${KBASE:-7.2}
case "$KBASE" in
7.2)
	PATCHES=${PATCHES:-$TOP/patches}
	COVER_LETTER=$TOP/Documentation/cover-letter.txt ;;
6.12)
	PATCHES=${PATCHES:-$TOP/patches/6.12}
	COVER_LETTER=$TOP/Documentation/cover-letter-6.12.txt ;;
*) printf 'error: KBASE=%s: the series is for 7.2 (patches/) or 6.12 (patches/6.12)\n' "$KBASE" >&2; exit 1 ;;
esac
RESULTS_DOC=$TOP/Documentation/results/$KBASE
RESULTS_SUMMARY=$RESULTS_DOC/summary.txt
# BUILD is the cache root (make passes it); this base's part is BUILD/KBASE.
# A script of this base that already chose it passes it on: append once.
BUILD=${BUILD:-$TOP/build}
case "$BUILD" in */"$KBASE") ;; *) BUILD=$BUILD/$KBASE ;; esac
case "$BUILD" in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
KBASE_PKG=linux-source-$KBASE
JOBS=${JOBS:-$(($(nproc) + 1))}

CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
# The test kernel's kconfig fragments (a list): the common one, then the
# base's own if it has one.
FRAGMENT=$TOP/arch/arm64/configs/kvm_stage2_test.config
[ ! -f "$TOP/arch/arm64/configs/kvm_stage2_test-$KBASE.config" ] ||
	FRAGMENT="$FRAGMENT $TOP/arch/arm64/configs/kvm_stage2_test-$KBASE.config"
SERIES=$PATCHES/series

BASE_REPO=$BUILD/src/base          # git repo, baseline commit tagged "base"
TREE_PATCHED=$BUILD/src/patched    # worktree: base + whole series
TREE_BISECT=$BUILD/src/bisect      # worktree: base + a prefix of the series
OUT=$BUILD/out                     # O= directories, one per kernel
RESULTS=$BUILD/results

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need CMD PACKAGE: fail naming the Debian package that provides CMD.
need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found: install the Debian package '$2' (make deps)"
}

# Wall time of a phase, appended to $RESULTS/times.txt for the summary.
phase_start() { PHASE_NAME=$1; PHASE_T0=$(date +%s); log "$1"; }
phase_end() {
	local dt=$(($(date +%s) - PHASE_T0))
	mkdir -p "$RESULTS"
	printf '%-40s %5ds\n' "$PHASE_NAME" "$dt" >>"$RESULTS/times.txt"
	log "$PHASE_NAME: ${dt}s"
}

# Patches of the series, in order, as absolute paths.
series_patches() {
	[ -f "$SERIES" ] || return 0
	local p
	grep -v '^[[:space:]]*\(#\|$\)' "$SERIES" | while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/series names '$p', which does not exist"
		printf '%s\n' "$PATCHES/$p"
	done
}

kmake() {
	local out=$1
	shift
	make -s ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" \
		CC="ccache ${CROSS_COMPILE}gcc" O="$out" -j"$JOBS" "$@"
}

# seed_kernel_out FROM TO: unless TO already holds a configured build, start
# it as a copy of the kernel objects in FROM, so that building another
# version of the tree there recompiles only what differs. The selftests,
# installed headers and tools are not copied: their dependency files name
# FROM's paths.
seed_kernel_out() {
	[ -f "$2/.config" ] && return 0
	[ -f "$1/.config" ] || return 0
	rm -rf "$2"
	cp -a "$1" "$2"
	rm -rf "$2/kselftest" "$2/usr" "$2/tools"
}

# abspath PATH: PATH made absolute (need not exist yet).
abspath() {
	case "$1" in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}

# Serialise users of the test tree (one checkout at a time). The lock is held
# until the outermost script exits; scripts it runs inherit it.
lock_tree() {
	[ -n "${KVM_S2_TREE_LOCKED:-}" ] && return 0
	mkdir -p "$BUILD"
	exec 9>"$BUILD/tree.lock"
	flock -n 9 || { log "waiting for another run to release $BUILD/tree.lock"; flock 9; }
	export KVM_S2_TREE_LOCKED=1
}

# build_plugin: the opcount QEMU plugin, $BUILD/opcount.so.
build_plugin() {
	need gcc gcc
	gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$BUILD/opcount.so" \
		"$TOP/tools/qemu-plugin/opcount.c"
}

# plugin_syms KOUT FN...: the plugin's ",sym=FN@ADDR" arguments for the
# functions of kernel build KOUT's System.map (absent ones left out).
plugin_syms() {
	local map=$1/System.map f a
	shift
	for f in "$@"; do
		a=$(awk -v f="$f" '$3 == f {print $1; exit}' "$map")
		[ -z "$a" ] || printf ',sym=%s@%s' "$f" "$a"
	done
}

# plan_path NAME: virt/plans/NAME, or the base's own version of it
# (virt/plans/KBASE/NAME: the whole suite of the 6.12 backport).
plan_path() {
	if [ -f "$TOP/virt/plans/$KBASE/$1" ]; then
		echo "$TOP/virt/plans/$KBASE/$1"
	else
		echo "$TOP/virt/plans/$1"
	fi
}
