#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.sh: run the base tree's checkpatch.pl --strict on every patch of
# the series. A patch passes with 0 errors, 0 warnings and 0 checks.
#
# One warning is answered instead of ignored: FILE_PATH_CHANGES ("added,
# moved or deleted file(s), does MAINTAINERS need updating?") is asked of
# every new file. A patch passes it only if get_maintainer.pl finds an
# existing MAINTAINERS entry with a maintainer for each file it adds.
# A commit message must also read on a list and in git log years later: it
# fails if it refers to other changes by number or to this project's own
# workflow ("patch 7", "the next patch", "make bench", "scenario", "test
# bed"), where a subject or a selftest command line is what a reader needs.
# Prints one KTAP result per patch; exits 1 if any failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need perl perl
# checkpatch runs scripts/spdxcheck.py with the first python3 on PATH: use
# Debian's, which has the python3-ply and python3-git it imports.
PATH=/usr/bin:$PATH
/usr/bin/python3 -c 'import ply, git' 2>/dev/null ||
	die "spdxcheck.py needs the Debian packages 'python3-ply' and 'python3-git' (make deps)"
"$TOP/scripts/base-tree.sh"
mapfile -t patches < <(series_patches)
echo "1..$((${#patches[@]} + 1))"
i=0
fail=0
for p in "${patches[@]}"; do
	i=$((i + 1))
	name=$(basename "$p")
	rep=$(cd "$BASE_REPO" && perl scripts/checkpatch.pl --strict --showfile \
		--color=never --ignore FILE_PATH_CHANGES "$p" 2>&1 || true)
	while read -r f; do
		# get_maintainer.pl -f wants the file to exist: a placeholder
		# stands in for a file the checked-out tree does not have yet.
		placeholder=0
		if [ ! -e "$BASE_REPO/$f" ]; then
			mkdir -p "$(dirname "$BASE_REPO/$f")"
			: >"$BASE_REPO/$f"
			placeholder=1
		fi
		m=$(cd "$BASE_REPO" && perl scripts/get_maintainer.pl --no-git \
			--no-git-fallback --no-rolestats --no-l --no-r -f "$f" 2>/dev/null || true)
		[ $placeholder = 0 ] || rm -f "$BASE_REPO/$f"
		if [ -z "$m" ]; then
			rep="$rep
$f: WARNING: new file that no MAINTAINERS entry covers
total: 0 errors, 1 warnings, 0 checks, (no maintainer for $f)"
		else
			echo "# $name: new file $f is covered by: $(paste -sd, <<<"$m")"
		fi
	done < <(awk '/^diff --git/ {f = $4; sub("^b/", "", f)} /^new file mode/ {print f}' "$p")
	# The message: after the Subject: line, up to the "---" before the diffstat.
	msg=$(awk '/^Subject: / {f = 1; next} /^---$/ {f = 0} f' "$p")
	internal=$(grep -inE 'patch(es)? [0-9]|(next|previous) patch|make (bench|test|check)|scenario|test ?bed|session [0-9]' <<<"$msg" || true)
	if [ -n "$internal" ]; then
		rep="$rep
$internal
total: 0 errors, 1 warnings, 0 checks, (commit message refers to patch numbers or project workflow)"
	fi
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

# The project's MAINTAINERS entry lists every file the series touches.
i=$((i + 1))
missing=$(cat "${patches[@]}" /dev/null | awk '/^diff --git/ {f = $4; sub("^b/", "", f); print f}' |
	sort -u | while read -r f; do
		grep -qxF "F:	$f" "$TOP/MAINTAINERS" || echo "$f"
	done)
if [ -z "$missing" ]; then
	echo "ok $i MAINTAINERS lists every file the series touches"
else
	sed 's/^/# not in MAINTAINERS: /' <<<"$missing"
	echo "not ok $i MAINTAINERS lists every file the series touches"
	fail=1
fi
exit $fail
