#!/usr/bin/env python3
"""Benchmarks of `dxt run` (issue 5 §9), each beside its Unix baseline in the same run.

  wordcount   >= 200 MB of generated text: dxt (reference wordcount, --pipeline, combiner, sort)
              vs `LC_ALL=C tr -s ' ' '\\n' | sort | uniq -c`; the counts are compared too.
  sort        10^7 pairs through a sorted nop_reduce vs `LC_ALL=C sort -S <same memory>`.
  rss         peak RSS of the sort job at 1x and 10x input with a fixed sort buffer (target <= 1.2x).
  pipeline    a map-only wordcount, lockstep vs --pipeline (target >= 10x).

Usage: executor_bench.py DXT WORKDIR [--scale F] [--only SECTIONS] [--busy]
  --scale 0.1 for a quick look; --busy: one CPU hog per core while the timed commands run
  (bench/busy.py; inputs are generated before the hogs start).
Prints a Markdown table; exits 1 when a target is missed.
"""
import argparse
import collections
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time

from bench_util import load
from busy import Hogs

WORDS_PER_LINE = 10


def vocabulary(n, rng):
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(2, 10))))
    return sorted(words)


def make_text(path_prefix, total_bytes, files, seed):
    """Zipf-like words, ~10 per line, split over `files` files. Returns the paths."""
    rng = random.Random(seed)
    vocab = vocabulary(50000, rng)
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    paths = []
    per_file = total_bytes // files
    for f in range(files):
        path = f"{path_prefix}{f}.txt"
        paths.append(path)
        if os.path.exists(path) and os.path.getsize(path) >= per_file:
            continue
        with open(path, "w") as out:
            written = 0
            while written < per_file:
                words = rng.choices(vocab, weights, k=WORDS_PER_LINE * 2000)
                block = "\n".join(" ".join(words[i:i + WORDS_PER_LINE])
                                  for i in range(0, len(words), WORDS_PER_LINE)) + "\n"
                out.write(block)
                written += len(block)
    return paths


def make_pairs(kv_path, txt_path, n, seed):
    """n pairs: 10-byte lowercase key, 8-byte digit value; framed file and `key\\tvalue` lines."""
    if os.path.exists(kv_path) and os.path.exists(txt_path):
        return
    rng = random.Random(seed)
    table = bytes.maketrans(bytes(range(256)), bytes(97 + (b % 26) for b in range(256)))
    digits = bytes.maketrans(bytes(range(256)), bytes(48 + (b % 10) for b in range(256)))
    head = struct.pack("<I", 10)
    vhead = struct.pack("<I", 8)
    with open(kv_path, "wb") as kv, open(txt_path, "wb") as txt:
        done = 0
        while done < n:
            m = min(100000, n - done)
            raw = rng.randbytes(18 * m)
            frames, lines = bytearray(), bytearray()
            for i in range(m):
                key = raw[18 * i:18 * i + 10].translate(table)
                value = raw[18 * i + 10:18 * i + 18].translate(digits)
                frames += head + key + vhead + value
                lines += key + b"\t" + value + b"\n"
            kv.write(frames)
            txt.write(lines)
            done += m


def timed(cmd, shell=False, env=None):
    """Runs cmd under /usr/bin/time, prints wall, CPU (user + sys) and peak RSS; returns
    (seconds, peak RSS MiB, stdout)."""
    full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", "/tmp/dxt-bench-time"]
    full += (["/bin/sh", "-c", cmd] if shell else cmd)
    start = time.perf_counter()
    out = subprocess.run(full, check=True, stdout=subprocess.PIPE, env=env).stdout
    seconds = time.perf_counter() - start
    _, user, system, rss_kib = open("/tmp/dxt-bench-time").read().split()[-4:]
    print(f"  {seconds:6.1f} s wall, {float(user) + float(system):6.1f} s CPU, "
          f"{int(rss_kib) / 1024:6.0f} MiB: {cmd if shell else ' '.join(cmd)}", flush=True)
    return seconds, int(rss_kib) / 1024, out


def write_job(path, body):
    import json
    with open(path, "w") as f:
        json.dump(body, f)


def dxt_counts(dxt, out_dir):
    text = subprocess.run([dxt, "cat", "--format", "tsv", out_dir], check=True,
                          stdout=subprocess.PIPE).stdout.decode()
    return {k: int(v) for k, v in (line.split("\t") for line in text.splitlines())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dxt")
    ap.add_argument("work")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", default="wordcount,sort,rss,pipeline",
                    help="comma-separated sections to run")
    ap.add_argument("--busy", action="store_true", help="one CPU hog per core during the timings")
    args = ap.parse_args()
    dxt, work, scale = os.path.abspath(args.dxt), os.path.abspath(args.work), args.scale
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, LC_ALL="C")
    rows, misses = [], []
    only = set(args.only.split(","))
    busy = Hogs(args.busy)
    n = int(10**7 * scale)
    if "wordcount" in only:
        texts = make_text(f"{work}/text-", int(200 * 2**20 * scale) + 2**20, 8, 1)
    if "sort" in only or "rss" in only:
        make_pairs(f"{work}/pairs-{n}.kv", f"{work}/pairs-{n}.txt", n, 2)
        if "rss" in only:
            make_pairs(f"{work}/pairs-{n // 10}.kv", f"{work}/pairs-{n // 10}.txt", n // 10, 3)
    with busy:
        print(f"{busy.describe()}; load average before the run: {load()}", flush=True)
        if "wordcount" in only:
            wordcount(dxt, work, texts, env, rows, misses)
        if "sort" in only or "rss" in only:
            sort_and_rss(dxt, work, n, only, rows, misses, env)
        if "pipeline" in only:
            pipeline(dxt, work, scale, rows, misses)
        print(f"load average after the run: {load()}")
    print("| benchmark | dxt | baseline | baseline/dxt time | note |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for m in misses:
        print("MISS:", m)
    return 1 if misses else 0


def wordcount(dxt, work, texts, env, rows, misses):
    total_mb = sum(os.path.getsize(p) for p in texts) / 2**20
    write_job(f"{work}/wc.json", {
        "name": "bench-wordcount", "input": texts, "map": {"program": "@dxt/wordcount"},
        "partitions": 2, "combiner": "sum_combiner", "sort": True, "sort_buffer_size": "256M",
        "reduce": {"program": "@dxt/wordcount"}, "status_interval": 0, "output": f"{work}/wc-out"})
    t_dxt, rss_dxt, _ = timed([dxt, "run", "-q", "--force", "--pipeline", "-j", "2", f"{work}/wc.json"])
    files = " ".join(texts)
    t_unix, _, unix_out = timed(
        f"cat {files} | tr -s ' ' '\\n' | sort -S 256M | uniq -c", shell=True, env=env)
    unix = {}
    for line in unix_out.decode().splitlines():
        count, _, word = line.strip().partition(" ")
        if word:
            unix[word] = int(count)
    counter_script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wordcount_counter.py")
    t_counter, _, counter_out = timed([sys.executable, counter_script, *texts])
    counter = {k: int(v) for k, v in (line.split("\t") for line in counter_out.decode().splitlines())}
    mine = dxt_counts(dxt, f"{work}/wc-out")
    same = mine == unix and mine == counter
    note = "counts identical (all three)" if same else "COUNTS DIFFER"
    rows.append((f"wordcount {total_mb:.0f} MB (8 inputs, -j2, --pipeline)", f"{t_dxt:.1f} s",
                 f"{t_unix:.1f} s (tr \\| sort \\| uniq -c)", f"{t_unix / t_dxt:.2f}x",
                 note + "; target >= 2x " + ("PASS" if t_unix / t_dxt >= 2 else "MISS")))
    rows.append((f"wordcount {total_mb:.0f} MB", f"{t_dxt:.1f} s",
                 f"{t_counter:.1f} s (Python collections.Counter)", f"{t_counter / t_dxt:.2f}x",
                 "target >= 1.0x " + ("PASS" if t_counter / t_dxt >= 1.0 else "MISS")))
    if not same:
        misses.append("wordcount counts differ from tr|sort|uniq -c or the Counter script")
    if t_unix / t_dxt < 2:
        misses.append(f"wordcount {t_unix / t_dxt:.2f}x tr|sort|uniq -c (target >= 2x)")
    if t_counter / t_dxt < 1.0:
        misses.append(f"wordcount {t_counter / t_dxt:.2f}x the Counter script (target >= 1.0x)")


def sort_and_rss(dxt, work, n, only, rows, misses, env):
    make_pairs(f"{work}/pairs-{n}.kv", f"{work}/pairs-{n}.txt", n, 2)
    buffer = "512M"

    def sort_job(name, kv, buf):
        write_job(f"{work}/{name}.json", {
            "name": name, "input": [kv], "map_reader": "kv", "partitions": 1, "sort": True,
            "sort_buffer_size": buf, "reduce": "nop_reduce", "status_interval": 0,
            "output": f"{work}/{name}-out"})
        return timed([dxt, "run", "-q", "--force", f"{work}/{name}.json"])

    if "sort" in only:
        sort_section(sort_job, dxt, work, n, buffer, rows, misses, env)
    if "rss" in only:
        rss_section(sort_job, work, n, rows, misses)


def sort_section(sort_job, dxt, work, n, buffer, rows, misses, env):
    t_dxt, rss_sort, _ = sort_job("sort", f"{work}/pairs-{n}.kv", buffer)
    t_unix, rss_unix, _ = timed(
        f"sort -S {buffer} --parallel=1 {work}/pairs-{n}.txt > {work}/sorted.txt", shell=True, env=env)
    t_unix_par, rss_par, _ = timed(
        f"sort -S {buffer} --parallel=2 {work}/pairs-{n}.txt > {work}/sorted.txt", shell=True, env=env)
    # The keys and values hold no tab or newline, so `key<TAB>value` lines sort like the pairs.
    same = subprocess.run(f"{dxt} cat --format tsv {work}/sort-out | cmp -s - {work}/sorted.txt",
                          shell=True).returncode == 0
    ratio = t_unix_par / t_dxt
    verdict = ("byte-identical to sort; " if same else "ORDER DIFFERS from sort; ") + \
        "target >= 1.0x --parallel=2 with no more memory: " + \
        ("PASS" if ratio >= 1.0 and rss_sort <= rss_par else "MISS")
    rows.append((f"sort {n:.0e} pairs, sort_buffer_size {buffer}", f"{t_dxt:.1f} s, {rss_sort:.0f} MiB",
                 f"{t_unix:.1f} s, {rss_unix:.0f} MiB (--parallel=1); "
                 f"{t_unix_par:.1f} s, {rss_par:.0f} MiB (--parallel=2)",
                 f"{t_unix / t_dxt:.2f}x / {ratio:.2f}x", verdict))
    if not same:
        misses.append("sorted output differs from LC_ALL=C sort")
    if ratio < 1.0 or rss_sort > rss_par:
        misses.append(f"sort {ratio:.2f}x sort --parallel=2, {rss_sort:.0f} vs {rss_par:.0f} MiB")


def rss_section(sort_job, work, n, rows, misses):
    small = n // 10
    make_pairs(f"{work}/pairs-{small}.kv", f"{work}/pairs-{small}.txt", small, 3)
    _, rss1, _ = sort_job("rss1", f"{work}/pairs-{small}.kv", "16M")
    _, rss10, _ = sort_job("rss10", f"{work}/pairs-{n}.kv", "16M")
    ratio = rss10 / rss1
    rows.append((f"peak RSS, sort_buffer_size 16M: {small:.0e} vs {n:.0e} pairs", f"{rss1:.1f} / {rss10:.1f} MiB",
                 "", f"{ratio:.2f}x", "target <= 1.2x " + ("PASS" if ratio <= 1.2 else "MISS")))
    if ratio > 1.2:
        misses.append(f"peak RSS ratio {ratio:.2f} > 1.2")



def pipeline(dxt, work, scale, rows, misses):
    """Lockstep pays one round trip per entry; pipelining removes it. Gated on one word per line
    (the round trip dominates); ten words per line is shown for information (then the cost of
    the ten output pairs per entry dominates both modes)."""
    small_text = make_text(f"{work}/small-", int(4 * 2**20 * max(scale, 0.25)), 1, 4)[0]
    words = f"{work}/small-words.txt"
    with open(small_text, "rb") as src, open(words, "wb") as dst:
        dst.write(src.read().replace(b" ", b"\n"))
    for name, path, gated in (("one word per line", words, True),
                              ("10 words per line", small_text, False)):
        times = {}
        for mode in ("lockstep", "pipeline"):
            write_job(f"{work}/{mode}.json", {
                "name": mode, "input": [path], "map": {"program": "@dxt/wordcount"},
                "partitions": None, "status_interval": 0, "output": f"{work}/{mode}-out"})
            flags = ["--pipeline"] if mode == "pipeline" else []
            times[mode], _, _ = timed([dxt, "run", "-q", "--force", *flags, f"{work}/{mode}.json"])
        same = (open(f"{work}/lockstep-out/part-00000", "rb").read() ==
                open(f"{work}/pipeline-out/part-00000", "rb").read())
        lines = sum(1 for _ in open(path, "rb"))
        speedup = times["lockstep"] / times["pipeline"]
        verdict = ("target >= 10x " + ("PASS" if speedup >= 10 else "MISS")) if gated else "info"
        rows.append((f"map-only wordcount, {lines} lines ({name}): lockstep / --pipeline",
                     f"{times['lockstep']:.2f} s / {times['pipeline']:.2f} s", "",
                     f"{speedup:.1f}x", ("identical output; " if same else "OUTPUT DIFFERS; ") + verdict))
        if not same or (gated and speedup < 10):
            misses.append(f"pipeline speedup {speedup:.1f}x ({name})")


if __name__ == "__main__":
    sys.exit(main())
