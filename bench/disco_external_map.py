#!/usr/bin/env python3
"""Disco's own classic map driver (disco/worker/classic/external.py), reduced to its logic, as the
second anchor of bench/run_lockstep.sh.

For every input entry Disco's worker packs the pair ("" as the key of a plain line), writes it to
the program's stdin, flushes, then reads one result list from the program's buffered stdout: the
u32 count, then count pairs of u32-length-prefixed strings. A thread forwards stderr, as Disco's
does. There are no deadlines and no checks, as in the original. The output pairs are written as
pair frames, the bytes of a `dxt run` map-only output file, so the script can compare them.

Usage: disco_external_map.py PROGRAM INPUT_LINES OUTPUT_FRAMES
"""
import struct
import subprocess
import sys
import threading


def pack_kv(k, v):
    return struct.pack("<I", len(k)) + k + struct.pack("<I", len(v)) + v


def read_str(fd):
    (n,) = struct.unpack("<I", fd.read(4))
    return fd.read(n)


def read_items(fd):
    (count,) = struct.unpack("<I", fd.read(4))
    return [(read_str(fd), read_str(fd)) for _ in range(count)]


def forward_stderr(fd):
    for line in fd:
        sys.stderr.write(line.decode("latin-1"))


def main():
    program, input_path, output_path = sys.argv[1:4]
    proc = subprocess.Popen([program, "map"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    threading.Thread(target=forward_stderr, args=(proc.stderr,), daemon=True).start()
    proc.stdin.write(b"0\n")  # no parameters
    with open(input_path, "rb") as entries, open(output_path, "wb") as out:
        for line in entries:
            proc.stdin.write(pack_kv(b"", line))
            proc.stdin.flush()
            for k, v in read_items(proc.stdout):
                out.write(pack_kv(k, v))
    proc.stdin.close()
    proc.stdout.read()
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
