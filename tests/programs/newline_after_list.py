#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that ends every result list with a newline byte, as
a script that treats its output as lines does. The lists themselves are right and flushed. What
used to be reported: "stdout ended inside an item" (R3.3) and a map's "second list for pair 0"
(the "\\n" starts the next count). Root cause: `framing` (R4.2, bytes-after-list).
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
        pair = struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value
        stdout.write(struct.pack("<I", 1) + pair + b"\n")
        stdout.flush()


sys.exit(main())
