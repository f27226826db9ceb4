#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh [--default] [--scenario "NAME..."] [--no-counts] [CPU...]: run the
# benchmark scenarios of virt/scenarios on the baseline and the patched
# kernel, in the same run, alternating (B P, then P B, ...), ROUNDS rounds,
# then once more per kernel under the opcount plugin to count maintenance
# operations. Prints the comparison and writes one Markdown file per
# scenario, build/KBASE/results/pages/SCENARIO.md (with PUBLISH=1,
# Documentation/results/KBASE/).
#
# --default: only the scenarios tagged "default" ('make'), on max unless
# CPUs are given. Without CPU arguments, every CPU a scenario lists.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SCEN_FILE=$TOP/virt/scenarios
ROUNDS=${ROUNDS:-3}
only_default=0
want_scen=""
counts=1
cpus=()
while [ $# -gt 0 ]; do
	case "$1" in
	--default) only_default=1 ;;
	--scenario) want_scen=${2:?--scenario needs a name}; want_scen=${want_scen//,/ }; shift ;;
	--no-counts) counts=0 ;;
	-*) die "bench.sh: unknown option $1" ;;
	*) cpus+=("$1") ;;
	esac
	shift
done
case "$ROUNDS" in '' | *[!0-9]* | 0) die "ROUNDS=$ROUNDS: need a positive number" ;; esac

# scenario table: name|cpus|tags|expect|cmd, whitespace trimmed
scen_table() {
	grep -vE '^[[:space:]]*(#|$)' "$SCEN_FILE" |
		awk -F'|' '{for (i = 1; i <= NF; i++) gsub(/^[ \t]+|[ \t]+$/, "", $i);
			print $1 "|" $2 "|" $3 "|" $4 "|" $5}'
}
valid_scen=$(scen_table | cut -d'|' -f1 | paste -sd' ')
valid_cpus=$(awk '!/^#/ && NF {print $1}' "$TOP/virt/cpus" | paste -sd' ')
for n in $want_scen; do
	grep -qw -- "$n" <<<"$valid_scen" || die "unknown scenario '$n'; valid: $valid_scen"
done
for c in "${cpus[@]}"; do
	grep -qw -- "$c" <<<"$valid_cpus" || die "unknown CPU configuration '$c'; valid: $valid_cpus"
done
[ $only_default = 0 ] || [ ${#cpus[@]} -gt 0 ] || cpus=(max)

# selected NAME CPU: does this run include scenario NAME on CPU?
selected() {
	local line
	line=$(scen_table | awk -F'|' -v n="$1" '$1 == n')
	[ -z "$want_scen" ] || tr ' ' '\n' <<<"$want_scen" | grep -qx -- "$1" || return 1
	[ $only_default = 0 ] || grep -qw default <<<"$(cut -d'|' -f3 <<<"$line")" || return 1
	if [ ${#cpus[@]} -gt 0 ]; then
		printf '%s\n' "${cpus[@]}" | grep -qx -- "$2" || return 1
	fi
	grep -qw -- "$2" <<<"$(cut -d'|' -f2 <<<"$line")"
}

lock_tree
phase_start "bench: build baseline and patched kernels"
"$TOP/scripts/build.sh" baseline base
"$TOP/scripts/build.sh" patched series
phase_end

plugin=$BUILD/opcount.so
if [ $counts = 1 ]; then
	build_plugin
fi

bench=$RESULTS/bench
rm -rf "$bench"
mkdir -p "$bench"
ran=0
for cpu in $valid_cpus; do
	mapfile -t names < <(scen_table | cut -d'|' -f1 | while read -r n; do
		if selected "$n" "$cpu"; then echo "$n"; fi; done)
	[ ${#names[@]} -gt 0 ] || continue
	ran=1
	d=$bench/$cpu
	mkdir -p "$d"
	plan=$d/plan
	{
		echo "write /sys/kernel/mm/transparent_hugepage/enabled madvise"
		# one 1G page first, while memory is not fragmented yet
		echo "write /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages 1"
		echo "write /proc/sys/vm/nr_hugepages 600"
		for n in "${names[@]}"; do
			scen_table | awk -F'|' -v n="$n" '$1 == n {print "test " $1 " 1200 " $5}'
		done
	} >"$plan"
	# One selftest build, the patched tree's, runs on both kernels.
	"$TOP/scripts/mkinitramfs.sh" "$OUT/patched" "$plan" "$d/initramfs.cpio"
	for ((r = 1; r <= ROUNDS; r++)); do
		order="baseline patched"
		[ $((r % 2)) = 1 ] || order="patched baseline"
		for k in $order; do
			phase_start "bench: $cpu round $r/$ROUNDS $k (${names[*]})"
			"$TOP/scripts/run-vm.sh" "$OUT/$k/arch/arm64/boot/Image" \
				"$d/initramfs.cpio" "$plan" "$cpu" "$d/$k/round$r"
			phase_end
		done
	done
	if [ $counts = 1 ]; then
		for k in baseline patched; do
			phase_start "bench: $cpu operation counts $k"
			syms=$(plugin_syms "$OUT/$k" __kvm_tlb_flush_vmid_ipa \
				__kvm_tlb_flush_vmid_ipa_nsh __kvm_tlb_flush_vmid_range \
				__kvm_tlb_flush_vmid __kvm_flush_cpu_context \
				__kvm_flush_vm_context stage2_flush_vm kvm_pgtable_stage2_flush \
				kvm_pgtable_stage2_split stage2_split_walker stage2_map_walker \
				stage2_attr_walker)
			mkdir -p "$d/$k/count"
			QEMU_EXTRA="-plugin file=$plugin,out=$d/$k/count/counts$syms" VM_APPEND=nokaslr \
				"$TOP/scripts/run-vm.sh" "$OUT/$k/arch/arm64/boot/Image" \
				"$d/initramfs.cpio" "$plan" "$cpu" "$d/$k/count"
			phase_end
		done
	fi
	rm -f "$d"/*.cpio
done
[ $ran = 1 ] || die "no scenario selected (scenarios: $valid_scen; CPUs: $valid_cpus)"

# Result pages go under build/; PUBLISH=1 updates the published ones in
# Documentation/results/KBASE (which its cover letter quotes) instead.
pages=$RESULTS/pages
[ -z "${PUBLISH:-}" ] || pages=$RESULTS_DOC
mkdir -p "$pages"

python3 "$TOP/scripts/bench-report.py" --results "$bench" --scenarios "$SCEN_FILE" \
	--rounds "$ROUNDS" --outdir "$pages" \
	--command "make $([ $only_default = 1 ] && echo all || echo bench)$([ "$KBASE" = 7.2 ] || echo " KBASE=$KBASE")${want_scen:+ SCENARIO=\"$want_scen\"}${cpus:+ CPUS=\"${cpus[*]}\"} ROUNDS=$ROUNDS" \
	--base "$(git -C "$BASE_REPO" log -1 --format='%h %s' base)" \
	--series "$(cat "$OUT/patched/commit")" --top "$TOP"
