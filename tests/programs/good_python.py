#!/usr/bin/env python3
"""Good subject (both modes): a conforming echo in Python 3, on sys.stdin.buffer/sys.stdout.buffer.

Reads the parameter block exactly (R2.1), then answers every pair with a one-pair list and flushes
each list before reading the next pair (R5.2).
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
            return None
        if c == b"\n":
            break
        digits += c
    return read_exact(stream, int(digits))


def read_item(stream, allow_eof):
    header = stream.read(4)
    if allow_eof and not header:
        return None
    if len(header) < 4:
        header += read_exact(stream, 4 - len(header)) or b""
    if len(header) != 4:
        raise EOFError("truncated length")
    (length,) = struct.unpack("<I", header)
    data = read_exact(stream, length)
    if data is None:
        raise EOFError("truncated item")
    return data


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("map", "reduce"):
        sys.stderr.write("**<ERR> usage: good_python.py map|reduce\n")
        return 2
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    if read_params(stdin) is None:
        sys.stderr.write("**<ERR> bad parameter block\n")
        return 1
    while True:
        key = read_item(stdin, allow_eof=True)
        if key is None:
            return 0
        value = read_item(stdin, allow_eof=False)
        stdout.write(struct.pack("<I", 1))
        stdout.write(struct.pack("<I", len(key)) + key)
        stdout.write(struct.pack("<I", len(value)) + value)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
