#!/usr/bin/env bash
# Verdicts in seconds (issue 11 §3): the whole catalogue at DEFAULT settings (--timeout 10, retry
# on) against one broken subject of each kind, each must be judged (exit 1) in <= 30 s; and a slow
# but conforming subject (20 ms per pair for its first 20 pairs) must get exit 0. The in-run
# baseline is the same catalogue against the reference echo (a fast conforming program).
# Uses the binaries of a scripts/build.sh build (the subjects live in tests/programs/).
# Prints PASS/MISS per subject; exits 1 on any miss.
# Usage: bench/run_verdicts.sh [BUILD_DIR]   (default: build)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
ninja -C "$build" -j 2 dxt dxt_ref_echo dxt_test_subjects >/dev/null
dxt="$build/tools/dxt"
subjects="$build/tests/programs"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# One run: prints "wall_s exit_code summary".
timed() {
  local report rc=0 start end
  report="$(mktemp)"
  start=$(date +%s.%N)
  "$dxt" check --no-color --report-json "$report" "$@" >/dev/null 2>&1 || rc=$?
  end=$(date +%s.%N)
  python3 - "$report" "$start" "$end" "$rc" <<'PY'
import json, sys
report, start, end, rc = sys.argv[1:]
s = json.load(open(report))["summary"]
print(f"{float(end) - float(start):.1f} {rc} "
      f"{s['OK']} OK/{s['FAILED']} FAILED/{s['SKIPPED']} SKIPPED")
PY
  rm -f "$report"
}

base="$(timed "$build/reference/programs/echo")"
echo "baseline: reference echo, whole catalogue: ${base%% *} s (exit, verdicts: ${base#* })"
miss=0
# subject  expected-exit  what it is
while read -r name want what; do
  r="$(timed "$subjects/$name")"
  wall="${r%% *}"
  rest="${r#* }"
  rc="${rest%% *}"
  ok=$(python3 -c "print('PASS' if float('$wall') <= 30 and '$rc' == '$want' else 'MISS')")
  [[ $ok == PASS ]] || miss=1
  ratio=$(python3 -c "print(f'{float(\"$wall\") / max(float(\"${base%% *}\"), 0.01):.1f}')")
  printf '%s %-17s %5s s (%sx the echo)  exit %s  %s  -- %s\n' "$ok" "$name" "$wall" "$ratio" "$rc" \
    "${rest#* }" "$what"
done <<'LIST'
no_flush          1 never flushes (stdio fully buffered)
line_buffered     1 line-buffered stdio
big_endian_count  1 writes each list count big-endian
never_exits       1 hangs after its work
slow_exit         1 exits 30 s after end-of-input
slow_pairs        0 slow but conforming: 20 ms per pair for its first 20 pairs
LIST
exit "$miss"
