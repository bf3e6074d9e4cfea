#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that writes its result lists to the wrong stream,
stderr (an `out = sys.stderr.buffer` meant for debugging, left in). Every list is well formed and
flushed; stdout stays empty. What used to be reported: "rejects the catalogue's input values"
(stderr names them) and a map waiting for more input. Root cause: `log` (R7.1, lists-on-stderr).
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
    stdin, out = sys.stdin.buffer, sys.stderr.buffer
    read_exact(stdin, int(stdin.readline()))
    while True:
        header = stdin.read(4)
        if not header:
            return 0
        key = read_exact(stdin, struct.unpack("<I", header)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        out.write(struct.pack("<I", 1))
        out.write(struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value)
        out.flush()


sys.exit(main())
