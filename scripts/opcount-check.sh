#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# opcount-check.sh [CPU...]: the operation counts 'make bench' reports are
# exact and reproducible. Runs virt/plans/opcount.plan twice under the
# opcount plugin on the patched kernel (default CPUs: max for VHE, cortex-a72
# for nVHE) and requires, per test, identical counts of the stage-2
# maintenance operations (EL2 TLBIs, DC CIVAC/CVAC, calls to the stage-2
# flush functions), and that the scenario issued some.
# Counters driven by scheduling, timer ticks and guest exits (DSB, ISB,
# VMALLE1, the host's stage-1 TLBIs, HVC, which in nVHE counts every vCPU
# entry, instructions) are reported by 'make bench', not compared.
# Prints one KTAP result per CPU; exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cpus=("$@")
[ ${#cpus[@]} -gt 0 ] || cpus=(max cortex-a72)
plan=$TOP/virt/plans/opcount.plan
d=$RESULTS/opcount
rm -rf "$d"
mkdir -p "$d"
need gcc gcc
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$BUILD/opcount.so" "$TOP/tools/qemu-plugin/opcount.c"
"$TOP/scripts/mkinitramfs.sh" "$OUT/patched" "$plan" "$d/initramfs.cpio"
syms=""
for f in __kvm_tlb_flush_vmid_ipa __kvm_tlb_flush_vmid_ipa_nsh __kvm_tlb_flush_vmid_range \
	__kvm_tlb_flush_vmid stage2_flush_vm; do
	a=$(awk -v f="$f" '$3 == f {print $1; exit}' "$OUT/patched/System.map")
	[ -z "$a" ] || syms="$syms,sym=$f@$a"
done
STAGE2='^window [0-9]+ (tlbi:(IPAS2|RIPAS2|VMALLS12)[A-Z0-9]*|dc:C(I)?VAC|call:[a-z_0-9]+) '

echo "1..${#cpus[@]}"
fail=0
i=0
for cpu in "${cpus[@]}"; do
	i=$((i + 1))
	for r in 1 2; do
		QEMU_EXTRA="-plugin file=$BUILD/opcount.so,out=$d/$cpu.$r.counts$syms" VM_APPEND=nokaslr \
			"$TOP/scripts/run-vm.sh" "$OUT/patched/arch/arm64/boot/Image" \
			"$d/initramfs.cpio" "$plan" "$cpu" "$d/$cpu.$r" 2>/dev/null
		grep -aE "$STAGE2" "$d/$cpu.$r.counts" | sort >"$d/$cpu.$r.stage2" || true
	done
	n=$(wc -l <"$d/$cpu.1.stage2")
	if grep -aq '^not ok' "$d/$cpu.1/results.ktap" "$d/$cpu.2/results.ktap"; then
		echo "# a counted test failed"
		echo "not ok $i opcount $cpu: counted tests ran"
		fail=1
	elif [ "$n" -eq 0 ]; then
		echo "not ok $i opcount $cpu: no stage-2 maintenance counted"
		fail=1
	elif ! diff -u "$d/$cpu.1.stage2" "$d/$cpu.2.stage2" | sed 's/^/# /'; then
		echo "not ok $i opcount $cpu: stage-2 counts differ between two runs"
		fail=1
	else
		sed 's/^/# /' "$d/$cpu.1.stage2"
		echo "ok $i opcount $cpu: $n stage-2 counters identical in two runs"
	fi
done
rm -f "$d/initramfs.cpio"
exit $fail
