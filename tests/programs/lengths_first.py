#!/usr/bin/env python3
"""Broken subject (map): a Python map that reads the parameter block right but takes a pair as
<u32 key length><u32 value length><key><value> (both lengths first), and otherwise answers and
flushes each pair. A key's first 4 bytes become its value length: it waits for bytes that never
come, except where every key is empty (the layouts agree there: case 5.5.1 passes). What used to
be reported first: "params (R2.1) ... exactly what a program that does not read the parameter
block sees" for every block probe. Root cause: the wait for input (`flushing` R5.2,
waits-for-input), the block ruled out by the case it passes.
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
        header = read_exact(stdin, 8)
        if header is None:
            return 0
        key_size, value_size = struct.unpack("<II", header)
        key, value = read_exact(stdin, key_size), read_exact(stdin, value_size)
        if value is None:
            return 0
        pair = struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value
        stdout.write(struct.pack("<I", 1) + pair)
        stdout.flush()


sys.exit(main())
