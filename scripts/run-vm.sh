#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run-vm.sh KERNEL INITRD PLAN CPU OUTDIR: boot the test VM on CPU
# configuration CPU (a name from virt/cpus) and collect its KTAP.
#
# Writes OUTDIR/results.ktap (one KTAP document for the whole plan),
# OUTDIR/console.K.log for each boot, and OUTDIR/features (what the L1 kernel
# detected and uses). Prints result lines on stderr as they come.
#
# The host watches the guest: no KTAP header within BOOT_TIMEOUT seconds, or a
# test that runs GRACE seconds past its own timeout, and QEMU is killed. When
# the guest dies in the middle of a test (panic, hang), that test is reported
# "not ok" with the console tail and the VM is booted again at the next test,
# so the rest of the plan is still reported.
#
# Environment: VM_MEM (4G), VM_SMP (2), BOOT_TIMEOUT (300), GRACE (120),
# VM_APPEND (extra kernel command line), QEMU_EXTRA (extra QEMU arguments).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=$(abspath "${1:?usage: run-vm.sh KERNEL INITRD PLAN CPU OUTDIR}")
initrd=$(abspath "${2:?}")
plan=$(abspath "${3:?}")
cpu=${4:?}
outdir=$(abspath "${5:?}")
need qemu-system-aarch64 qemu-system-arm
[ -f "$kernel" ] || die "no kernel image $kernel"
[ -f "$initrd" ] || die "no initramfs $initrd"

line=$(awk -v n="$cpu" '$1 == n' "$TOP/virt/cpus")
[ -n "$line" ] || die "unknown CPU configuration '$cpu'; valid: $(awk '!/^#/ && NF {printf "%s ", $1}' "$TOP/virt/cpus")"
read -r _ qemu_cpu cpu_append <<<"$line"

VM_MEM=${VM_MEM:-4G}
VM_SMP=${VM_SMP:-2}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}
GRACE=${GRACE:-120}

mkdir -p "$outdir"
rm -f "$outdir"/console.*.log "$outdir/results.ktap"

# name and timeout of test N, from the plan
mapfile -t tnames < <(awk '$1 == "test" {print $2}' "$plan")
mapfile -t ttimeouts < <(awk '$1 == "test" {print $3}' "$plan")
ntests=${#tnames[@]}

body=$outdir/results.body
: >"$body"
start=1
boot=0
while [ "$start" -le "$ntests" ] || [ "$boot" -eq 0 ]; do
	boot=$((boot + 1))
	con=$outdir/console.$boot.log
	: >"$con"
	append="console=ttyAMA0 quiet panic=-1 rdinit=/init ktap.start=$start $cpu_append ${VM_APPEND:-}"
	# shellcheck disable=SC2086
	qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 \
		-cpu "$qemu_cpu" -smp "$VM_SMP" -m "$VM_MEM" \
		-display none -monitor none -serial "file:$con" -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		${QEMU_EXTRA:-} </dev/null >"$outdir/qemu.$boot.log" 2>&1 &
	qpid=$!
	t0=$(date +%s)
	cur=0
	cur_t=$t0
	reported=0
	why=""
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		# Stream result lines.
		mapfile -t res < <(tr -d '\r' <"$con" | grep -aE '^(not )?ok [0-9]+ ' || true)
		while [ "$reported" -lt "${#res[@]}" ]; do
			printf '  %s: %s\n' "$cpu" "${res[$reported]}" >&2
			reported=$((reported + 1))
		done
		if ! grep -aq '^KTAP version' "$con"; then
			if [ $((now - t0)) -gt "$BOOT_TIMEOUT" ]; then
				why="no KTAP output ${BOOT_TIMEOUT}s after boot"
				kill -9 "$qpid" 2>/dev/null || true
			fi
			continue
		fi
		n=$(grep -aoE '^# run [0-9]+ ' "$con" | tail -n1 | awk '{print $3}' || true)
		n=${n:-0}
		if [ "$n" != "$cur" ]; then
			cur=$n
			cur_t=$now
		fi
		if [ "$cur" -gt 0 ] && ! grep -aqE "^(not )?ok $cur " "$con"; then
			limit=$((${ttimeouts[$((cur - 1))]} + GRACE))
			if [ $((now - cur_t)) -gt "$limit" ]; then
				why="guest hung: test $cur ran ${limit}s without a result"
				kill -9 "$qpid" 2>/dev/null || true
			fi
		fi
	done
	wait "$qpid" 2>/dev/null || true

	# Keep the KTAP lines of this boot (test results and diagnostics).
	tr -d '\r' <"$con" | grep -aE '^(# |(not )?ok [0-9]+ )' |
		grep -avE '^# (plan complete|resuming at test)' >>"$body" || true
	if grep -aq '^# plan complete' "$con"; then
		break
	fi
	last=$(grep -aoE '^# run [0-9]+ ' "$con" | tail -n1 | awk '{print $3}' || true)
	if [ -z "$last" ]; then
		# Died before its first test: nothing more will run.
		warn "$cpu: the VM did not start the plan (${why:-QEMU exited}); console tail:"
		tail -n 40 "$con" | sed 's/^/    /' >&2
		for ((i = start; i <= ntests; i++)); do
			echo "not ok $i ${tnames[$((i - 1))]} # VM did not boot: ${why:-QEMU exited}" >>"$body"
		done
		break
	fi
	if ! grep -aqE "^(not )?ok $last " "$con"; then
		reason=${why:-guest kernel died (panic or reset)}
		warn "$cpu: test $last ${tnames[$((last - 1))]}: $reason; console tail:"
		tail -n 40 "$con" | sed 's/^/    /' >&2
		tail -n 40 "$con" | sed 's/^/# console: /' >>"$body"
		echo "not ok $last ${tnames[$((last - 1))]} # $reason" >>"$body"
		printf '  %s: %s\n' "$cpu" "not ok $last ${tnames[$((last - 1))]} # $reason" >&2
	fi
	start=$((last + 1))
done

{
	echo "KTAP version 1"
	echo "# cpu configuration: $cpu (-cpu $qemu_cpu${cpu_append:+, $cpu_append})"
	echo "1..$ntests"
	cat "$body"
} >"$outdir/results.ktap"
rm -f "$body"

# What the L1 kernel detected and uses.
cfg=$(dirname "$kernel")/../../../.config
{
	c=$outdir/console.1.log
	if grep -aqE 'Protected [nh]VHE mode initialized' "$c"; then
		echo "kvm: protected (pKVM, $(grep -aoE 'Protected [nh]VHE' "$c" | head -n1 | cut -d' ' -f2))"
	elif grep -aq 'VHE mode initialized' "$c" && ! grep -aqi 'nVHE mode initialized' "$c"; then
		echo "kvm: VHE"
	elif grep -aqi 'nVHE mode initialized\|Hyp mode initialized\|protected' "$c"; then
		echo "kvm: nVHE ($(grep -aoiE '[a-z ]*(nVHE|Hyp) mode initialized' "$c" | head -n1))"
	else
		echo "kvm: not initialized"
	fi
	det() { grep -aq "CPU features: detected: $1" "$c" && echo yes || echo no; }
	tlbr=$(det 'TLB range maintenance')
	use=no
	[ "$tlbr" = yes ] && grep -qx 'CONFIG_ARM64_TLB_RANGE=y' "$cfg" 2>/dev/null && use=yes
	echo "tlb-range: detected=$tlbr used=$use"
	echo "fwb: $(det 'Stage-2 Force Write-Back')"
} >"$outdir/features"
# A configuration that asks for protected mode must get it, not a fallback.
case " $cpu_append " in
*" kvm-arm.mode=protected "*)
	grep -q '^kvm: protected' "$outdir/features" || {
		tail -n 30 "$outdir/console.1.log" >&2
		die "$cpu: KVM did not initialise in protected mode (console above)"
	}
	;;
esac
