#!/usr/bin/env bash
# Builds dxt, the reference echo and the plain loop in Release (build-bench/) and times a lockstep
# map of 100 000 one-line entries through the echo: `dxt run` beside the plain blocking C loop
# (bench/lockstep_plain.cc) and Disco's external.py logic (bench/disco_external_map.py), rounds
# interleaved in one run (bench/lockstep_bench.py). Exit 1 on a missed target. Not part of ctest.
# Usage: bench/run_lockstep.sh [--entries N] [--rounds R] [--busy]   (--busy: one CPU hog per core
# for the duration of the run, bench/busy.py)
# Environment: DXT_BENCH_BUILD_DIR (default <repo>/build-bench), DXT_BENCH_WORK (default
# <build>/lockstep-bench).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DXT_BENCH_BUILD_DIR:-$repo/build-bench}"
work="${DXT_BENCH_WORK:-$build/lockstep-bench}"

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDXT_BUILD_TESTS=OFF \
  -DDXT_BUILD_BENCH=ON "${launcher[@]}" >/dev/null
ninja -C "$build" -j 2 dxt dxt_ref_echo dxt_lockstep_plain
python3 "$repo/bench/lockstep_bench.py" "$build/tools/dxt" "$build/bench/dxt_lockstep_plain" \
  "$build/reference/programs/echo" "$work" "$@"
