#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# opcount-check.sh [CPU...]: the operation counts 'make bench' reports are
# exact and reproducible. Runs virt/plans/opcount.plan twice under the
# opcount plugin on the patched kernel (default CPUs: max for VHE, cortex-a72
# for nVHE, cortex-a72-pkvm for protected mode) and requires, per test,
# identical counts of the stage-2 maintenance operations (EL2 TLBIs, DC
# CIVAC/CVAC, calls to the stage-2 flush functions), and that the scenario
# issued some.
# Counters driven by scheduling, timer ticks and guest exits (DSB, ISB,
# VMALLE1, the host's stage-1 TLBIs, HVC, which in nVHE counts every vCPU
# entry, instructions) are reported by 'make bench', not compared.
# Then checks the counts against virt/plans/opcount.expect (exact bounds,
# e.g. "a write-protect of read-only entries invalidates them").
# Prints one KTAP result per CPU and per expectation; exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cpus=("$@")
[ ${#cpus[@]} -gt 0 ] || cpus=(max cortex-a72 cortex-a72-pkvm)
plan=$TOP/virt/plans/opcount.plan
expect=$TOP/virt/plans/opcount.expect
# OPCOUNT_KERNEL=DIR checks another build (a mutant, the baseline) instead.
kern=${OPCOUNT_KERNEL:-$OUT/patched}
d=${OPCOUNT_RESULTS:-$RESULTS/opcount}
rm -rf "$d"
mkdir -p "$d"
build_plugin
"$TOP/scripts/mkinitramfs.sh" "$kern" "$plan" "$d/initramfs.cpio"
syms=$(plugin_syms "$kern" __kvm_tlb_flush_vmid_ipa __kvm_tlb_flush_vmid_ipa_nsh \
	__kvm_tlb_flush_vmid_range __kvm_tlb_flush_vmid stage2_flush_vm)
STAGE2='^window [0-9]+ (tlbi:(IPAS2|RIPAS2|VMALLS12)[A-Z0-9]*|dc:C(I)?VAC|call:[a-z_0-9]+) '
# In protected mode the hypervisor also maintains the host's own stage 2,
# with TLBIs by IPA whose number depends on what the host allocates where:
# there the counters compared are the others (the host can only ask for a
# VM's invalidation by VMID).
STAGE2_PKVM='^window [0-9]+ (tlbi:(RIPAS2|VMALLS12)[A-Z0-9]*|dc:C(I)?VAC|call:[a-z_0-9]+) '

# Window N of a counts file is the Nth test of the plan.
tests=($(awk '$1 == "test" {print $2}' "$plan"))
# expectations CPU: the lines of opcount.expect that apply to CPU.
expectations() {
	awk -v c="$1" '!/^#/ && NF == 6 {
		n = split($1, a, ",")
		for (k = 1; k <= n; k++) if (a[k] == c || a[k] == "*") {print; break}
	}' "$expect"
}
nexp=0
for cpu in "${cpus[@]}"; do
	nexp=$((nexp + $(expectations "$cpu" | wc -l)))
done

# sum FILE TEST COUNTERS: the sum of COUNTERS (a+b+...) in TEST's window.
sum() {
	local file=$1 t=$2 ctrs=$3 w=0 k
	[ "$t" = "-" ] && { echo 0; return; }
	for k in "${!tests[@]}"; do
		[ "${tests[$k]}" = "$t" ] && w=$((k + 1))
	done
	[ $w -gt 0 ] || die "opcount.expect names '$t', which is not a test of $plan"
	awk -v w="$w" -v c="+$ctrs+" '$1 == "window" && $2 == w && index(c, "+" $3 "+") {s += $4}
		END {print s + 0}' "$file"
}

echo "1..$((${#cpus[@]} + nexp))"
fail=0
i=0
for cpu in "${cpus[@]}"; do
	i=$((i + 1))
	for r in 1 2; do
		QEMU_EXTRA="-plugin file=$BUILD/opcount.so,out=$d/$cpu.$r.counts$syms" VM_APPEND=nokaslr \
			"$TOP/scripts/run-vm.sh" "$kern/arch/arm64/boot/Image" \
			"$d/initramfs.cpio" "$plan" "$cpu" "$d/$cpu.$r" 2>/dev/null
		# The mode KVM ran in, as run-vm.sh found it.
		re=$STAGE2
		! grep -q '^kvm: protected' "$d/$cpu.$r/features" || re=$STAGE2_PKVM
		grep -aE "$re" "$d/$cpu.$r.counts" | sort >"$d/$cpu.$r.stage2" || true
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
	while read -r _ t minus ctrs op val; do
		i=$((i + 1))
		a=$(sum "$d/$cpu.1.counts" "$t" "$ctrs")
		b=$(sum "$d/$cpu.1.counts" "$minus" "$ctrs")
		got=$((a - b))
		if [ "$minus" = "-" ]; then
			what="opcount $cpu: $t: $ctrs = $got, want $op $val"
		else
			what="opcount $cpu: $t - $minus: $ctrs = $a - $b = $got, want $op $val"
		fi
		case $op in
		'>=') ok=$((got >= val)) ;;
		'<=') ok=$((got <= val)) ;;
		'==') ok=$((got == val)) ;;
		*) die "opcount.expect: bad operator '$op'" ;;
		esac
		if [ "$ok" = 1 ]; then
			echo "ok $i $what"
		else
			echo "not ok $i $what"
			fail=1
		fi
	done < <(expectations "$cpu")
done
rm -f "$d/initramfs.cpio"
exit $fail
