#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test-port.sh [CPU...]: the series on its v7.2 base (patches/7.2), 'make
# test-port' (CI runs it after 'make test'): git am onto Debian's 7.2.13,
# checkpatch, both kernels and their selftests, then virt/plans/series.plan
# on each CPU configuration (default: max, VHE with FEAT_TLBIRANGE and FWB,
# and cortex-a72, nVHE with neither), with the baseline comparison of
# run-selftests.sh. Everything it builds is in build/7.2.
#
# Prints KTAP (one result per stage and per test), then "N passed, N failed,
# N skipped"; fails if anything failed.
set -euo pipefail
export KBASE=7.2
# Its own lock (build/7.2/tree.lock), not the one of the 6.12 run that
# may have started it.
unset KVM_S2_TREE_LOCKED
. "$(dirname "$0")/lib.sh"

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
	echo "test-port (v$KBASE): $passed passed, $failed failed, $skipped skipped"
	exit $fail
}

phase_start "test-port: the series on v$KBASE"
echo "KTAP version 1"

echo "# v$KBASE port: $(series_patches | wc -l) patches in ${PATCHES#"$TOP"/}"
if "$TOP/scripts/apply-series.sh" >&2; then
	result OK "7.2/apply"
else
	result FAIL "7.2/apply" "git am of ${SERIES#"$TOP"/}"
	finish
fi

ck=$("$TOP/scripts/checkpatch.sh") || true
bad=$(grep -c '^not ok ' <<<"$ck" || true)
grep '^not ok ' <<<"$ck" | sed 's/^/# /' || true
if [ "$bad" = 0 ] && grep -q '^ok ' <<<"$ck"; then
	result OK "7.2/checkpatch"
else
	result FAIL "7.2/checkpatch" "$bad checks failed"
fi

for k in baseline:base patched:series; do
	# The patched kernel starts from the baseline's objects, as the
	# per-prefix builds of make check do: only what the series changes
	# is compiled again.
	[ "${k%%:*}" = baseline ] || seed_kernel_out "$OUT/baseline" "$OUT/patched"
	if "$TOP/scripts/build.sh" "${k%%:*}" "${k#*:}" >&2; then
		result OK "7.2/kernel-${k%%:*}"
	else
		result FAIL "7.2/kernel-${k%%:*}" "kernel or selftests do not build"
		finish
	fi
done

PLAN=$TOP/virt/plans/series.plan "$TOP/scripts/run-selftests.sh" "${cpus[@]}" >&2 || true
while IFS=$'\t' read -r st cpu test detail; do
	case "$st" in
	pass | known | flaky) result OK "7.2/$cpu/$test" "$st${detail:+: $detail}" ;;
	skip) result SKIP "7.2/$cpu/$test" "$detail" ;;
	*) result FAIL "7.2/$cpu/$test" "$detail" ;;
	esac
done <"$RESULTS/selftests/summary.tsv"
phase_end
finish
