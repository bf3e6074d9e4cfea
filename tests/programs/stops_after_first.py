#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that answers the first pair and exits 0 (a `break`
left in its loop). Its buffered reads drain the pipe, so no input is left unread when all of it
was sent at once: the pipelined parameter cases passed it (1 list for 4 pairs), and the cases
that failed, all with several pairs, once added up to "params R2.2: fails whenever the parameter
block is empty" (the cases with parameters were the pipelined ones). Root cause: `consumption`
(R5.1, stops-early).
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
        frame = struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value
        stdout.write(struct.pack("<I", 1) + frame)
        stdout.flush()
        break
    return 0


sys.exit(main())
