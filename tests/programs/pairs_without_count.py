#!/usr/bin/env python3
"""Broken subject (map): a Python map that reads its input right and flushes, but writes each
answer pair alone, with no list count before it (the pair framing of its input, not a result
list). What used to be reported: "misread its input: lost its place inside pair 0 ... took 4 of
its bytes, "key0", for a length" (the key's length read as a count, the key as a length). Root
cause: `framing` (R4.1, list-without-count).
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
    while True:
        header = stdin.read(4)
        if not header:
            return 0
        key = read_exact(stdin, struct.unpack("<I", header)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        stdout.write(struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value)
        stdout.flush()


sys.exit(main())
