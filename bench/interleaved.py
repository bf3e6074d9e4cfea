#!/usr/bin/env python3
"""Times shell commands side by side: R interleaved rounds (a, b, c, a, b, c, ...), so a change
of load hits every variant alike; prints each one's median wall time and median user and system
CPU of its children (os.times: 10 ms ticks).

Usage: interleaved.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]
  e.g. interleaved.py 15 "dxt=taskset -c 1 dxt run -q --force job.json" \\
                         "plain=taskset -c 1 dxt_lockstep_plain echo lines.txt out"
Exits 1 when a command fails (its output is discarded).
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit() or any("=" not in a for a in sys.argv[2:]):
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    variants = [a.split("=", 1) for a in sys.argv[2:]]
    runs = {name: [] for name, _ in variants}
    for _ in range(rounds):
        for name, command in variants:
            before, start = os.times(), time.perf_counter()
            done = subprocess.run(command, shell=True, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
            wall, after = time.perf_counter() - start, os.times()
            if done.returncode != 0:
                sys.exit(f"{name}: exit {done.returncode}: {command}")
            runs[name].append((wall, after.children_user - before.children_user,
                               after.children_system - before.children_system))
    print(f"{rounds} interleaved rounds, load average {open('/proc/loadavg').read().split()[:3]}")
    for name, _ in variants:
        wall, user, system = (statistics.median(r[k] for r in runs[name]) for k in range(3))
        print(f"{name:14s} wall {wall * 1000:7.1f} ms  user {user * 1000:6.1f} ms  "
              f"system {system * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
