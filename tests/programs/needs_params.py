#!/usr/bin/env python3
"""Broken subject (both modes): a Python echo that takes its first parameter's key without looking
whether there is one. Under the empty block "0\\n" (a job without parameters, R2.2) the body is
empty and it dies at once (an IndexError traceback, exit 1); with parameters it is a correct echo.
Root cause: `params` (R2.2, needs-params), seen only in the cases without parameters.
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
    body = read_exact(stdin, int(stdin.readline()))
    first_key = body.split(b" ", 2)[1]
    sys.stderr.write("**<MSG> first parameter: %r\n" % first_key)
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
