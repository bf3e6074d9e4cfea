#!/usr/bin/env python3
"""Search rate of `dxt fuzz` (issue 12 section 1) beside the plain lockstep loop, in one run.

  plain pairs/s          bench/lockstep_plain.cc driving the program through one long map
                         conversation (N one-line entries): the most a driver can get through one
                         process, with no judging and no sandbox;
  plain conversations/s  the same loop started afresh for a one-entry conversation, two at a time
                         (dxt fuzz's default jobs on 2 cores): process start, one pair, exit;
  fuzz                   `dxt fuzz --mode map` (and --mode both) for S seconds on the same
                         program: every conversation in its own sandbox (isolation printed) and
                         judged by every check of `dxt check`.

Rounds are interleaved (plain, fuzz, plain, ...) and medians compared. Goal (issue 12) on a 2-core
machine with the C reference echo: >= 5 000 map pairs/s judged and >= 100 conversations/s.

Usage: fuzz_bench.py DXT PLAIN PROGRAM WORKDIR [--seconds S] [--rounds R] [--entries N]
Exits 1 on a missed goal.
"""
import concurrent.futures
import re
import statistics
import subprocess
import sys
import time

from bench_util import driver_arguments, load, setup, timed, write_entries


def plain_pairs(plain, program, lines, out, entries):
    wall, _ = timed([plain, program, lines, out])
    return entries / wall


def plain_conversations(plain, program, one_line, out_dir, count):
    def one(i):
        subprocess.run([plain, program, one_line, f"{out_dir}/one-{i % 2}.out"], check=True)
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, range(count)))
    return count / (time.perf_counter() - start)


SUMMARY = re.compile(r"^(\d+) conversations, (\d+) pairs \((\d+) map\) in [0-9.]+ s; "
                     r"search ([0-9.]+) s:")


def fuzz(dxt, program, work, mode, seconds):
    r = subprocess.run([dxt, "fuzz", "--mode", mode, "--seconds", str(seconds), "--seed", "1",
                        "--out", f"{work}/fuzz-out", program],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"dxt fuzz exited {r.returncode} on {program}:\n{r.stdout}{r.stderr}")
    isolation = re.search(r"isolation ([a-z-]+)", r.stdout.splitlines()[0]).group(1)
    for line in r.stdout.splitlines():
        m = SUMMARY.match(line)
        if m:
            conv, pairs, map_pairs, search = (int(m[1]), int(m[2]), int(m[3]), float(m[4]))
            return conv / search, map_pairs / search, pairs / search, isolation
    sys.exit(f"no summary line in dxt fuzz output:\n{r.stdout}")


def main():
    ap = driver_arguments(entries=100000, rounds=3)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--conversations", type=int, default=400)
    args = ap.parse_args()
    work, program = setup(args)
    lines, one_line = f"{work}/lines.txt", f"{work}/one-line.txt"
    write_entries(lines, args.entries, "fuzz")
    with open(one_line, "w") as f:
        f.write("one entry\n")
    print(f"fuzz search rate: {program}, {args.rounds} round(s) of {args.seconds:g} s, "
          f"load average {load()} at start")
    rows = {k: [] for k in ("plain_pairs", "plain_conv", "map_conv", "map_pairs", "both_conv",
                            "both_pairs")}
    isolation = "?"
    for r in range(args.rounds):
        rows["plain_pairs"].append(plain_pairs(args.plain, program, lines, f"{work}/plain.out",
                                               args.entries))
        rows["plain_conv"].append(plain_conversations(args.plain, program, one_line, work,
                                                      args.conversations))
        conv, map_pairs, _, isolation = fuzz(args.dxt, program, work, "map", args.seconds)
        rows["map_conv"].append(conv)
        rows["map_pairs"].append(map_pairs)
        conv, _, pairs, _ = fuzz(args.dxt, program, work, "both", args.seconds)
        rows["both_conv"].append(conv)
        rows["both_pairs"].append(pairs)
        print(f"  round {r + 1}: plain {rows['plain_pairs'][-1]:,.0f} pairs/s, "
              f"{rows['plain_conv'][-1]:,.0f} conv/s; fuzz map {rows['map_pairs'][-1]:,.0f} "
              f"pairs/s, {rows['map_conv'][-1]:,.0f} conv/s; both {rows['both_pairs'][-1]:,.0f} "
              f"pairs/s, {rows['both_conv'][-1]:,.0f} conv/s (load {load()})")
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"medians (isolation {isolation}, load average {load()} at end):")
    print("| | plain lockstep loop | dxt fuzz --mode map | ratio | dxt fuzz (both modes) | goal |")
    print("|---|---:|---:|---:|---:|---|")
    print(f"| map pairs/s | {med['plain_pairs']:,.0f} | {med['map_pairs']:,.0f} | "
          f"{med['map_pairs'] / med['plain_pairs']:.2f}x | {med['both_pairs']:,.0f} (all pairs) | "
          f">= 5 000 judged |")
    print(f"| conversations/s | {med['plain_conv']:,.0f} | {med['map_conv']:,.0f} | "
          f"{med['map_conv'] / med['plain_conv']:.2f}x | {med['both_conv']:,.0f} | >= 100, each "
          f"in its own sandbox |")
    missed = [name for name, ok in (("map pairs/s", med["map_pairs"] >= 5000),
                                     ("conversations/s", med["map_conv"] >= 100)) if not ok]
    for name in missed:
        print(f"MISS: {name} below the goal")
    print("PASS: both goals met" if not missed else "")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
