#!/usr/bin/env python3
"""The plain-Python anchor of the word-count benchmark (bench/executor_bench.py): count the
ASCII-whitespace-separated words of the input files with collections.Counter and print
`word<TAB>count` lines in byte order, what the dxt job's output holds.

Usage: wordcount_counter.py FILE...
"""
import collections
import sys


def main():
    counts = collections.Counter()
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            for line in f:
                counts.update(line.split())
    out = sys.stdout.buffer
    for word in sorted(counts):
        out.write(b"%s\t%d\n" % (word, counts[word]))


if __name__ == "__main__":
    main()
