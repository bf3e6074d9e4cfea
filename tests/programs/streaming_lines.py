#!/usr/bin/env python3
# Broken subject (both modes): a Hadoop-streaming identity mapper, not a Disco program: it reads
# stdin as lines and writes each back as "key<TAB>value" lines, so the parameter block and the pair
# frames come back where result lists belong, with a tab added to each line that had none.
# Root cause: `framing` (R4.2, echoes-stdin).
import sys

for line in sys.stdin.buffer:
    body = line[:-1] if line.endswith(b"\n") else line
    key, _, value = body.partition(b"\t")
    sys.stdout.buffer.write(key + b"\t" + value + b"\n")
    sys.stdout.buffer.flush()
