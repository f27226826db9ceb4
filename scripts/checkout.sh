#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkout.sh K: check the test tree out at the first K patches of the series
# ("base" = 0, "series" = all). Prints the commit.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/apply-series.sh"
n=$(git -C "$BASE_REPO" rev-list --count base..test/series)
k=${1:?usage: checkout.sh K|base|series}
case "$k" in
base) k=0 ;;
series) k=$n ;;
*[!0-9]*) die "checkout.sh: '$k' is not a patch count" ;;
esac
[ "$k" -le "$n" ] || die "the series has $n patches, not $k"
lock_tree
git -C "$BASE_REPO" checkout -q --detach "test/series~$((n - k))"
git -C "$BASE_REPO" rev-parse --short HEAD
