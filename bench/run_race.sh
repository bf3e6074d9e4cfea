#!/usr/bin/env bash
# The race proof (issue 10 §3): FLAKY counts as FAILED, so dxt's own driving must never make a
# conforming program fail, however busy the machine. Runs the whole catalogue at --jobs 16 beside
# one CPU hog per core, ROUNDS times, on every good subject of tests/programs/ (byte_writes: each
# list one byte per write(2), the program that exposed the lockstep attribution race) and on every
# reference program, with the flags each needs. Counts FAILED and FLAKY cases per run; the
# required result is zero of both. Prints one line per run and a table; exits 1 if any case
# FAILED or was FLAKY, 2 on a harness error.
# Uses the binaries of a scripts/build.sh build. Run it under `nice`: the hogs and dxt then share
# a low priority, and the rest of the machine still comes first.
# Usage: bench/run_race.sh [--rounds N] [--jobs J] [--only NAME,NAME] [--cases P,P] [BUILD_DIR]
# --cases passes a case selection to every dxt check (e.g. the lockstep-heavy part of the
# catalogue: --only byte_writes --cases 3.1.21,5 for many rounds of the program that raced).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=10
jobs=16
only=""
cases=""
build="$repo/build"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) build="$1"; shift ;;
  esac
done
ninja -C "$build" -j 2 dxt dxt_ref_echo dxt_ref_wordcount dxt_ref_grep dxt_ref_params_dump \
  dxt_test_subjects >/dev/null
dxt="$build/tools/dxt"
subjects="$build/tests/programs"
refs="$build/reference/programs"
work="$(mktemp -d)"
printf '{"pattern": "a"}\n' > "$work/grep-params.json"

hogs=()
cleanup() {
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq "$(nproc)"); do
  sh -c 'while :; do :; done' &
  hogs+=("$!")
done
echo "$(nproc) CPU hog(s) started; --jobs $jobs; $rounds round(s)${cases:+; --cases $cases}; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# name  program  flags (each good subject and reference program, with what it needs; README.md
# and tests/programs/README.md say why)
list() {
  cat <<LIST
byte_writes         $subjects/byte_writes
good_echo           $subjects/good_echo
good_python         $subjects/good_python.py
reduce_writes_early $subjects/reduce_writes_early --mode reduce
big_list_map        $subjects/big_list_map
slow_start          $subjects/slow_start
slow_pairs          $subjects/slow_pairs
repeat_map          $subjects/repeat_map --mode map --cases 3.1.19
ref_echo            $refs/echo
ref_wordcount       $refs/wordcount --values decimal
ref_grep            $refs/grep --params $work/grep-params.json
ref_params_dump     $refs/params-dump
LIST
}

total_failed=0
total_flaky=0
harness_error=0
summary="$work/summary.txt"
: > "$summary"
for round in $(seq "$rounds"); do
  while read -r name program flags; do
    [[ -z $name ]] && continue
    if [[ -n $only && ",$only," != *",$name,"* ]]; then continue; fi
    report="$work/$name.$round.json"
    start=$(date +%s.%N)
    rc=0
    selection=()
    [[ -n $cases ]] && selection=(--cases "$cases")
    # shellcheck disable=SC2086  # flags are words
    "$dxt" check --no-color -q --jobs "$jobs" --report-json "$report" "${selection[@]}" $flags "$program" \
      > "$work/$name.$round.txt" 2>&1 || rc=$?
    end=$(date +%s.%N)
    load="$(cut -d' ' -f1 /proc/loadavg)"
    line="$(python3 - "$report" "$rc" "$start" "$end" "$load" "$name" "$round" <<'PY'
import json, sys
report, rc, start, end, load, name, rnd = sys.argv[1:]
try:
    d = json.load(open(report))
except Exception:
    print(f"ERROR {name} round {rnd}: exit {rc}, no report")
    sys.exit(0)
cases = d["cases"]
failed = [c for c in cases if c["verdict"] == "FAILED"]
flaky = [c for c in cases if c["flaky"]]
s = d["summary"]
print(f"{len(failed)} {len(flaky)} {name} round {rnd}: {float(end) - float(start):.1f} s, load {load}, "
      f"exit {rc}: {s['OK']} OK, {s['FAILED']} FAILED, {len(flaky)} FLAKY, {s['SKIPPED']} SKIPPED "
      f"of {len(cases)}")
for c in failed + [c for c in flaky if c not in failed]:
    bad = [f"{k['check']} ({k['rule']}): {k['detail'][:300]}" for k in c["checks"]
           if k["verdict"] == "FAILED"]
    print(f"    {'FLAKY ' if c['flaky'] else ''}{c['verdict']} {c['id']} [{c['mode']}] "
          f"{'; '.join(bad)}")
PY
)"
    if [[ $line == ERROR* ]]; then
      harness_error=1
      echo "$line"
      sed 's/^/    /' "$work/$name.$round.txt" | tail -5
      continue
    fi
    read -r failed flaky rest <<<"$(head -1 <<<"$line")"
    total_failed=$((total_failed + failed))
    total_flaky=$((total_flaky + flaky))
    echo "${line#* * }"
    wall="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
    echo "$name $failed $flaky $wall" >> "$summary"
  done < <(list)
done

echo
echo "subject              runs  FAILED  FLAKY  wall s (min-max)"
python3 - "$summary" <<'PY'
import sys, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    name, failed, flaky, wall = line.split()
    r = rows.setdefault(name, [0, 0, 0, []])
    r[0] += 1; r[1] += int(failed); r[2] += int(flaky); r[3].append(float(wall))
for name, (runs, failed, flaky, walls) in rows.items():
    print(f"{name:<20} {runs:>4}  {failed:>6}  {flaky:>5}  {min(walls):.1f}-{max(walls):.1f}")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "total: $total_failed FAILED, $total_flaky FLAKY case(s)"
[[ $harness_error == 0 ]] || exit 2
[[ $total_failed == 0 && $total_flaky == 0 ]]
