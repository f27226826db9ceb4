#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mutant-check.sh MUTANT [CPU...]: show that a check of the test bed catches
# a known-bad kernel. Builds the patched kernel with tools/mutants/MUTANT.diff
# applied on top (kernel only; the patched build's selftests are reused) and
# runs the checks the diff's header names on it, each of which must fail:
#
#   check: opcount              the exact operation-count checks
#                               (scripts/opcount-check.sh), on CPU... or
#                               their default CPUs
#   check: test NAME T CMD...   one selftest (a plan line), on CPU... or max;
#                               it fails if it fails on any of them
#
# A "cpus: CPU..." line in the header names the configurations to use when
# none is given (a mutant of a protected-mode path cannot show elsewhere);
# a "bases: KBASE..." line the bases that have the code it breaks (others
# report a SKIP); "setup: write FILE VALUE" lines are plan lines to run
# before a test check (to reserve huge pages, say).
#
# Prints one KTAP line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

m=${1:?usage: mutant-check.sh MUTANT [CPU...] (MUTANT: a tools/mutants/*.diff name)}
shift
# A base's own version of a mutant (tools/mutants/KBASE/) where the
# primary's does not apply there.
diff=$TOP/tools/mutants/$KBASE/$m.diff
[ -f "$diff" ] || diff=$TOP/tools/mutants/$m.diff
[ -f "$diff" ] || die "no mutant $diff; have: $(cd "$TOP/tools/mutants" && ls *.diff | sed 's/\.diff$//' | tr '\n' ' ')"
# field NAME: the values of the header's "NAME: ..." lines, one per line
# (the header ends where the diff begins).
field() { sed -n "/^diff --git/q;s/^$1: //p" "$diff"; }
bases=$(field bases | head -n1)
if [ -n "$bases" ] && ! grep -qwF -- "$KBASE" <<<"$bases"; then
	echo "ok 1 mutant $m # SKIP only for $bases, not $KBASE"
	exit 0
fi
[ -f "$OUT/patched/kselftest/kvm/tests.list" ] || die "no patched build: run 'make kernels'"

lock_tree
commit=$("$TOP/scripts/checkout.sh" series)
git -C "$BASE_REPO" apply "$diff" || die "mutant $m does not apply on the series ($commit)"
trap 'git -C "$BASE_REPO" checkout -q -- .' EXIT
mout=$OUT/mutant-$m
log "mutant: $m on the series ($commit) in $mout"
# Only what the mutant changes is rebuilt.
seed_kernel_out "$OUT/patched" "$mout"
"$TOP/scripts/build-kernel.sh" "$BASE_REPO" "$mout"
git -C "$BASE_REPO" checkout -q -- .
trap - EXIT
# MUTANT_KSELFTEST: other selftest binaries (e.g. an older version of a
# test, to show that it did not catch the mutant).
ln -sfn "${MUTANT_KSELFTEST:-$OUT/patched/kselftest}" "$mout/kselftest"

mapfile -t checks < <(field check)
[ ${#checks[@]} -gt 0 ] || checks=(opcount)
if [ $# = 0 ]; then
	read -ra mcpus <<<"$(field cpus | head -n1)"
	set -- "${mcpus[@]}"
fi

# run_check CHECK [CPU...]: 1 if CHECK fails on the mutant (catches it).
run_check() {
	local check=$1 d=$RESULTS/mutant-$m cpu r=0
	shift
	case "$check" in
	opcount)
		OPCOUNT_RESULTS=$d/opcount OPCOUNT_KERNEL=$mout \
			"$TOP/scripts/opcount-check.sh" "$@" | sed 's/^/# /'
		[ "${PIPESTATUS[0]}" = 0 ] || r=1
		;;
	"test "*)
		mkdir -p "$d"
		{
			field setup
			printf '%s\n' "$check"
		} >"$d/plan"
		"$TOP/scripts/mkinitramfs.sh" "$mout" "$d/plan" "$d/initramfs.cpio"
		[ $# -gt 0 ] || set -- max
		for cpu in "$@"; do
			"$TOP/scripts/run-vm.sh" "$mout/arch/arm64/boot/Image" "$d/initramfs.cpio" \
				"$d/plan" "$cpu" "$d/$cpu" >/dev/null 2>&1
			grep -a '^not ok\|^ok' "$d/$cpu/results.ktap" | sed "s/^/# $cpu: /"
			grep -aq '^not ok' "$d/$cpu/results.ktap" && r=1
		done
		;;
	*) die "$diff: unknown 'check: $check'" ;;
	esac
	return $r
}

# Every check the header names must catch the mutant.
missed=()
for c in "${checks[@]}"; do
	set +e
	run_check "$c" "$@"
	r=$?
	set -e
	[ $r -ne 0 ] || missed+=("$c")
done
if [ ${#missed[@]} = 0 ]; then
	echo "ok 1 mutant $m: caught by $(printf '%s; ' "${checks[@]}" | sed 's/; $//')"
else
	echo "not ok 1 mutant $m: $(printf '%s; ' "${missed[@]}" | sed 's/; $//') passes on it"
	exit 1
fi
