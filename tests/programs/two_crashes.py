#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo with two unrelated bugs, each an uncaught error:
it takes the first byte of every key (an IndexError on an empty key) and decodes every value as
ASCII (a UnicodeDecodeError on a byte >= 0x80). Each is a root problem of its own: two places in
the program, two fixes, both on the first screen.
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
        first = key[0]
        text = value.decode("ascii")
        if first < 0 or len(text) < 0:
            return 2
        pair = struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value
        stdout.write(struct.pack("<I", 1) + pair)
        stdout.flush()


sys.exit(main())
