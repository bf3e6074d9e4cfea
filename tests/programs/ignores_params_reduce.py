#!/usr/bin/env python3
"""Broken subject (both modes): a Python reduce as often written, that never reads the parameter
block. It reads stdin from byte 0 as pairs, so the block "0\\n" and the first bytes of pair 0 become
a key length of about 2600; the key read then swallows the real pairs and the next length read
comes back short: struct.error, a traceback on stderr, exit 1. Root cause: `params` (R2.1).
"""
import struct
import sys


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    pairs = []
    while True:
        head = stdin.read(4)
        if not head:
            break
        (klen,) = struct.unpack("<I", head)
        key = stdin.read(klen)
        (vlen,) = struct.unpack("<I", stdin.read(4))
        value = stdin.read(vlen)
        pairs.append((key, value))
    out = struct.pack("<I", len(pairs))
    for key, value in pairs:
        out += struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value
    stdout.write(out)
    stdout.flush()


if __name__ == "__main__":
    main()
