#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# hw-compare.sh BASELINE_DIR PATCHED_DIR [PAGES_DIR]: the side-by-side table
# of two tools/hwbench result directories, one per kernel, from the same
# machine: what each ran on, then every scenario's figures (medians over the
# rounds, min..max, patched/baseline) and the kprobe counts of the counted
# run, as 'make bench' prints them. With PAGES_DIR, one Markdown page per
# scenario there too. Needs only bash and python3 (no QEMU): it runs on the
# arm64 machine itself or anywhere the two directories are copied to.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: hw-compare.sh BASELINE_DIR PATCHED_DIR [PAGES_DIR]"
command -v python3 >/dev/null || die "python3 not found: install the package 'python3'"
base=$(cd "$1" && pwd) || die "no directory $1"
patched=$(cd "$2" && pwd) || die "no directory $2"
for d in "$base" "$patched"; do
	[ -f "$d/env" ] && [ -f "$d/count/results.ktap" ] ||
		die "$d is not a complete tools/hwbench result directory (env, count/results.ktap)"
done

# envget DIR KEY: the value of "KEY: value" in DIR/env.
envget() { sed -n "s/^$2: //p" "$1/env" | head -n1; }

printf '%-16s %-40s %s\n' "" "baseline" "patched"
for key in kernel machine cpus kvm tlb-range fwb series rounds cmdline; do
	b=$(envget "$base" "$key")
	p=$(envget "$patched" "$key")
	printf '%-16s %-40s %s\n' "$key:" "${b:0:39}" "${p:0:39}"
done
# Like for like: one machine, one KVM mode, one command line.
for key in machine cpus kvm tlb-range fwb; do
	[ "$(envget "$base" "$key")" = "$(envget "$patched" "$key")" ] ||
		printf 'warning: %s differs between the two runs: not a like-for-like comparison\n' "$key" >&2
done
case "$(envget "$base" series)" in yes*) printf 'warning: the baseline kernel has the series\n' >&2 ;; esac
case "$(envget "$patched" series)" in yes*) ;; *) printf 'warning: the patched kernel does not have the series\n' >&2 ;; esac
echo "probes (baseline run):"
sed -n 's/^probe: /  /p' "$base/env"
sed -n "s/^probes: /  /p" "$base/env"

rb=$(envget "$base" rounds)
rp=$(envget "$patched" rounds)
rounds=$((rb < rp ? rb : rp))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/r/host"
ln -s "$base" "$tmp/r/host/baseline"
ln -s "$patched" "$tmp/r/host/patched"
machine=$(envget "$base" machine)
python3 "$TOP/scripts/bench-report.py" --results "$tmp/r" --scenarios "$TOP/virt/scenarios" \
	--rounds "$rounds" --outdir "${3:-$tmp/pages}" --top "$TOP" \
	--machine "${machine:-this machine} ($(envget "$base" cpus) CPUs, KVM $(envget "$base" kvm))" \
	--command "tools/hwbench -r $rounds" \
	--base "$(envget "$base" kernel)" --series "$(envget "$patched" kernel)" |
	if [ -n "${3:-}" ]; then cat; else grep -v '^written: '; fi
