#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# hw-run.sh LINUX_TREE [OUTDIR] [SCENARIO...]: on an arm64 machine booted into
# the kernel to measure, build tools/hwbench and the KVM selftests of
# LINUX_TREE (a kernel tree with the series applied: its selftests run on
# both kernels, as the tests the series adds exist only there), then run
# hwbench as root: ROUNDS timed rounds (default 3) of each scenario of
# virt/scenarios (default: all of them) and one counted run, into OUTDIR
# (default: hwbench-$(uname -r)). Run it once on the kernel without the
# series and once on the kernel with it, then compare with
# scripts/hw-compare.sh. Needs gcc, make and, unless run as root, sudo.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: hw-run.sh LINUX_TREE [OUTDIR] [SCENARIO...]"
src=$(cd "$1" && pwd) || die "no directory $1"
out=${2:-hwbench-$(uname -r)}
shift $(($# >= 2 ? 2 : 1))
[ "$(uname -m)" = aarch64 ] || die "this is $(uname -m): run it on the arm64 machine to measure"
[ -e /dev/kvm ] || die "no /dev/kvm: boot with KVM enabled (CONFIG_KVM=y, EL2 available)"
for c in gcc make; do
	command -v "$c" >/dev/null || die "'$c' not found: install the package '$c' (build-essential)"
done
[ -f "$src/tools/testing/selftests/kvm/Makefile" ] || die "$src is not a kernel tree"

kst=$src/tools/testing/selftests/kvm
if [ ! -x "$kst/dirty_log_perf_test" ] || [ ! -x "$kst/arm64/stage2_unmap_test" ]; then
	echo "==> building the KVM selftests of $src" >&2
	make -s -C "$src" headers >&2
	make -s -C "$kst" -j"$(nproc)" >&2 ||
		die "the KVM selftests of $src do not build (see above)"
	[ -x "$kst/arm64/stage2_unmap_test" ] ||
		die "$src has no arm64/stage2_unmap_test: apply the series to it (git am patches/00[0-9][1-9]-*.patch)"
fi
bin=$TOP/build/hwbench
mkdir -p "$(dirname "$bin")"
gcc -O2 -Wall -Wextra -o "$bin" "$TOP/tools/hwbench/hwbench.c"

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "==> hwbench on $(uname -r) into $out" >&2
$sudo "$bin" -r "${ROUNDS:-3}" -o "$out" -k "$kst" -s "$TOP/virt/scenarios" "$@"
[ -z "$sudo" ] || $sudo chown -R "$(id -u):$(id -g)" "$out"
echo "==> done: $out; compare two runs with: $TOP/scripts/hw-compare.sh BASELINE_DIR PATCHED_DIR" >&2
