#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sparse-w1.sh: sparse (C=2) and W=1 on every arm64 kernel file the series
# touches, on the baseline and on the patched tree; a warning the patched
# tree has and the baseline has not fails. A touched header stands for the
# stage-2 files that include it. Needs 'make kernels' first.
# Prints one KTAP result per file; exits 1 if any has new warnings.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need sparse sparse
lock_tree
"$TOP/scripts/apply-series.sh"
mapfile -t files < <(git -C "$BASE_REPO" diff --name-only base test/series -- \
	'*.c' '*.h' ':!tools/' ':!Documentation/' ':!arch/x86/')
objs=()
for f in "${files[@]}"; do
	case "$f" in
	*.c) objs+=("${f%.c}.o") ;;
	*.h) objs+=(arch/arm64/kvm/mmu.o arch/arm64/kvm/hyp/pgtable.o virt/kvm/kvm_main.o) ;;
	esac
done
mapfile -t objs < <(printf '%s\n' "${objs[@]}" | sort -u | grep . || true)
echo "1..${#objs[@]}"
[ ${#objs[@]} -gt 0 ] || exit 0

# warnings KERNEL COMMIT: sparse and W=1 output for every object, normalised
# (no line numbers, no tree path), one file per object.
warnings() {
	local k=$1 dir=$RESULTS/sparse/$1 o
	"$TOP/scripts/checkout.sh" "$2" >/dev/null
	mkdir -p "$dir"
	for o in "${objs[@]}"; do
		if [ ! -f "$OUT/patched/$o" ]; then
			echo not-built >"$dir/$(tr / _ <<<"$o")"
			continue
		fi
		if [ ! -f "$BASE_REPO/${o%.o}.c" ]; then
			: >"$dir/$(tr / _ <<<"$o")"	# new with the series
			continue
		fi
		kmake "$OUT/$k" -C "$BASE_REPO" C=2 W=1 "$o" 2>&1 |
			grep -E 'warning:|error:' |
			sed -E "s|$BASE_REPO/||; s|:[0-9]+:[0-9]+:|:|; s|:[0-9]+:|:|" |
			sort -u >"$dir/$(tr / _ <<<"$o")" || true
	done
}
warnings baseline base
warnings patched series

fail=0
i=0
for o in "${objs[@]}"; do
	i=$((i + 1))
	f=$(tr / _ <<<"$o")
	if grep -qx not-built "$RESULTS/sparse/patched/$f"; then
		echo "ok $i sparse+W=1 $o # SKIP not built in this configuration"
		continue
	fi
	new=$(comm -13 "$RESULTS/sparse/baseline/$f" "$RESULTS/sparse/patched/$f")
	if [ -z "$new" ]; then
		echo "ok $i sparse+W=1 $o"
	else
		sed 's/^/# /' <<<"$new"
		echo "not ok $i sparse+W=1 $o # $(wc -l <<<"$new") new warning(s)"
		fail=1
	fi
done
exit $fail
