#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test-backport.sh [--static] [CPU...]: the stable backport (patches/6.12), 'make
# test-backport' (CI runs it after 'make test'): git am onto Debian's
# 6.12.117, checkpatch, the patched kernel and its selftests, then
# virt/plans/series.plan on each CPU configuration (default: max, VHE with
# FEAT_TLBIRANGE and FWB, and cortex-a72, nVHE with neither), with the
# baseline comparison of run-selftests.sh (the baseline kernel is built
# only if a failure needs it). Enough of the matrix to catch a
# break of the backport alone; 'make test KBASE=6.12' runs all of it.
# Everything it builds is in build/6.12.
#
# --static: only git am and checkpatch (what CI runs when 'make test' left
# no time for the rest).
#
# Prints KTAP (one result per stage and per test), then "N passed, N failed,
# N skipped"; fails if anything failed.
set -euo pipefail
export KBASE=6.12
# Its own lock (build/6.12/tree.lock), not the one of a 7.2 run that may
# have started it.
unset KVM_S2_TREE_LOCKED
. "$(dirname "$0")/lib.sh"

static=0
if [ "${1:-}" = --static ]; then
	static=1
	shift
fi
cpus=("$@")
[ ${#cpus[@]} -gt 0 ] || cpus=(max cortex-a72)
n=0
fail=0
passed=0 failed=0 skipped=0
result() {	# result OK|SKIP|FAIL NAME [DETAIL]
	n=$((n + 1))
	case "$1" in
	OK) echo "ok $n $2${3:+ # $3}"; passed=$((passed + 1)) ;;
	SKIP) echo "ok $n $2 # SKIP $3"; skipped=$((skipped + 1)) ;;
	*) echo "not ok $n $2${3:+ # $3}"; failed=$((failed + 1)); fail=1 ;;
	esac
}
finish() {
	echo "1..$n"
	echo "test-backport (v$KBASE): $passed passed, $failed failed, $skipped skipped"
	exit $fail
}

phase_start "test-backport: the series on v$KBASE"
echo "KTAP version 1"

echo "# v$KBASE backport: $(series_patches | wc -l) patches in ${PATCHES#"$TOP"/}"
if "$TOP/scripts/apply-series.sh" >&2; then
	result OK "$KBASE/apply"
else
	result FAIL "$KBASE/apply" "git am of ${SERIES#"$TOP"/}"
	finish
fi

ck=$("$TOP/scripts/checkpatch.sh") || true
bad=$(grep -c '^not ok ' <<<"$ck" || true)
grep '^not ok ' <<<"$ck" | sed 's/^/# /' || true
if [ "$bad" = 0 ] && grep -q '^ok ' <<<"$ck"; then
	result OK "$KBASE/checkpatch"
else
	result FAIL "$KBASE/checkpatch" "$bad checks failed"
fi

if [ $static = 1 ]; then
	echo "# --static: no kernel built, no selftest run"
	phase_end
	finish
fi

# The patched kernel only: the baseline is built if a test fails and needs
# the comparison (BASELINE_ON_DEMAND), which a passing run never does.
if "$TOP/scripts/build.sh" patched series >&2; then
	result OK "$KBASE/kernel-patched"
else
	result FAIL "$KBASE/kernel-patched" "kernel or selftests do not build"
	finish
fi

BASELINE_ON_DEMAND=1 PLAN=$TOP/virt/plans/series.plan "$TOP/scripts/run-selftests.sh" "${cpus[@]}" >&2 || true
while IFS=$'\t' read -r st cpu test detail; do
	case "$st" in
	pass | known | flaky) result OK "$KBASE/$cpu/$test" "$st${detail:+: $detail}" ;;
	skip) result SKIP "$KBASE/$cpu/$test" "$detail" ;;
	*) result FAIL "$KBASE/$cpu/$test" "$detail" ;;
	esac
done <"$RESULTS/selftests/summary.tsv"
phase_end
finish
