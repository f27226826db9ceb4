#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# summary.sh RESULTS_DIR: print the results of a test run (results.tsv:
# "STATUS GROUP NAME DETAIL") as a selftest matrix, the failures, the known
# baseline failures and the phase times, then "N passed, N failed, N skipped".
# Known failures (the baseline fails them too) and flaky tests (failed,
# then passed on re-run, and the baseline passed) count as skipped.
# Exits 1 if anything failed.
set -euo pipefail

res=${1:?usage: summary.sh RESULTS_DIR}
tsv=$res/results.tsv
[ -f "$tsv" ] || { echo "error: no $tsv" >&2; exit 1; }

echo
echo "== Results"
awk -F'\t' '$2 !~ /^selftests\// {
		n[$2]++; s[$2, $1]++
		if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 }
	}
	END {
		for (i = 1; i <= k; i++) {
			g = order[i]
			printf "  %-12s %3d checked: %d passed, %d failed, %d skipped\n",
				g, n[g], s[g, "pass"], s[g, "fail"], s[g, "skip"]
		}
	}' "$tsv"

if grep -q "	selftests/" "$tsv"; then
	echo
	echo "== Selftests (patched kernel; known = fails on the baseline too)"
	awk -F'\t' '$2 ~ /^selftests\// {
			cpu = substr($2, 11)
			if (!(cpu in cseen)) { cseen[cpu] = 1; cpus[++nc] = cpu }
			if (!($3 in tseen)) { tseen[$3] = 1; tests[++nt] = $3 }
			r[$3, cpu] = $1
		}
		END {
			printf "  %-36s", "test"
			for (j = 1; j <= nc; j++) printf " %-12s", cpus[j]
			printf "\n"
			for (i = 1; i <= nt; i++) {
				printf "  %-36s", tests[i]
				for (j = 1; j <= nc; j++) {
					v = r[tests[i], cpus[j]]
					printf " %-12s", (v == "" ? "-" : (v == "fail" ? "FAIL" : v))
				}
				printf "\n"
			}
		}' "$tsv"
	for f in "$res"/selftests/*/patched/features; do
		[ -f "$f" ] || continue
		cpu=$(basename "$(dirname "$(dirname "$f")")")
		printf '  %-12s %s\n' "$cpu:" "$(paste -sd';' "$f" | sed 's/;/; /g')"
	done
fi

if grep -q '^known	' "$tsv"; then
	echo
	echo "== Known failures (the baseline fails them too; counted as skipped)"
	awk -F'\t' '$1 == "known" {printf "  %s: %s # %s\n", $2, $3, $4}' "$tsv"
fi
if grep -q '^flaky	' "$tsv"; then
	echo
	echo "== Flaky (failed, then passed on re-run; the baseline passed; counted as skipped)"
	awk -F'\t' '$1 == "flaky" {printf "  %s: %s # %s\n", $2, $3, $4}' "$tsv"
fi
if [ -f "$res/times.txt" ]; then
	echo
	echo "== Wall time"
	sed 's/^/  /' "$res/times.txt"
fi

# Failures last, next to the totals, where a CI log's tail shows them: each
# with the last lines its test printed on the patched kernel.
if grep -q '^fail	' "$tsv"; then
	echo
	echo "== Failures"
	awk -F'\t' '$1 == "fail" {print $2 "\t" $3 "\t" $4}' "$tsv" |
	while IFS=$'\t' read -r group name detail; do
		echo "  $group: $name${detail:+ # $detail}"
		ktap=$res/${group}/patched/results.ktap
		[[ $group == selftests/* && -f $ktap ]] || continue
		awk -v t="$name" '
			$1 == "#" && $2 == "run" && $4 == t ":" { on = 1; n = 0; next }
			on && /^(not )?ok / { on = 0 }
			on && !/^# kmsg:/ { l[n++ % 8] = $0 }
			END { for (i = (n > 8 ? n - 8 : 0); i < n; i++) print "      " l[i % 8] }
		' "$ktap"
	done
fi
echo
awk -F'\t' '
	$1 == "pass" { p++ }
	$1 == "fail" { f++ }
	$1 == "skip" || $1 == "known" || $1 == "flaky" { s++ }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0) }' "$tsv"
