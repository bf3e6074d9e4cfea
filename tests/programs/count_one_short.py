#!/usr/bin/env python3
"""Broken subject (both modes): a Python program that answers each pair with two pairs, the pair
and the pair swapped, under a list count of 1 (the count of pairs it read, not of those it
writes). What used to be reported: "misread its input: lost its place inside pair 0 ... took 4
of its bytes, "valu", for a length" (the driver read the swapped pair's value length as the next
list's count), with 5 more root problems. Root cause: `framing` (R4.1, count-off-by-one).
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


def frame(key, value):
    return struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    read_exact(stdin, int(stdin.readline()))
    while True:
        header = stdin.read(4)
        if not header:
            return 0
        key = read_exact(stdin, struct.unpack("<I", header)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        stdout.write(struct.pack("<I", 1) + frame(key, value) + frame(value, key))
        stdout.flush()


sys.exit(main())
