#!/usr/bin/env bash
# Fuzz smoke run: builds the codec fuzz targets with clang + libFuzzer + ASan/UBSan in build-fuzz/
# and runs each for SECONDS (default 30). Exits non-zero on any crash, leak, timeout or OOM,
# naming the target and the artifact. Usage: fuzz/smoke.sh [SECONDS]
# Environment: DXT_FUZZ_BUILD_DIR (default <repo>/build-fuzz), DXT_FUZZ_JOBS (default 2),
#              DXT_FUZZ_TARGETS (space-separated subset; default: all targets).
set -euo pipefail

seconds="${1:-30}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DXT_FUZZ_BUILD_DIR:-$repo/build-fuzz}"
jobs="${DXT_FUZZ_JOBS:-2}"
all_targets=(kv_frame_fuzzer result_list_fuzzer param_block_fuzzer log_line_fuzzer
             stream_differential_fuzzer roundtrip_fuzzer disco_c_params_fuzzer
             disco_stream_fuzzer)
read -r -a targets <<< "${DXT_FUZZ_TARGETS:-${all_targets[*]}}"

cmake -S "$repo" -B "$build" -G Ninja -DDXT_FUZZ=ON -DDXT_BUILD_TESTS=OFF -DDXT_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 >/dev/null
ninja -C "$build" -j "$jobs" "${targets[@]}"

artifacts="$repo/fuzz/artifacts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

failed=0
for target in "${targets[@]}"; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  cp -R "$repo/fuzz/corpus/$target/." "$corpus/" 2>/dev/null || true
  if [[ -d "$repo/fuzz/regressions/$target" ]]; then
    find "$repo/fuzz/regressions/$target" -type f ! -name 'README*' -exec cp {} "$corpus/" \;
  fi
  max_len="$(sed -n 's/^max_len *= *//p' "$repo/fuzz/$target.options" 2>/dev/null || true)"
  log="$work/$target.log"
  echo "== $target: ${seconds}s"
  # A fresh list of artifacts tells us which file this run wrote.
  before="$(ls "$artifacts" | grep "^$target-" || true)"
  if "$build/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -dict="$repo/fuzz/dict/disco.dict" ${max_len:+-max_len=$max_len} -print_final_stats=1 \
      -artifact_prefix="$artifacts/$target-" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$log" | tail -2 | sed "s/^/   /"
  else
    failed=1
    after="$(ls "$artifacts" | grep "^$target-" || true)"
    new="$(comm -13 <(echo "$before") <(echo "$after") | head -1)"
    echo "!! $target FAILED ($(grep -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-z-]+' "$log" | head -1 || echo 'see log'))"
    grep -E 'SUMMARY|fuzz property failed|runtime error' "$log" | head -5 | sed "s/^/   /" || true
    echo "   artifact: ${new:+$artifacts/$new}"
    echo "   log tail:"; tail -n 30 "$log" | sed "s/^/   | /"
  fi
done

if (( failed )); then
  echo "fuzz smoke: FAILED (artifacts in $artifacts; reproduce with: $build/fuzz/<target> <artifact>)"
  exit 1
fi
echo "fuzz smoke: all ${#targets[@]} targets clean for ${seconds}s each"
