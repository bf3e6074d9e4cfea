#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that reads its input right but never flushes.

sys.stdout.buffer is a BufferedWriter (8 KiB when stdout is a pipe): a map's one-pair lists stay
in it, so the driver waits for the list of pair 0 in vain while the program waits for pair 1. They
come out only when the buffer fills or when the program exits at end-of-input.
Root cause: `flushing` (R5.2, buffered); the fix: sys.stdout.buffer.flush() or `python -u`.
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
        sys.stderr.write("**<ERR> usage: no_flush_python.py map|reduce\n")
        return 2
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    digits = stdin.readline()
    if not digits.endswith(b"\n") or read_exact(stdin, int(digits)) is None:
        sys.stderr.write("**<ERR> bad parameter block\n")
        return 1
    while True:
        header = read_exact(stdin, 4)
        if header is None:
            return 0
        key = read_exact(stdin, struct.unpack("<I", header)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        stdout.write(struct.pack("<I", 1))
        stdout.write(struct.pack("<I", len(key)) + key)
        stdout.write(struct.pack("<I", len(value)) + value)
        # the defect: no stdout.flush() here


if __name__ == "__main__":
    sys.exit(main())
