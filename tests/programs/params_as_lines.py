#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that parses the parameter block's body line by line,
each line split on spaces as "<len> <key> <len> <value>", as if no key or value could hold a
newline. A value with a "\\n" in it splits an entry over two lines and the second has too few
fields (an IndexError traceback, exit 1); spaces only give it wrong parameters, which it ignores.
Root cause: `params` (R2.3, interprets-bytes), seen only in the cases whose parameters hold a
newline.
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
    size = int(stream.readline())
    params, body = {}, b""
    while len(body) < size:
        line = stream.readline()
        if not line:
            break
        body += line
        fields = line.rstrip(b"\n").split(b" ")
        params[fields[1]] = fields[3]
    return params


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    read_params(stdin)
    while True:
        header = stdin.read(4)
        if not header:
            return 0
        key = read_exact(stdin, struct.unpack("<I", header)[0])
        value = read_exact(stdin, struct.unpack("<I", read_exact(stdin, 4))[0])
        stdout.write(struct.pack("<II", 1, len(key)) + key + struct.pack("<I", len(value)) + value)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
