#!/usr/bin/env python3
"""Lockstep map speed (issue 13 section 3): `dxt run` beside its two anchors, in one run.

  plain   bench/lockstep_plain.cc: a blocking C loop, one write and one read per entry;
  disco   bench/disco_external_map.py: Disco's classic external.py logic (write, flush, read list);
  dxt     `dxt run` of a map-only job (partitions null) with the same program.

All three send the same N one-line entries to the same program (the reference echo) and write the
same pair frames; the outputs must be byte-identical. Rounds are interleaved (plain, dxt, disco,
plain, ...) so load changes hit every variant; medians of the wall times are compared.
Targets: dxt >= 1.0x the plain loop and >= 2x Disco (ratio = anchor time / dxt time).

--busy makes the machine busy inside the run (bench/busy.py: one CPU hog per core, started
before the first round, killed after the last), so a busy-machine figure is reproducible.

Usage: lockstep_bench.py DXT PLAIN PROGRAM WORKDIR [--entries N] [--rounds R] [--busy]
Exits 1 on a missed target or differing output.
"""
import json
import os
import statistics
import sys

from bench_util import driver_arguments, load, setup, timed, write_entries
from busy import Hogs


def main():
    ap = driver_arguments(entries=100000, rounds=3)
    ap.add_argument("--busy", action="store_true", help="one CPU hog per core during the run")
    ap.add_argument("--dxt-env", action="append", default=[], metavar="NAME:K=V[,K=V]",
                    help="also time `dxt run` with this environment added (e.g. "
                         "'pg:DXT_BWRAP=' for process-group isolation); shown, not gated")
    ap.add_argument("--other-dxt", action="append", default=[], metavar="NAME=PATH",
                    help="also time another dxt binary (an older build, say); shown, not gated")
    args = ap.parse_args()
    work, program = setup(args)
    lines = f"{work}/lines-{args.entries}.txt"
    write_entries(lines, args.entries, "lockstep")
    job = f"{work}/lockstep.json"
    with open(job, "w") as f:
        json.dump({"name": "lockstep", "input": [lines], "map": {"program": program},
                   "partitions": None, "status_interval": 0, "output": f"{work}/dxt-out"}, f)
    disco = os.path.join(os.path.dirname(os.path.abspath(__file__)), "disco_external_map.py")
    variants = {
        "plain": [args.plain, program, lines, f"{work}/plain.out"],
        "dxt": [args.dxt, "run", "-q", "--force", job],
        "disco": [sys.executable, disco, program, lines, f"{work}/disco.out"],
    }
    envs = {}
    for spec in args.dxt_env:
        name, _, assignments = spec.partition(":")
        envs[name] = dict(os.environ)
        for kv in filter(None, assignments.split(",")):
            k, _, v = kv.partition("=")
            envs[name][k] = v
        variants[name] = variants["dxt"]
    for spec in args.other_dxt:
        name, _, path = spec.partition("=")
        variants[name] = [path] + variants["dxt"][1:]
    times = {name: [] for name in variants}
    cpus = {name: [] for name in variants}
    with Hogs(args.busy) as hogs:
        print(f"{args.entries} entries, {args.rounds} interleaved rounds, {hogs.describe()}, "
              f"load average before: {load()}", flush=True)
        for r in range(args.rounds):
            row = []
            for name, cmd in variants.items():
                wall, cpu = timed(cmd, envs.get(name))
                times[name].append(wall)
                cpus[name].append(cpu)
                row.append(f"{name} {wall:.2f} s")
            print(f"round {r + 1}: " + ", ".join(row) + f"  (load {load()})", flush=True)
        print(f"load average after: {load()}")
    ref = open(f"{work}/plain.out", "rb").read()
    same = all(open(p, "rb").read() == ref
               for p in (f"{work}/disco.out", f"{work}/dxt-out/part-00000"))
    med = {name: statistics.median(t) for name, t in times.items()}
    print("| variant | median wall | entries/s | CPU (user+sys) | dxt speed vs it |")
    print("|---|---:|---:|---:|---:|")
    for name in variants:
        ratio = med[name] / med["dxt"]
        print(f"| {name} | {med[name]:.2f} s | {args.entries / med[name] / 1000:.1f} k "
              f"| {statistics.median(cpus[name]):.2f} s | {ratio:.2f}x |")
    misses = []
    if not same:
        misses.append("outputs differ")
    if med["plain"] / med["dxt"] < 1.0:
        misses.append(f"dxt {med['plain'] / med['dxt']:.2f}x the plain loop (target >= 1.0x)")
    if med["disco"] / med["dxt"] < 2.0:
        misses.append(f"dxt {med['disco'] / med['dxt']:.2f}x Disco (target >= 2x)")
    print("outputs identical" if same else "OUTPUTS DIFFER")
    for m in misses:
        print("MISS:", m)
    if not misses:
        print("PASS: >= 1.0x the plain loop and >= 2x Disco")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
