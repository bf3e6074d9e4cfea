"""What the bench/*.py drivers share: the load average, one timed command, the arguments every
driver of one program takes (DXT PLAIN PROGRAM WORKDIR, --entries, --rounds) and its input of N
one-line entries.

    ap = bench_util.driver_arguments(entries=100000, rounds=3)
    ap.add_argument(...)                     # the driver's own options
    args = ap.parse_args()
    work, program = bench_util.setup(args)   # WORKDIR made, both paths absolute
    wall, cpu = bench_util.timed([...])
"""
import argparse
import os
import subprocess
import time


def load():
    """The 1, 5 and 15 minute load averages, as a string."""
    return " ".join(open("/proc/loadavg").read().split()[:3])


def timed(cmd, env=None):
    """Runs cmd (stdout discarded); wall seconds and CPU seconds (user + sys of the whole process
    tree)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def driver_arguments(entries, rounds):
    """A parser with DXT PLAIN PROGRAM WORKDIR, --entries N and --rounds R."""
    ap = argparse.ArgumentParser()
    ap.add_argument("dxt")
    ap.add_argument("plain")
    ap.add_argument("program")
    ap.add_argument("work")
    ap.add_argument("--entries", type=int, default=entries)
    ap.add_argument("--rounds", type=int, default=rounds)
    return ap


def setup(args):
    """Makes WORKDIR; returns it and PROGRAM as absolute paths."""
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    return work, os.path.abspath(args.program)


def write_entries(path, count, benchmark):
    """N one-line entries, "entry I of the BENCHMARK benchmark"."""
    with open(path, "w") as f:
        for i in range(count):
            f.write(f"entry {i} of the {benchmark} benchmark\n")
