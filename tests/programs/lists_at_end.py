#!/usr/bin/env python3
"""Broken subject (map): a Python map that answers each pair with an empty list (count 0) and
keeps its real output for the end: one list of all the pairs, written once stdin ends. The
original driver never closes a map's stdin (it kills the program after the last pair's list), so
on Disco that output is lost. What used to be reported: "result list 3 arrived before pair 3 was
written: a second list for pair 2" (map-protocol R5.2), with R5.3 for the cases without input.
Root cause: `map-protocol` (R5.4, list-at-end), alone. In reduce mode it is a conforming echo.
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


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    read_exact(stdin, int(stdin.readline()))
    kept = []
    while True:
        header = stdin.read(4)
        if not header:
            break
        key = read_exact(stdin, struct.unpack("<I", header)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        kept.append(struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value)
        if sys.argv[1] == "map":
            stdout.write(struct.pack("<I", 0))
            stdout.flush()
    if sys.argv[1] == "map" or kept:
        stdout.write(struct.pack("<I", len(kept)) + b"".join(kept))
    stdout.flush()
    return 0


sys.exit(main())
