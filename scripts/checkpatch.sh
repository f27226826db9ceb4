#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.sh: run the base tree's checkpatch.pl --strict on every patch of
# the series. A patch passes with 0 errors, 0 warnings and 0 checks.
# Prints one KTAP result per patch; exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need perl perl
"$TOP/scripts/base-tree.sh"
mapfile -t patches < <(series_patches)
echo "1..${#patches[@]}"
i=0
fail=0
for p in "${patches[@]}"; do
	i=$((i + 1))
	name=$(basename "$p")
	rep=$(cd "$BASE_REPO" && perl scripts/checkpatch.pl --strict --showfile \
		--color=never "$p" 2>&1 || true)
	sign=$(grep -c '^Signed-off-by: ' "$p" || true)
	total=$(grep -E '^total: ' <<<"$rep" | tail -n1)
	if [[ $total == "total: 0 errors, 0 warnings, 0 checks,"* ]] && [ "$sign" -gt 0 ]; then
		echo "ok $i checkpatch $name"
	else
		[ "$sign" -gt 0 ] || echo "# $name: no Signed-off-by"
		grep -vE '^(total:|$|NOTE:)' <<<"$rep" | sed 's/^/# /'
		echo "not ok $i checkpatch $name # ${total:-checkpatch printed no total}"
		fail=1
	fi
done
exit $fail
