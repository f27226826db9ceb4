#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run-selftests.sh [CPU...]: run the selftest plan (virt/plans/selftests.plan,
# or PLAN=) on the patched kernel in each CPU configuration (default: every
# one in virt/cpus). A test that fails there is run again on the baseline
# kernel in the same configuration: it counts as a failure only if the
# baseline passes it; failures both kernels share are listed as known. A
# test the baseline passes is run once more on the patched kernel: if it
# passes then, it is listed as flaky instead of failed. Tests the plan names
# on a "# nongating:" line (with the reason next to it) are reported
# but a failure of theirs is listed as flaky, never counted as failed.
# A test the baseline tree does not have (one the series adds) is expected
# to fail on the baseline kernel, which lacks what it tests: the baseline
# cannot excuse its failures, which always count.
#
# Needs the kernels and selftests built by scripts/build.sh (make kernels).
# Writes $RESULTS/selftests/CPU/{patched,baseline}/results.ktap and
# $RESULTS/selftests/summary.tsv: "STATUS CPU TEST DETAIL", STATUS one of
# pass, fail, skip, known, flaky.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# plan_for CPU: PLAN= if given, else the CPU's entry of virt/plans/cpu-plans,
# else selftests.plan.
plan_for() {
	local p
	if [ -n "${PLAN:-}" ]; then
		abspath "$PLAN"
		return
	fi
	p=$(awk -v c="$1" '!/^#/ && $1 == c {print $2}' "$TOP/virt/plans/cpu-plans")
	plan_path "${p:-selftests.plan}"
}
if [ $# -gt 0 ]; then
	cpus=("$@")
else
	mapfile -t cpus < <(awk '!/^#/ && NF {print $1}' "$TOP/virt/cpus")
fi
# BASELINE_ON_DEMAND=1: the baseline kernel is built when a failure first
# needs it (make test-backport: most runs never do).
for k in baseline patched; do
	[ "$k" = baseline ] && [ "${BASELINE_ON_DEMAND:-0}" = 1 ] && continue
	[ -f "$OUT/$k/arch/arm64/boot/Image" ] || die "no $k kernel: run 'make kernels'"
done
baseline_ready=0
need_baseline() {
	[ "${BASELINE_ON_DEMAND:-0}" = 1 ] && [ $baseline_ready = 0 ] || return 0
	# Built (or brought up to date) once, whatever an earlier run left.
	log "a failure to compare: building the baseline kernel"
	"$TOP/scripts/build.sh" baseline base >&2
	baseline_ready=1
}
# The whole-suite plan must list every selftest the tree builds.
"$TOP/scripts/plan-check.sh" "$(PLAN='' plan_for none)" "$OUT/patched/kselftest/kvm/tests.list"

# new_test NAME: the plan's test NAME runs a binary the baseline tree lacks.
new_test() {
	local bin
	bin=$(awk -v t="$1" '$1 == "test" && $2 == t {print $4}' "$plan")
	bin=${bin#/kvm/}
	# The plans name arm64/ paths; before v6.14 they were in aarch64/.
	! grep -qxF -e "$bin" -e "${bin/#arm64\//aarch64/}" \
		"$OUT/baseline/kselftest/kvm/tests.list"
}
res=$RESULTS/selftests
mkdir -p "$res"
sum=$res/summary.tsv
: >"$sum"


# rerun KERNEL DIR TEST...: run these tests of the plan again on KERNEL in
# this CPU configuration ($cpu), results in DIR. The same selftest binaries
# on either kernel: tests the series adds exist only in the patched tree.
rerun() {
	local k=$1 dir=$2 t
	shift 2
	phase_start "selftests on $cpu ($k, $# re-run)"
	# Each test with the plan's writes up to it, in order (a test may
	# need a huge page a write reserves and a later write gives back).
	for t in "$@"; do
		awk -v t="$t" '$1 == "write" { w[n++] = $0 }
			$1 == "test" && $2 == t { for (i = 0; i < n; i++) print w[i]; print; exit }' "$plan"
	done >"$dir.plan"
	"$TOP/scripts/mkinitramfs.sh" "$OUT/patched" "$dir.plan" "$dir.cpio"
	"$TOP/scripts/run-vm.sh" "$OUT/$k/arch/arm64/boot/Image" \
		"$dir.cpio" "$dir.plan" "$cpu" "$dir"
	rm -f "$dir.cpio"
	phase_end
}

for cpu in "${cpus[@]}"; do
	plan=$(plan_for "$cpu")
	[ -f "$plan" ] || die "no plan $plan for $cpu"
	nongating=" $(sed -n 's/^# nongating://p' "$plan" | tr '\n' ' ') "
	"$TOP/scripts/mkinitramfs.sh" "$OUT/patched" "$plan" "$OUT/patched/selftests.cpio"
	phase_start "selftests on $cpu (patched, $(basename "$plan"))"
	d=$res/$cpu
	rm -rf "$d"
	"$TOP/scripts/run-vm.sh" "$OUT/patched/arch/arm64/boot/Image" \
		"$OUT/patched/selftests.cpio" "$plan" "$cpu" "$d/patched"
	phase_end
	sed 's/^/  /' "$d/patched/features" >&2

	# Failures on the patched kernel: run them again on the baseline.
	mapfile -t failed < <(grep -aE '^not ok [0-9]+ ' "$d/patched/results.ktap" |
		awk '{print $4}' | sort -u)
	if [ ${#failed[@]} -gt 0 ]; then
		need_baseline
		rerun baseline "$d/baseline" "${failed[@]}"

		# Those the baseline passes: once more on the patched kernel.
		mapfile -t again < <(for t in "${failed[@]}"; do
			if new_test "$t" ||
				! grep -aqE "^not ok [0-9]+ $t( |$)" "$d/baseline/results.ktap"; then
				echo "$t"
			fi
		done)
		[ ${#again[@]} -eq 0 ] || rerun patched "$d/patched-again" "${again[@]}"
	fi

	grep -aE '^(not )?ok [0-9]+ ' "$d/patched/results.ktap" | while read -r line; do
		name=$(awk '{print ($1 == "not") ? $4 : $3}' <<<"$line")
		detail=${line#*# }
		[ "$detail" = "$line" ] && detail=""
		if [[ $line == "ok "* ]]; then
			if [[ $detail == SKIP* ]]; then st=skip; else st=pass; fi
		elif [ -f "$d/baseline/results.ktap" ] && ! new_test "$name" &&
			grep -aqE "^not ok [0-9]+ $name( |$)" "$d/baseline/results.ktap"; then
			st=known
			detail="fails on the baseline too: $detail"
		elif [ -f "$d/patched-again/results.ktap" ] &&
			grep -aqE "^ok [0-9]+ $name( |$)" "$d/patched-again/results.ktap"; then
			st=flaky
			detail="failed once ($detail), passed on re-run"
		elif [[ $nongating == *" $name "* ]]; then
			st=flaky
			detail="not gating (the plan says why): $detail"
		else
			st=fail
		fi
		printf '%s\t%s\t%s\t%s\n' "$st" "$cpu" "$name" "$detail" >>"$sum"
	done
done
