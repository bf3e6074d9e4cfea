#!/usr/bin/env python3
"""Good subject with a narrow input domain: a word count in Python 3, as a user would write it.

map:    splits each value on whitespace and answers one list of (word, b"1") pairs per input pair.
reduce: int() of every value, summed per key; one list of (key, total) sorted by key at the end.

It is correct for its real input (reduce values are decimal counts) and, like most real programs,
dies with a traceback naming the value when it gets anything else: `dxt check` without a declared
domain fails it; with `--values decimal` or `--input-sample` it must pass (issue 11 §1).
"""
import struct
import sys


def read_exact(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_params(stream):
    digits = b""
    while True:
        c = stream.read(1)
        if not c:
            raise EOFError("no parameter block")
        if c == b"\n":
            break
        digits += c
    read_exact(stream, int(digits))


def read_pair(stream):
    header = read_exact(stream, 4)
    if header is None:
        return None
    key = read_exact(stream, struct.unpack("<I", header)[0])
    value = read_exact(stream, struct.unpack("<I", read_exact(stream, 4))[0])
    return key, value


def write_list(out, pairs):
    out.write(struct.pack("<I", len(pairs)))
    for k, v in pairs:
        out.write(struct.pack("<I", len(k)) + k + struct.pack("<I", len(v)) + v)
    out.flush()


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    read_params(stdin)
    if sys.argv[1] == "map":
        while True:
            pair = read_pair(stdin)
            if pair is None:
                return 0
            write_list(stdout, [(w, b"1") for w in pair[1].split()])
    totals = {}
    while True:
        pair = read_pair(stdin)
        if pair is None:
            break
        totals[pair[0]] = totals.get(pair[0], 0) + int(pair[1])
    write_list(stdout, [(k, str(v).encode()) for k, v in sorted(totals.items())])
    return 0


if __name__ == "__main__":
    sys.exit(main())
