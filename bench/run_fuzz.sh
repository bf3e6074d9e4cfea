#!/usr/bin/env bash
# Builds dxt, the reference echo and the plain loop in Release (build-bench/) and measures the
# search rate of `dxt fuzz` on the echo (map pairs and conversations per second, each conversation
# sandboxed and judged) beside the plain lockstep loop (bench/lockstep_plain.cc), rounds
# interleaved in one run (bench/fuzz_bench.py). Exit 1 on a missed goal. Not part of ctest.
# Usage: bench/run_fuzz.sh [--seconds S] [--rounds R] [--entries N] [--conversations C]
# Environment: DXT_BENCH_BUILD_DIR (default <repo>/build-bench), DXT_BENCH_WORK (default
# <build>/fuzz-bench).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DXT_BENCH_BUILD_DIR:-$repo/build-bench}"
work="${DXT_BENCH_WORK:-$build/fuzz-bench}"

cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDXT_BUILD_TESTS=OFF \
  -DDXT_BUILD_BENCH=ON >/dev/null
ninja -C "$build" -j 2 dxt dxt_ref_echo dxt_lockstep_plain
python3 "$repo/bench/fuzz_bench.py" "$build/tools/dxt" "$build/bench/dxt_lockstep_plain" \
  "$build/reference/programs/echo" "$work" "$@"
