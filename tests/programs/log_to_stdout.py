#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo, right in every other way, that writes its
"**<MSG> ..." log line to stdout before each list instead of to stderr. What used to be reported
beside the framing problem: input left unread and the traceback of the broken pipe, after the
driver had stopped at the first log line and killed the program (2-4 root problems). Root cause:
`framing` (R4.2, "writes its **<MSG> log lines to stdout"), alone.
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
        stdout.write(b"**<MSG> got a pair\n")
        frame = struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value
        stdout.write(struct.pack("<I", 1) + frame)
        stdout.flush()


sys.exit(main())
