#!/usr/bin/env python3
"""Broken subject (both modes): reads each key and value length big-endian (network order), as a
program built on Java's DataInputStream.readInt, Go's binary.BigEndian or struct ">I" does.

Otherwise a conforming echo: it reads the parameter block exactly and writes its lists right
(little-endian). A length of 4 ("\\x04\\0\\0\\0") reads as 67108864, so it waits for input that never
comes (a map: no list for pair 0) or, at end-of-input, raises EOFError (a reduce); only pairs
whose lengths are all 0 read the same both ways.

Installed a second time as signed_big_endian_lengths.py (tests/programs/CMakeLists.txt), under
which name it reads each length as a big-endian *signed* int, as Java's DataInputStream.readInt
does, then allocates it: a length whose first little-endian byte is 0x80 or more (200 =
"\\xc8\\0\\0\\0", read as -939524096) ends it the way Java does, with an uncaught
NegativeArraySizeException naming the negative number on stderr. That number is the only trace of
the length it read: the judge takes it as the u32 it was.
"""
import os
import struct
import sys

SIGNED = os.path.basename(sys.argv[0]).startswith("signed_")


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
    header = read_exact(stream, 4)
    if header is None:
        if allow_eof:
            return None
        raise EOFError("truncated length")
    (length,) = struct.unpack(">i" if SIGNED else ">I", header)  # the defect: network order
    if length < 0:
        sys.stderr.write('Exception in thread "main" java.lang.NegativeArraySizeException: '
                         f"{length}\n\tat Echo.readItem(Echo.java:31)\n")
        sys.exit(1)
    data = read_exact(stream, length)
    if data is None:
        raise EOFError("truncated item")
    return data


def main():
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
