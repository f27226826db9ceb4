#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# testbed-check.sh: the test bed tests itself. Boots the patched kernel with
# virt/plans/testbed.plan and checks that a pass, a skip, a failure, a
# timeout and a kernel crash are each reported as such, that the VM is booted
# again after the crash and runs the rest of the plan, that a timeout comes
# with the tasks' stacks, and that the KTAP document has its header and one
# result per test, in order.
# Prints one KTAP result per check; exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

plan=$TOP/virt/plans/testbed.plan
d=$RESULTS/testbed
rm -rf "$d"
mkdir -p "$d"
"$TOP/scripts/mkinitramfs.sh" "$OUT/patched" "$plan" "$d/testbed.cpio"
GRACE=${GRACE:-60} "$TOP/scripts/run-vm.sh" "$OUT/patched/arch/arm64/boot/Image" \
	"$d/testbed.cpio" "$plan" max "$d" 2>"$d/run.err"
rm -f "$d/testbed.cpio"
k=$d/results.ktap

mapfile -t names < <(awk '$1 == "test" {print $2}' "$plan")
mapfile -t expect < <(awk '/^# expect:/ {print $3}' "$plan")
n=${#names[@]}
echo "1..$((n + 4))"
fail=0
check() { # NUM DESC CONDITION...
	local num=$1 desc=$2
	shift 2
	if "$@"; then
		echo "ok $num $desc"
	else
		echo "not ok $num $desc"
		fail=1
	fi
}
for ((i = 0; i < n; i++)); do
	num=$((i + 1))
	line=$(grep -aE "^(not )?ok $num ${names[$i]}( |$)" "$k" || true)
	case "${expect[$i]}" in
	pass) re='^ok [0-9]+ [^ ]+ # [0-9.]+s$' ;;
	skip) re='^ok [0-9]+ [^ ]+ # SKIP' ;;
	fail) re='^not ok [0-9]+ [^ ]+ # exit status 1,' ;;
	timeout) re='^not ok [0-9]+ [^ ]+ # TIMEOUT' ;;
	crash) re='^not ok [0-9]+ [^ ]+ # guest kernel died' ;;
	signal) re='^not ok [0-9]+ [^ ]+ # killed by signal 11,' ;;
	*) die "testbed.plan: bad expectation '${expect[$i]}'" ;;
	esac
	[ -n "$line" ] || echo "# no result line for test $num ${names[$i]}"
	check "$num" "testbed ${names[$i]} is reported as ${expect[$i]}" grep -qE "$re" <<<"${line:-none}"
done
# The header, then diagnostics, then the plan.
check $((n + 1)) "testbed KTAP has a header and plan 1..$n" \
	test "$(awk 'NR == 1 {print; next} !/^#/ {print; exit}' "$k" | paste -sd' ')" = "KTAP version 1 1..$n"
check $((n + 2)) "testbed results are numbered 1..$n in order" \
	test "$(grep -aoE '^(not )?ok [0-9]+' "$k" | awk '{print $NF}' | paste -sd,)" = "$(seq -s, 1 "$n")"
# A timeout leaves the tasks' stacks (sysrq t) in the KTAP output.
check $((n + 3)) "testbed timeout is reported with every task's stack" \
	grep -qa '^# kmsg: sysrq: Show State' "$k"
# A test killed by a signal comes with the kernel's report and registers.
check $((n + 4)) "testbed a test killed by SIGSEGV is reported with its registers" \
	grep -qaE '^# kmsg: .*(potentially unexpected fatal signal 11|unhandled exception)' "$k"
exit $fail
