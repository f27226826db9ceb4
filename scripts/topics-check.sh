#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# topics-check.sh: the per-topic series of patches/topics/ (written by 'make
# patches' from Documentation/posting) apply with 'git am', in order, onto
# the base, and together give the same tree as patches/series. KTAP, one
# result per topic and one for the whole.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

lock_tree
"$TOP/scripts/apply-series.sh"
mapfile -t topics < <(find "$PATCHES/topics" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort)
[ ${#topics[@]} -gt 0 ] || { echo "1..0 # SKIP no patches/topics: run 'make patches'"; exit 0; }
echo "1..$((${#topics[@]} + 1))"
wt=$BUILD/src/topics
git -C "$BASE_REPO" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"
git -C "$BASE_REPO" worktree prune
git -C "$BASE_REPO" worktree add -q --detach "$wt" base
trap 'git -C "$BASE_REPO" worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
i=0
fail=0
for t in "${topics[@]}"; do
	i=$((i + 1))
	name=$(basename "$t")
	n=0
	ok=1
	while read -r p; do
		n=$((n + 1))
		if ! git -C "$wt" am -q --keep-cr "$t/$p" >"$BUILD/am-topic.log" 2>&1; then
			sed 's/^/# /' "$BUILD/am-topic.log"
			git -C "$wt" am --abort >/dev/null 2>&1 || true
			echo "not ok $i topic $name: $p does not apply after the earlier topics"
			ok=0
			fail=1
			break
		fi
	done <"$t/series"
	[ $ok = 0 ] && break
	echo "ok $i topic $name: $n patches apply"
done
i=$((i + 1))
if [ $fail = 0 ] && git -C "$wt" diff --quiet HEAD test/series; then
	echo "ok $i the topics give the tree of patches/series"
else
	echo "not ok $i the topics do not give the tree of patches/series"
	fail=1
fi
exit $fail
