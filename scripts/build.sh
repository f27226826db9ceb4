#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build.sh NAME K: check the test tree out at K (base, series or a patch
# count) and build the arm64 kernel and its KVM selftests in $BUILD/out/NAME.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: build.sh NAME K}
k=${2:?usage: build.sh NAME K}
lock_tree
commit=$("$TOP/scripts/checkout.sh" "$k")
log "build: $name at $k ($commit)"
"$TOP/scripts/build-kernel.sh" "$BASE_REPO" "$OUT/$name"
"$TOP/scripts/build-selftests.sh" "$BASE_REPO" "$OUT/$name"
git -C "$BASE_REPO" log -1 --format='%H %s' >"$OUT/$name/commit"
