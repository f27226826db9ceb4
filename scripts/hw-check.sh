#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# hw-check.sh [CPU...]: the hardware benchmark (tools/hwbench), run as a
# maintainer would run it on an arm64 machine, inside the test VM standing in
# for one (default: max, VHE, and cortex-a72, nVHE), on the baseline and the
# patched kernel. Under the QEMU opcount plugin at the same time, so that
# every kprobe count hwbench reports is checked against the plugin's count of
# executions of the same function entry in the same run: they must be equal.
# Then scripts/hw-compare.sh must print the comparison of the two runs
# (kept in $RESULTS/hw/CPU/compare.txt).
#
# HW_SCENARIOS: the scenarios to run (default: unmap-1x2m wp-mprotect).
# Prints one KTAP result per CPU and kernel, and per CPU for the comparison.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cpus=("$@")
[ ${#cpus[@]} -gt 0 ] || cpus=(max cortex-a72)
scen=${HW_SCENARIOS:-unmap-1x2m wp-mprotect}
d=$RESULTS/hw
rm -rf "$d"
mkdir -p "$d"
build_plugin
plan=$d/plan
# -r 0: only the counted run, so that the plugin's window (the whole test)
# and the kprobes see the same executions.
echo "test hwbench 1800 /bin/hwbench -r 0 -o /tmp/hw -k /kvm -s /scenarios -d $scen" >"$plan"
"$TOP/scripts/mkinitramfs.sh" "$OUT/patched" "$plan" "$d/initramfs.cpio"
# The functions hwbench probes (its probe_syms[]).
mapfile -t fns < <(sed -n '/^static const char \*const probe_syms/,/^};/p' \
	"$TOP/tools/hwbench/hwbench.c" | grep -oE '"[a-z_0-9]+"' | tr -d '"')
[ ${#fns[@]} -gt 0 ] || die "no probe_syms[] in tools/hwbench/hwbench.c"

# extract KTAP DIR: the result files hwbench printed (-d) into DIR.
extract() {
	awk -v dir="$2" '
		{ sub(/^# /, "") }
		/^hwbench-file: / { f = dir "/" $2; system("mkdir -p \"$(dirname \"" f "\")\""); next }
		/^hwbench-end: / { close(f); f = ""; next }
		f != "" { print > f }' "$1"
}

echo "1..$((${#cpus[@]} * 3))"
fail=0
i=0
for cpu in "${cpus[@]}"; do
	for k in baseline patched; do
		i=$((i + 1))
		kern=$OUT/$k
		syms=$(plugin_syms "$kern" "${fns[@]}")
		QEMU_EXTRA="-plugin file=$BUILD/opcount.so,out=$d/$cpu.$k.counts$syms" VM_APPEND=nokaslr \
			"$TOP/scripts/run-vm.sh" "$kern/arch/arm64/boot/Image" \
			"$d/initramfs.cpio" "$plan" "$cpu" "$d/$cpu/$k.vm" 2>/dev/null || true
		r=$d/$cpu/$k
		extract "$d/$cpu/$k.vm/results.ktap" "$r"
		if ! grep -aq '^ok 1 hwbench' "$d/$cpu/$k.vm/results.ktap" || [ ! -f "$r/count/counts" ]; then
			grep -a '^# ' "$d/$cpu/$k.vm/results.ktap" | tail -n 20
			echo "not ok $i hw $cpu $k: hwbench ran # no results"
			fail=1
			continue
		fi
		sed 's/^/# /' "$r/env" | grep -E '^# (kernel|kvm|tlb-range|fwb|series|probe):'
		# Each probe hwbench could place: its hits summed over the
		# scenarios against the plugin's count of the function's entry.
		bad=0 same=0
		for f in "${fns[@]}"; do
			grep -q "^probe: $f yes" "$r/env" || continue
			kp=$(awk -v c="call:$f" '$3 == c {s += $4} END {print s + 0}' "$r/count/counts")
			pl=$(awk -v c="call:$f" '$1 == "window" && $2 == 1 && $3 == c {print $4}' "$d/$cpu.$k.counts")
			if [ "$kp" = "${pl:-0}" ]; then
				same=$((same + 1))
				echo "#   $f: $kp"
			else
				echo "#   $f: kprobes $kp, plugin ${pl:-0}"
				bad=$((bad + 1))
			fi
		done
		if ! grep -aq '^ok' "$r/count/results.ktap" || grep -aq '^not ok' "$r/count/results.ktap"; then
			echo "not ok $i hw $cpu $k: a scenario failed under hwbench"
			fail=1
		elif [ $bad -gt 0 ] || [ $same -eq 0 ]; then
			echo "not ok $i hw $cpu $k: kprobe counts against the plugin's: $same equal, $bad differ"
			fail=1
		else
			echo "ok $i hw $cpu $k: $same kprobe counts equal to the plugin's"
		fi
	done
	i=$((i + 1))
	if "$TOP/scripts/hw-compare.sh" "$d/$cpu/baseline" "$d/$cpu/patched" >"$d/$cpu/compare.txt" 2>&1 &&
		grep -q 'operations (one run each)' "$d/$cpu/compare.txt"; then
		sed 's/^/# /' "$d/$cpu/compare.txt"
		echo "ok $i hw $cpu: hw-compare.sh prints the comparison"
	else
		sed 's/^/# /' "$d/$cpu/compare.txt" | tail -n 20
		echo "not ok $i hw $cpu: hw-compare.sh prints the comparison"
		fail=1
	fi
done
rm -f "$d/initramfs.cpio"
exit $fail
