"""A busy machine, made inside the benchmark: one CPU hog per core for the duration of a `with`.

    with busy.Hogs(enabled):          # enabled=False: a no-op
        ... time things ...

Each hog is a Python process spinning in a loop at the benchmark's own priority (same session,
so the same autogroup: the hogs compete with the timed programs directly). They are started
before the first round and killed, by pid, when the block ends, whatever happens inside it.
"""
import os
import subprocess
import sys
import time


class Hogs:
    def __init__(self, enabled, count=None):
        self.count = (count or os.cpu_count() or 1) if enabled else 0
        self.procs = []

    def __enter__(self):
        for _ in range(self.count):
            self.procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
        if self.procs:
            time.sleep(0.5)  # let them reach the run queues (and the load average start to rise)
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
        for p in self.procs:
            p.wait()
        self.procs = []
        return False

    def describe(self):
        return f"busy: {self.count} CPU hog(s), one per core" if self.count else "no hogs"
