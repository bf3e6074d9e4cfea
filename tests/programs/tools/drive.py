#!/usr/bin/env python3
"""Hand driver for the test subjects: shows what a program does, independently of `dxt check`.

  drive.py [--pairs N] [--value-size B] [--timeout S] PROGRAM map|reduce

Sends the empty parameter block "0\\n" and N pairs (k<i>, v<i>). Map: lockstep, one pair at a time,
waiting up to S seconds for each list; reduce: streams all pairs while reading stdout. Then closes
stdin and reports the lists (per pair for map), stdout left-overs, stderr lines, how the program
ended, and files it left in its working directory. Not a harness: a sanity tool for tests/programs.
"""
import argparse
import os
import select
import signal
import struct
import subprocess
import tempfile
import threading
import time


def parse_list(buf):
    """Returns (list of pairs, bytes consumed) or None when incomplete; raises on a length > 1 GiB."""
    if len(buf) < 4:
        return None
    (count,) = struct.unpack_from("<I", buf, 0)
    pos, pairs = 4, []
    for _ in range(count):
        item = []
        for _ in range(2):
            if len(buf) < pos + 4:
                return None
            (n,) = struct.unpack_from("<I", buf, pos)
            if n > 1 << 30:
                raise ValueError(f"claimed length {n:#x} at offset {pos}")
            pos += 4
            if len(buf) < pos + n:
                return None
            item.append(bytes(buf[pos:pos + n]))
            pos += n
        pairs.append(tuple(item))
    return pairs, pos


def frame(key, value):
    return struct.pack("<I", len(key)) + key + struct.pack("<I", len(value)) + value


def short(pairs):
    return [(k[:20], v[:20] + (b"..." if len(v) > 20 else b"")) for k, v in pairs]


def read_some(fd, timeout):
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    return os.read(fd, 1 << 16)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--value-size", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("program")
    ap.add_argument("mode", choices=["map", "reduce"])
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="drive.")
    proc = subprocess.Popen([os.path.abspath(a.program), a.mode], cwd=work, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    err_chunks = []
    threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True).start()
    pairs = [(b"k%d" % i, (b"v%d" % i).ljust(a.value_size, b".")) for i in range(a.pairs)]
    out = bytearray()
    out_fd = proc.stdout.fileno()
    try:
        proc.stdin.write(b"0\n")
        proc.stdin.flush()
        if a.mode == "map":
            for i, p in enumerate(pairs):
                extra = read_some(out_fd, 0.2)
                if extra:
                    out += extra
                    print(f"before pair {i}: {len(out)} unsolicited bytes on stdout")
                proc.stdin.write(frame(*p))
                proc.stdin.flush()
                deadline = time.time() + a.timeout
                while (got := parse_list(out)) is None and time.time() < deadline:
                    chunk = read_some(out_fd, deadline - time.time())
                    if chunk == b"":
                        break
                    if chunk:
                        out += chunk
                if got is None:
                    print(f"pair {i}: NO LIST within {a.timeout}s (stdout has {len(out)} bytes)")
                    break
                print(f"pair {i}: list {short(got[0])}")
                del out[:got[1]]
        else:
            def feed():
                try:
                    for p in pairs:
                        proc.stdin.write(frame(*p))
                    proc.stdin.close()
                    print("reduce: all input written, stdin closed")
                except BrokenPipeError:
                    print("reduce: EPIPE while writing input (program stopped reading)")
            threading.Thread(target=feed, daemon=True).start()
    except BrokenPipeError:
        print("EPIPE while writing input (program stopped reading)")
    except ValueError as e:
        print(f"stdout: LIMIT {e}")
        out.clear()
    if a.mode == "map":
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
        print("stdin closed")
    deadline = time.time() + a.timeout + 1
    eof = False
    while time.time() < deadline:
        chunk = read_some(out_fd, deadline - time.time())
        if chunk == b"":
            eof = True
            break
        if chunk:
            out += chunk
    try:
        rc = proc.wait(timeout=max(0.1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        rc = None
    if not eof or rc is None:
        print(f"HANG: stdout eof={eof} exited={rc is not None}; killing the group")
        os.killpg(proc.pid, signal.SIGKILL)
        rc = proc.wait()
    lists = []
    try:
        while (got := parse_list(out)) is not None:
            lists.append(short(got[0]))
            del out[:got[1]]
    except ValueError as e:
        print(f"stdout: LIMIT {e}")
    if lists:
        print(f"stdout lists after close/for reduce: {len(lists)}: {lists[:4]}")
    if out:
        print(f"stdout left-over (incomplete list): {len(out)} bytes: {bytes(out[:32])!r}")
    time.sleep(0.1)
    print(f"stderr: {err_chunks[0] if err_chunks else b'(still open)'!r}")
    print(f"ended: {'signal ' + str(-rc) if rc < 0 else 'exit ' + str(rc)}")
    print(f"work dir files: {os.listdir(work)}")


if __name__ == "__main__":
    main()
