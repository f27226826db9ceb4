#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test.sh [--static | --selftests | --suite] [CPU...]: the project's test run
# ('make test'; 'make check' is --static, 'make selftests' is --selftests,
# 'make test-suite' is --suite: the whole arm64 KVM suite,
# virt/plans/selftests.plan, on CPU... or neoverse-n1, and nothing else).
#
#   static:    apply, checkpatch --strict, the per-topic series apply in
#              order, both kernels build, every prefix builds, sparse and W=1
#              show nothing new, x86_64 build of virt/kvm, arch/x86/kvm, mm
#   selftests: the tree's arm64 KVM selftests on the patched kernel in every
#              CPU configuration; failures re-run on the baseline
#
# Every step goes on after a failure, so one run reports everything. Ends
# with "N passed, N failed, N skipped"; exits 1 if anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

do_static=1
do_selftests=1
do_suite=0
case "${1:-}" in
--static) do_selftests=0; shift ;;
--selftests) do_static=0; shift ;;
--suite)
	do_static=0 do_selftests=0 do_suite=1
	shift
	[ $# -gt 0 ] || set -- neoverse-n1
	PLAN=$(plan_path selftests.plan)
	export PLAN ;;
esac

lock_tree
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
tsv=$RESULTS/results.tsv
: >"$tsv"
T0=$(date +%s)

# step GROUP CMD...: run a check that prints KTAP results, record them.
step() {
	local group=$1 out rc=0
	shift
	phase_start "$group"
	out=$RESULTS/$group.ktap
	"$@" >"$out" 2>"$RESULTS/$group.err" || rc=$?
	grep -E '^# ' "$out" | sed 's/^/  /' >&2 || true
	awk -v g="$group" -F' # ' '
		/^ok / || /^not ok / {
			st = ($1 ~ /^not ok/) ? "fail" : (($2 ~ /^SKIP/) ? "skip" : "pass")
			name = $1; sub(/^(not )?ok [0-9]+ /, "", name)
			printf "%s\t%s\t%s\t%s\n", st, g, name, $2
		}' "$out" >>"$tsv"
	if [ $rc -ne 0 ] && ! grep -qE '^not ok ' "$out"; then
		# The check itself broke: that is a failure too.
		tail -n 20 "$RESULTS/$group.err" | sed 's/^/  /' >&2
		printf 'fail\t%s\t%s\t%s\n' "$group" "$group" "exit $rc: $(tail -n1 "$RESULTS/$group.err")" >>"$tsv"
	fi
	phase_end
	return 0
}

# build_kernel NAME K: one kernel and its selftests (build.sh NAME K).
build_kernel() {
	echo "1..1"
	if "$TOP/scripts/build.sh" "$1" "$2" >&2; then
		echo "ok 1 $1 kernel and selftests"
	else
		echo "not ok 1 $1 kernel and selftests"
		return 1
	fi
}

x86_series() {
	echo "1..1"
	"$TOP/scripts/checkout.sh" series >/dev/null
	if "$TOP/scripts/x86-build.sh" "$OUT/x86" >&2; then
		echo "ok 1 x86_64 virt/kvm arch/x86/kvm mm fs/proc"
	else
		echo "not ok 1 x86_64 virt/kvm arch/x86/kvm mm fs/proc"
		return 1
	fi
}

selftests() {
	"$TOP/scripts/run-selftests.sh" "$@" >&2
	awk -F'\t' '{printf "%s\tselftests/%s\t%s\t%s\n", $1, $2, $3, $4}' \
		"$RESULTS/selftests/summary.tsv" >>"$tsv"
}

phase_start "apply the series"
if ! "$TOP/scripts/apply-series.sh"; then
	printf 'fail\tapply\tgit am of patches/series\t\n' >>"$tsv"
	do_static=0
	do_selftests=0
fi
phase_end

if [ $do_static = 1 ]; then
	step tooling "$TOP/scripts/tooling-check.sh"
	step checkpatch "$TOP/scripts/checkpatch.sh"
	step topics "$TOP/scripts/topics-check.sh"
fi
# The baseline first: the per-prefix builds start from its objects, and the
# patched kernel from the last prefix's (the whole series), so that a cold
# ccache pays for one full build and the series' changes once, not twice.
step kernel-baseline build_kernel baseline base
if [ $do_static = 1 ]; then
	# Even when the baseline failed: it names the patch that breaks the build.
	step bisect "$TOP/scripts/bisect-build.sh"
	seed_kernel_out "$OUT/bisect" "$OUT/patched"
fi
seed_kernel_out "$OUT/baseline" "$OUT/patched"
step kernel-patched build_kernel patched series
kernels_ok=1
grep -q "^fail	kernel-" "$tsv" && kernels_ok=0
if [ $kernels_ok = 0 ]; then
	do_static=0
	do_selftests=0
fi
if [ $do_static = 1 ]; then
	step sparse "$TOP/scripts/sparse-w1.sh"
	step x86 x86_series
fi
if [ $do_suite = 1 ] && [ $kernels_ok = 1 ]; then
	phase_start "selftests (whole suite)"
	selftests "$@" || printf 'fail\tselftests\trun-selftests.sh\tdid not complete\n' >>"$tsv"
	phase_end
fi
if [ $do_selftests = 1 ]; then
	step testbed "$TOP/scripts/testbed-check.sh"
	step opcount "$TOP/scripts/opcount-check.sh"
	step hw "$TOP/scripts/hw-check.sh"
	phase_start "selftests"
	selftests "$@" || printf 'fail\tselftests\trun-selftests.sh\tdid not complete\n' >>"$tsv"
	phase_end
fi

printf '%-40s %5ds\n' "total" "$(($(date +%s) - T0))" >>"$RESULTS/times.txt"
"$TOP/scripts/summary.sh" "$RESULTS"
