#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# export-patches.sh DIR: write the base's series (patches/, or patches/6.12
# with KBASE=6.12) from the editing tree DIR (base..HEAD) with git
# format-patch: a cover letter from Documentation/cover-letter.txt (-6.12.txt)
# (first line: subject; a line "@RESULTS@" is replaced by
# Documentation/results/KBASE/summary.txt, the results of this version of
# the series), numbered patches, base-commit:, and the series file; and each
# topic of Documentation/posting as its own series in its topics/.
#
# Takes the tree lock: a make bench, test or apply that is reading patches/
# with git am would otherwise see some patches of one export and some of
# the next (or a patch file vanish), so the export waits for it to finish.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$(abspath "${1:?usage: export-patches.sh DIR}")
[ -e "$dir/.git" ] || die "$dir is not a tree: run 'make tree' first"
n=$(git -C "$dir" rev-list --count base..HEAD)
[ "$n" -gt 0 ] || die "$dir has no commits on the base"
[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
	die "$dir has uncommitted changes: commit them first"

lock_tree

cover=$COVER_LETTER
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
			sum=$RESULTS_SUMMARY
			[ -f "$sum" ] || die "no $sum: write the results summary first"
			cat "$sum"
		else
			printf '%s\n' "$line"
		fi
	done
} >"$desc"
branch=$(git -C "$dir" symbolic-ref --short HEAD)
git -C "$dir" config "branch.$branch.description" "$(cat "$desc")"

# write_series DIR: the series file of the format-patch output in DIR.
write_series() {
	(cd "$1" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-cover-letter' >series)
}

mkdir -p "$PATCHES"
rm -f "$PATCHES"/*.patch
git -C "$dir" format-patch -q --cover-letter --cover-from-description=subject \
	--base=base --zero-commit --no-signature -o "$PATCHES" base..HEAD
write_series "$PATCHES"
log "patches: $n patches and a cover letter in ${PATCHES#$TOP/}/ (base-commit $(git -C "$dir" rev-parse --short base))"

# The topics of Documentation/posting, each as its own series in
# patches/topics/NN-name/: base-commit: is the base, prerequisite-patch-id:
# lines name the patches of earlier topics it applies on.
commit_of() {
	git -C "$dir" log --format='%H %s' base..HEAD |
		awk -v s="$1" '{h = $1; sub(/^[^ ]* /, ""); if ($0 == s) print h}'
}
header() { sed -n "s/^$1: //p;/^---\$/q" "$2"; }
rm -rf "$PATCHES/topics"
covered=0
prev=
for t in "$TOP"/Documentation/posting/[0-9][0-9]-*.txt; do
	name=$(basename "$t" .txt)
	first=$(commit_of "$(header First "$t")")
	last=$(commit_of "$(header Last "$t")")
	[ -n "$first" ] && [ -n "$last" ] ||
		die "$t: First: or Last: names no patch of the series"
	if [ -n "$prev" ]; then
		[ "$(git -C "$dir" rev-parse "$first~1")" = "$prev" ] ||
			die "$t: does not start where the previous topic ends"
	else
		[ "$(git -C "$dir" rev-parse "$first~1")" = "$(git -C "$dir" rev-parse base)" ] ||
			die "$t: the first topic must start at the base"
	fi
	k=$(git -C "$dir" rev-list --count "$first~1..$last")
	covered=$((covered + k))
	prev=$last
	to=()
	IFS=',' read -ra lists <<<"$(header To "$t")"
	for l in "${lists[@]}"; do to+=(--to="${l# }"); done
	git -C "$dir" branch -f "topic/$name" "$last"
	git -C "$dir" config "branch.topic/$name.description" \
		"$(header Subject "$t"; echo; sed '1,/^---$/d' "$t")"
	out=$PATCHES/topics/$name
	git -C "$dir" format-patch -q --cover-letter --cover-from-description=subject \
		--base=base --zero-commit --no-signature "${to[@]}" -o "$out" \
		"$first~1..topic/$name"
	git -C "$dir" branch -D -q "topic/$name"
	write_series "$out"
	log "patches: topic $name: $k patches in ${PATCHES#$TOP/}/topics/$name"
done
[ "$covered" = "$n" ] || die "the topics of Documentation/posting cover $covered of $n patches"
