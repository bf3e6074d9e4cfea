#!/usr/bin/env python3
"""Broken subject (both modes): reads each key and value length as a big-endian *signed* int, as a
Java program does with DataInputStream.readInt, then allocates it. A length whose first
little-endian byte is 0x80 or more (200 = "\\xc8\\0\\0\\0", read as -939524096) ends it the way
Java does, with an uncaught NegativeArraySizeException naming the negative number on stderr; a
smaller one waits for input that never comes (a map) or runs out of input (a reduce), as
big_endian_lengths.py does.

The negative number is the only trace of the length it read: the judge takes it as the u32 it was.
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
    header = read_exact(stream, 4)
    if header is None:
        if allow_eof:
            return None
        raise EOFError("truncated length")
    (length,) = struct.unpack(">i", header)  # the defect: network order, signed
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
