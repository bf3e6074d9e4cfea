#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that reads its input right but writes every key and
value length as the item's size plus 4, as if the length counted its own 4 bytes. What used to be
reported: "misread its input: lost its place inside pair 0 ... took 4 of its bytes for a length"
(the decoder's next length falls inside the item), beside "stdout ended inside an item" and a
"second list for pair 0". Root cause: `framing` (R3.1, length-with-header).
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


def framed(item):
    return struct.pack("<I", len(item) + 4) + item


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    read_exact(stdin, int(stdin.readline()))
    while True:
        header = stdin.read(4)
        if not header:
            return 0
        key = read_exact(stdin, struct.unpack("<I", header)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        stdout.write(struct.pack("<I", 1) + framed(key) + framed(value))
        stdout.flush()


sys.exit(main())
