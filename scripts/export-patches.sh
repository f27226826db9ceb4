#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# export-patches.sh DIR: write patches/ from the editing tree DIR (base..HEAD)
# with git format-patch: a cover letter from Documentation/cover-letter.txt
# (first line: subject; a line "@RESULTS@" is replaced by the benchmark
# tables of Documentation/results/*.md, without the counters that timer
# ticks and scheduling drive), numbered patches, base-commit:, and the
# series file.
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
			found=0
			for r in "$TOP"/Documentation/results/*.md; do
				[ -f "$r" ] || continue
				found=1
				echo "From Documentation/results/$(basename "$r"), $(grep -m1 '^- command:' "$r" | sed 's/^- //'):"
				sed -n '/^### /,$p' "$r" | grep -vE '^\| (dsb|dmb|isb|eret|insns|hvc|dc:ZVA|ic:[A-Z]+|tlbi:(VALE1IS|VAE1IS|ASIDE1IS|RVAE1IS|RVALE1IS|VAALE1IS|VMALLE1|IPAS2E1|ALLE1IS)|call:__kvm_flush_cpu_context|call:__kvm_tlb_flush_vmid_ipa_nsh) '
				echo
			done
			[ $found = 1 ] || echo "(no results yet: run 'make bench')"
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
