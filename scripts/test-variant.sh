#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test-variant.sh VARIANT [CPU...]: build the patched kernel with the extra
# kconfig fragment arch/arm64/configs/kvm_stage2_VARIANT.config in
# $BUILD/out/patched-VARIANT, with its own KVM selftests, and run
# virt/plans/variants.plan on it on each CPU configuration (default: max
# cortex-a72; the 16k variant: max, as Cortex-A72 has no 16K granule).
# A test fails if it fails, or if the kernel logs a warning, BUG, oops or
# lockdep report while it runs. Results: $RESULTS/VARIANT/CPU/results.ktap;
# prints "N passed, N failed, N skipped" and fails if anything failed.
#
# Variants: debug (lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, DEBUG_VM,
# DEBUG_LIST), kasan (generic KASAN), 16k and 64k (host page size).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:?usage: test-variant.sh debug|16k|64k [CPU...]}
shift
frag=$TOP/arch/arm64/configs/kvm_stage2_$variant.config
[ -f "$frag" ] || die "no fragment $frag (variants: debug kasan 16k 64k)"
cpus=("$@")
if [ ${#cpus[@]} -eq 0 ]; then
	case "$variant" in
	16k) cpus=(max) ;;
	*) cpus=(max cortex-a72) ;;
	esac
fi
plan=$TOP/virt/plans/variants.plan
kout=$OUT/patched-$variant

lock_tree
phase_start "test-$variant: build the patched kernel and selftests"
"$TOP/scripts/checkout.sh" series >/dev/null
FRAGMENTS="$FRAGMENT $frag" "$TOP/scripts/build-kernel.sh" "$BASE_REPO" "$kout"
"$TOP/scripts/build-selftests.sh" "$BASE_REPO" "$kout"
phase_end

res=$RESULTS/$variant
rm -rf "$res"
mkdir -p "$res"
"$TOP/scripts/mkinitramfs.sh" "$kout" "$plan" "$res/tests.cpio"
for cpu in "${cpus[@]}"; do
	phase_start "test-$variant on $cpu"
	"$TOP/scripts/run-vm.sh" "$kout/arch/arm64/boot/Image" "$res/tests.cpio" \
		"$plan" "$cpu" "$res/$cpu"
	phase_end
done
rm -f "$res/tests.cpio"

pass=0 fail=0 skip=0
for cpu in "${cpus[@]}"; do
	while read -r line; do
		case "$line" in
		"not ok "*) fail=$((fail + 1)); echo "FAIL $variant/$cpu: ${line#not ok }" ;;
		"ok "*"# SKIP"*) skip=$((skip + 1)) ;;
		"ok "*) pass=$((pass + 1)) ;;
		esac
	done < <(grep -aE '^(not )?ok [0-9]+ ' "$res/$cpu/results.ktap")
done
echo "test-$variant (${cpus[*]}): $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
