#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# apply-series.sh: apply patches/series with 'git am' onto the base, in the
# test tree ($BUILD/src/base), as the branch test/series. A patch that does
# not apply stops the run and is named. Re-applies only when patches/ changed.
#
# The test tree is the one source tree every test build uses: baseline,
# patched and each prefix of the series are checked out in turn at the same
# path (scripts/checkout.sh), so ccache serves every file a patch does not
# change, whichever output directory it is built in.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/base-tree.sh"
mapfile -t patches < <(series_patches)

stamp=$( (cat "$SERIES" 2>/dev/null; cat "${patches[@]}" /dev/null) | sha1sum | cut -c1-40)
if [ "$(cat "$BASE_REPO/.git/kvm-s2-series" 2>/dev/null)" = "$stamp" ] &&
	git -C "$BASE_REPO" rev-parse -q --verify test/series >/dev/null; then
	exit 0
fi

lock_tree
git -C "$BASE_REPO" am --abort >/dev/null 2>&1 || true
git -C "$BASE_REPO" checkout -q --detach base
git -C "$BASE_REPO" reset -q --hard base
i=0
for p in "${patches[@]}"; do
	i=$((i + 1))
	if ! git -C "$BASE_REPO" am -q --keep-cr "$p" >"$BUILD/am.log" 2>&1; then
		sed 's/^/    /' "$BUILD/am.log" >&2
		git -C "$BASE_REPO" am --abort >/dev/null 2>&1 || true
		git -C "$BASE_REPO" checkout -q --detach base
		die "patch $i/${#patches[@]} does not apply on the base: patches/$(basename "$p")"
	fi
done
git -C "$BASE_REPO" branch -f test/series HEAD
printf '%s\n' "$stamp" >"$BASE_REPO/.git/kvm-s2-series"
log "series: $i patches applied (test/series in ${BASE_REPO#"$TOP"/})"
