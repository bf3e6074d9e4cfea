#!/usr/bin/env python3
"""Broken subject (both modes): a Python program whose helper module was not shipped with it
(`dxt check` without `--file`): it dies of ModuleNotFoundError before it reads any input. Where
stdin broke before dxt could measure what it read, the same traceback used to be a second root
problem (an uncaught error at its first bytes), and a number in the traceback's temporary path
("dxt-tmp-5033") could pass for a negative length it read. Root cause: `exit` (R8.1,
could-not-start), alone.
"""
import sys

import dxt_helper_not_shipped  # noqa: F401  (the module nobody copied next to it)

sys.exit(0)
