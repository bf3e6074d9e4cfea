#!/bin/sh
# Broken subject (both modes): a wrapper script as commonly written around a real program; its
# exec names a program that is not there (a path that was never installed), so the shell prints
# its error on stderr (no **<ERR> prefix) and exits 127 before anything reads stdin. Root cause:
# the program could not start; `exit` (R8.1) with the shell's own message.
exec "$(dirname "$0")/not-installed-mapper" "$@"
