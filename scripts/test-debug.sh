#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test-debug.sh [CPU...]: build the patched kernel with the debug fragment
# (arch/arm64/configs/kvm_stage2_debug.config) in $BUILD/out/patched-debug
# and run virt/plans/debug.plan on it on each CPU configuration (default:
# max cortex-a72), with the patched tree's selftests. A test fails if it
# fails or if the kernel logs a warning, BUG, oops or lockdep report while it
# runs. Results: $RESULTS/debug/CPU/results.ktap; prints the totals.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cpus=("$@")
[ ${#cpus[@]} -gt 0 ] || cpus=(max cortex-a72)
plan=$TOP/virt/plans/debug.plan
kout=$OUT/patched-debug

lock_tree
phase_start "test-debug: build the patched debug kernel and selftests"
"$TOP/scripts/checkout.sh" series >/dev/null
FRAGMENTS="$FRAGMENT $TOP/arch/arm64/configs/kvm_stage2_debug.config" \
	"$TOP/scripts/build-kernel.sh" "$BASE_REPO" "$kout"
"$TOP/scripts/build-selftests.sh" "$BASE_REPO" "$kout"
phase_end

res=$RESULTS/debug
rm -rf "$res"
mkdir -p "$res"
"$TOP/scripts/mkinitramfs.sh" "$kout" "$plan" "$res/debug.cpio"
for cpu in "${cpus[@]}"; do
	phase_start "test-debug on $cpu"
	"$TOP/scripts/run-vm.sh" "$kout/arch/arm64/boot/Image" "$res/debug.cpio" \
		"$plan" "$cpu" "$res/$cpu"
	phase_end
done
rm -f "$res/debug.cpio"

pass=0 fail=0 skip=0
for cpu in "${cpus[@]}"; do
	while read -r line; do
		case "$line" in
		"not ok "*) fail=$((fail + 1)); echo "FAIL $cpu: ${line#not ok }" ;;
		"ok "*"# SKIP"*) skip=$((skip + 1)) ;;
		"ok "*) pass=$((pass + 1)) ;;
		esac
	done < <(grep -aE '^(not )?ok [0-9]+ ' "$res/$cpu/results.ktap")
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
