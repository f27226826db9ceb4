#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# export-patches.sh DIR: write patches/ from the editing tree DIR (base..HEAD)
# with git format-patch: a cover letter from Documentation/cover-letter.txt
# (first line: subject; a line "@RESULTS@" is replaced by
# Documentation/results/summary.txt, the results of this version of the
# series), numbered patches, base-commit:, and the series file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$(abspath "${1:?usage: export-patches.sh DIR}")
[ -e "$dir/.git" ] || die "$dir is not a tree: run 'make tree' first"
n=$(git -C "$dir" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "$dir has no commits on the base"
[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
	die "$dir has uncommitted changes: commit them first"

cover=$TOP/Documentation/cover-letter.txt
[ -f "$cover" ] || die "no $cover"
desc=$(mktemp)
trap 'rm -f "$desc"' EXIT
{
	head -n1 "$cover"
	echo
	tail -n +2 "$cover" | while IFS= read -r line; do
		if [ "$line" = "@RESULTS@" ]; then
			# The summary written for this version of the series; the
			# per-scenario pages it draws on are named in it.
			sum=$TOP/Documentation/results/summary.txt
			[ -f "$sum" ] || die "no $sum: write the results summary first"
			cat "$sum"
		else
			printf '%s\n' "$line"
		fi
	done
} >"$desc"
branch=$(git -C "$dir" symbolic-ref --short HEAD)
git -C "$dir" config "branch.$branch.description" "$(cat "$desc")"

rm -f "$TOP"/patches/*.patch
git -C "$dir" format-patch -q --cover-letter --cover-from-description=subject \
	--base=base --zero-commit --no-signature -o "$TOP/patches" base..HEAD
(cd "$TOP/patches" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter' >series)
log "patches: $n patches and a cover letter in patches/ (base-commit $(git -C "$dir" rev-parse --short base))"
