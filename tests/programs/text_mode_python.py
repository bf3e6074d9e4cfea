#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo written on text streams, as often written. It reads
the block and the pairs from sys.stdin (text: UTF-8 under the C locale, undecodable bytes as
surrogates) and counts lengths in characters, so wherever stdin holds a byte >= 0x80 (in a key, a
value or a length of 128 or more) it reads too far or cannot encode what it read: a traceback, an
exit 1, pairs left unread, a wait for bytes that never come. Every pair of ASCII letters passes.
Root cause: `framing` (R3.1, interprets-bytes); the fix: sys.stdin.buffer / sys.stdout.buffer.
"""
import struct
import sys


def read_chars(n):
    data = sys.stdin.read(n)
    return data if len(data) == n else None


def read_length():
    head = read_chars(4)
    return None if head is None else struct.unpack("<I", head.encode("utf-8"))[0]


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("map", "reduce"):
        sys.stderr.write("**<ERR> usage: text_mode_python.py map|reduce\n")
        return 2
    sys.stdin.read(int(sys.stdin.readline()))
    out = sys.stdout.buffer
    while True:
        klen = read_length()
        if klen is None:
            return 0
        key = read_chars(klen).encode("utf-8")
        value = read_chars(read_length()).encode("utf-8")
        out.write(struct.pack("<II", 1, len(key)) + key + struct.pack("<I", len(value)) + value)
        out.flush()


if __name__ == "__main__":
    sys.exit(main())
