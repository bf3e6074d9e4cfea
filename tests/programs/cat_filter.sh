#!/bin/sh
# Broken subject (both modes): a filter, not a Disco program: it copies stdin to stdout, so the
# parameter block and the pair frames come back where result lists belong.
# Root cause: `framing` (R4.2, echoes-stdin).
exec cat
