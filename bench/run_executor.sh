#!/usr/bin/env bash
# Builds dxt and the reference programs in Release (build-bench/) and runs the executor benchmarks
# of issue 5 (bench/executor_bench.py): wordcount over >= 200 MB beside tr|sort|uniq -c, a sort of
# 10^7 pairs beside `LC_ALL=C sort` with the same memory, peak RSS 1x vs 10x, lockstep vs
# --pipeline. Needs ~3 GB of disk in the work directory. Not part of ctest.
# Usage: bench/run_executor.sh [--scale 0.1] [--only wordcount,sort,rss,pipeline] [--busy]
# (--busy: one CPU hog per core while the timed commands run, bench/busy.py)
# Environment: DXT_BENCH_BUILD_DIR (default <repo>/build-bench), DXT_BENCH_WORK (default
# <build>/executor-bench; generated inputs are kept there and reused).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DXT_BENCH_BUILD_DIR:-$repo/build-bench}"
work="${DXT_BENCH_WORK:-$build/executor-bench}"

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDXT_BUILD_TESTS=OFF \
  -DDXT_BUILD_BENCH=ON "${launcher[@]}" >/dev/null
ninja -C "$build" -j 2 dxt dxt_ref_wordcount dxt_executor_bench
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$build/bench/dxt_executor_bench" --benchmark_min_time=0.2
python3 "$repo/bench/executor_bench.py" "$build/tools/dxt" "$work" "$@"
