#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that reads the parameter block's length line but
never its body, as if every job had no parameters. Under the empty block "0\\n" it is a correct
echo; with any parameters it takes the body for pairs: a map waits inside an item it thinks is
huge, a reduce reads past the end (a TypeError traceback, exit 1).
Root cause: `params` (R2.1, skips-params), seen only in the cases whose block has a body.
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
    if len(sys.argv) < 2 or sys.argv[1] not in ("map", "reduce"):
        sys.stderr.write("**<ERR> usage: block_length_only.py map|reduce\n")
        return 2
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdin.readline()  # the defect: the body that follows is never read
    while True:
        head = read_exact(stdin, 4)
        if head is None:
            return 0
        key = read_exact(stdin, struct.unpack("<I", head)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        stdout.write(struct.pack("<II", 1, len(key)) + key + struct.pack("<I", len(value)) + value)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
