#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report of a 'make bench' run: medians, spread and patched/baseline ratios
of every figure each scenario printed, plus the operation counts of the
opcount plugin, as text on stdout and as Markdown.

Input layout (scripts/bench.sh): RESULTS/CPU/KERNEL/roundR/results.ktap for
the timed rounds, RESULTS/CPU/KERNEL/count/{results.ktap,counts} for the
counting run. tools/hwbench writes the same layout for one kernel on a real
machine (--machine; scripts/hw-compare.sh), its counts from kprobes. A figure is "X time: Ns", "X over N iterations took Ns" or "X count: N" in a
test's output; an expected figure a run lacks is reported as missing.
"""
import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

KERNELS = ("baseline", "patched")
FIG_TIME = re.compile(r"^# (?!Iteration )(.+? time): ([0-9.]+)s$")
FIG_OVER = re.compile(r"^# (.+? over \d+ iterations) took ([0-9.]+)s")
FIG_COUNT = re.compile(r"^# (.+? count): (\d+)$")
RUN = re.compile(r"^# run (\d+) (\S+):")
RES = re.compile(r"^(not )?ok (\d+) (\S+)")
# Counters shown first, in this order; the rest follow alphabetically.
KEY_OPS = ("hvc", "call:__kvm_tlb_flush_vmid_ipa", "call:__kvm_tlb_flush_vmid_range",
           "call:__kvm_tlb_flush_vmid", "call:stage2_flush_vm", "call:kvm_pgtable_stage2_flush",
           "call:kvm_pgtable_stage2_split", "call:stage2_split_walker",
           "call:stage2_map_walker",
           "call:stage2_attr_walker",
           "tlbi:IPAS2E1IS", "tlbi:RIPAS2E1IS", "tlbi:VMALLS12E1IS",
           "tlbi:VMALLE1IS", "tlbi:VMALLE1", "dsb", "isb", "dc:CIVAC", "dc:CVAC",
           "ic:IALLUIS", "ic:IVAU", "insns")


def parse_ktap(path):
    """{test name: {"ok": bool, "figures": {name: seconds}}} of one boot."""
    tests, cur = {}, None
    if not os.path.exists(path):
        return tests
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = RUN.match(line)
            if m:
                cur = {"ok": False, "figures": {}, "num": int(m.group(1))}
                tests[m.group(2)] = cur
                continue
            m = RES.match(line)
            if m:
                t = tests.setdefault(m.group(3), {"figures": {}, "num": int(m.group(2))})
                t["ok"] = not m.group(1)
                cur = None
                continue
            if cur is None:
                continue
            m = FIG_OVER.match(line) or FIG_TIME.match(line) or FIG_COUNT.match(line)
            if m:
                cur["figures"][m.group(1)] = float(m.group(2))
    return tests


def parse_counts(path, ktap):
    """{test name: {op: count}}: window K is the K-th test run in the boot."""
    order = [n for n, t in sorted(parse_ktap(ktap).items(), key=lambda x: x[1]["num"])]
    windows = {}
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 4 and w[0] == "window":
                windows.setdefault(int(w[1]), {})[w[2]] = int(w[3])
    return {order[k - 1]: v for k, v in windows.items() if k - 1 < len(order)}


def fmt_s(v):
    if v is None:
        return "missing"
    if float(v).is_integer() and v >= 10:
        return f"{int(v)}"
    return f"{v:.4f}" if v < 10 else f"{v:.2f}"


def ratio(p, b):
    if p is None or b is None:
        return "-"
    if b == 0:
        return "-" if p == 0 else "inf"
    return f"{p / b:.3f}"


def summary(vals):
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def cell(s):
    return "missing" if s is None else f"{fmt_s(s[0])} [{fmt_s(s[1])}..{fmt_s(s[2])}]"


def load_scenarios(path):
    scen = {}
    with open(path) as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, cpus, tags, expect, cmd = [x.strip() for x in line.split("|", 4)]
            scen[name] = {"cpus": cpus.split(), "expect": [e for e in expect.split(";") if e],
                          "cmd": cmd}
    return scen


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser()
    for a in ("results", "scenarios", "outdir", "command", "base", "series", "top"):
        ap.add_argument("--" + a, required=True)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--machine", help="results of tools/hwbench on this machine, not of QEMU")
    args = ap.parse_args()

    scen = load_scenarios(args.scenarios)
    cpus_conf = {}
    with open(os.path.join(args.top, "virt", "cpus")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                w = line.split()
                cpus_conf[w[0]] = " ".join(w[1:])

    text, md_by_scen = [], {}
    missing_any = False
    for cpu in sorted(os.listdir(args.results)):
        d = os.path.join(args.results, cpu)
        if not os.path.isdir(d):
            continue
        # No timed rounds (tools/hwbench -r 0): the counted run's figures.
        rdirs = [f"round{r}" for r in range(1, args.rounds + 1)] or ["count"]
        runs = {k: [parse_ktap(os.path.join(d, k, rd, "results.ktap")) for rd in rdirs]
                for k in KERNELS}
        counts = {k: parse_counts(os.path.join(d, k, "count", "counts"),
                                  os.path.join(d, k, "count", "results.ktap")) for k in KERNELS}
        names = []
        for k in KERNELS:
            for r in runs[k]:
                names += [n for n in r if n not in names]
        for name in names:
            s = scen.get(name, {"expect": [], "cmd": "?"})
            figs = list(s["expect"])
            for k in KERNELS:
                for r in runs[k]:
                    for fname in r.get(name, {}).get("figures", {}):
                        if not any(fname.startswith(e) for e in figs) and fname not in figs:
                            figs.append(fname)
            where = args.machine if args.machine else f"{cpu} (-cpu {cpus_conf.get(cpu, '?')})"
            title = f"{name} on {where}: {s['cmd']}"
            md = md_by_scen.setdefault(name, [])
            text += ["", title, f"  {'figure (s)':<34} {'baseline median [min..max]':<30} "
                     f"{'patched median [min..max]':<30} ratio"]
            md += ["", f"### {name} on {args.machine or cpu}", "",
                   f"`{s['cmd']}` on "
                   + (args.machine if args.machine else f"`-cpu {cpus_conf.get(cpu, '?')}`") + ", "
                   + (f"{args.rounds} rounds" if args.rounds else "the counted run only")
                   + ", seconds (a \"count\" is a number), median [min..max]", "",
                   "| figure | baseline | patched | patched/baseline |", "|---|---|---|---|"]
            failed = {k: sum(1 for r in runs[k] if name in r and not r[name].get("ok")) for k in KERNELS}
            for fig in figs:
                st = {}
                for k in KERNELS:
                    vals = []
                    for r in runs[k]:
                        for fname, v in r.get(name, {}).get("figures", {}).items():
                            if fname == fig or fname.startswith(fig):
                                vals.append(v)
                    st[k] = summary(vals)
                    if st[k] is None or len(vals) < len(rdirs):
                        missing_any = True
                b, p = st["baseline"], st["patched"]
                rt = ratio(p and p[0], b and b[0])
                label = fig if len(fig) <= 34 else fig[:31] + "..."
                text.append(f"  {label:<34} {cell(b):<30} {cell(p):<30} {rt}")
                md.append(f"| {fig} | {cell(b)} | {cell(p)} | {rt} |")
            for k in KERNELS:
                if failed[k]:
                    text.append(f"  ! {k}: the scenario failed in {failed[k]} round(s)")
                    md.append(f"\n**{k}: the scenario failed in {failed[k]} round(s).**")
            if any(counts[k] for k in KERNELS):
                ops = set()
                for k in KERNELS:
                    ops |= set(counts[k].get(name, {}))
                order = [o for o in KEY_OPS if o in ops] + sorted(ops - set(KEY_OPS))
                text += [f"  {'operations (one run each)':<34} {'baseline':>14} {'patched':>14}   ratio"]
                md += ["", "| operation (one counted run each) | baseline | patched | patched/baseline |",
                       "|---|---:|---:|---:|"]
                for o in order:
                    b = counts["baseline"].get(name, {}).get(o, 0)
                    p = counts["patched"].get(name, {}).get(o, 0)
                    text.append(f"  {o:<34} {b:>14} {p:>14}   {ratio(p, b)}")
                    md.append(f"| {o} | {b} | {p} | {ratio(p, b)} |")
            elif any(os.path.isdir(os.path.join(d, k, "count")) for k in KERNELS):
                text.append("  ! operation counts missing")
                md.append("\n**Operation counts missing.**")

    print("\n".join(text))
    qemu = "" if args.machine else sh("qemu-system-aarch64 --version | head -n1")
    host = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2") or platform.machine()
    os.makedirs(args.outdir, exist_ok=True)
    for name, md in md_by_scen.items():
        head = [f"# Benchmark results: {name}", "",
                "Generated by `scripts/bench.sh`; Documentation/benchmarking.md has the method.", "",
                f"- command: `{args.command}`",
                f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
                f"- base: {args.base}",
                f"- series: {args.series}",
                f"- project: {sh(f'git -C {args.top} describe --always --dirty')}",
                f"- QEMU: {qemu} (TCG), host CPU: {host.strip()}, {os.cpu_count()} cores",
                "- CPU models: " + "; ".join(f"{k} = `-cpu {v}`" for k, v in cpus_conf.items()),
                "",
                "Times are emulated (TCG, nested): they show relative cost of code paths,",
                "not what silicon pays. Operation counts are exact for the run they come from."]
        if args.machine:
            head = [f"# Results on {args.machine}: {name}", "",
                    "Generated by `scripts/hw-compare.sh` from two `tools/hwbench` runs, "
                    "one per kernel, on the same machine.", "",
                    f"- command: `{args.command}`",
                    f"- baseline kernel: {args.base}",
                    f"- patched kernel: {args.series}",
                    "",
                    "Times are the machine's own. Counts are kprobe hits of the host's",
                    "stage-2 maintenance entry points in one more run per kernel (hyp",
                    "calls only where KVM runs in VHE mode: at EL2 the host cannot probe)."]
        path = os.path.join(args.outdir, f"{name}.md")
        with open(path, "w") as f:
            f.write("\n".join(head + md) + "\n")
        print(f"written: {os.path.relpath(path, args.top)}")
    if missing_any:
        print("warning: some expected figures are missing (see 'missing' above)", file=sys.stderr)


if __name__ == "__main__":
    main()
