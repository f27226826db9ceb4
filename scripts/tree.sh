#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tree.sh DIR: make DIR a git worktree of the base with patches/series applied
# as commits on the branch kvm-s2, for editing. 'make patches' exports it.
# Refuses to touch an existing DIR (your work may be there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$(abspath "${1:?usage: tree.sh DIR}")
"$TOP/scripts/base-tree.sh"
if [ -e "$dir" ]; then
	git -C "$dir" rev-parse -q --verify HEAD >/dev/null 2>&1 ||
		die "$dir exists and is not a git tree"
	log "tree: $dir already exists ($(git -C "$dir" rev-list --count base..HEAD) commits on the base); remove it to start over"
	exit 0
fi
git -C "$BASE_REPO" worktree prune
git -C "$BASE_REPO" branch -D kvm-s2 >/dev/null 2>&1 || true
git -C "$BASE_REPO" worktree add -q -b kvm-s2 "$dir" base
for k in name email; do
	v=$(git -C "$TOP" config "user.$k" || true)
	[ -z "$v" ] || git -C "$dir" config "user.$k" "$v"
done
i=0
while read -r p; do
	i=$((i + 1))
	git -C "$dir" am -q --keep-cr "$p" ||
		die "patch $i does not apply: patches/$(basename "$p") (the tree is left mid-am in $dir)"
done < <(series_patches)
log "tree: $dir, branch kvm-s2: base + $i patches"
