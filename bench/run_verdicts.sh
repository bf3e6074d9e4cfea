#!/usr/bin/env bash
# Verdicts in seconds (issue 11 §3, §5 of its "done" line): the whole catalogue at DEFAULT settings
# (--timeout 10, retry on) against every broken subject of tests/programs/, each must be judged
# (exit 1) in <= 30 s; a slow but conforming subject (20 ms per pair for its first 20 pairs) and
# the bundled word counts with a declared domain must get exit 0. The in-run
# baseline is the same catalogue against the reference echo (a fast conforming program).
# Uses the binaries of a scripts/build.sh build (the subjects live in tests/programs/).
# Prints PASS/MISS per subject; exits 1 on any miss.
# Usage: bench/run_verdicts.sh [--only NAME,NAME] [BUILD_DIR]   (default: build; --only: those
# subjects of the list below, e.g. --only ignores_input,slow_pairs,@wordcount; the echo baseline
# always runs)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
only=""
if [[ ${1:-} == --only ]]; then
  only="$2"
  shift 2
fi
build="${1:-$repo/build}"
ninja -C "$build" -j 2 dxt dxt_ref_echo dxt_ref_wordcount dxt_test_subjects >/dev/null
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
sample="$(mktemp --suffix .jsonl)"
# A word count's real reduce input: (word, "1") for the words of chapter 1 (as check_options_test).
python3 - "$repo/examples/wordcount/chapter1.txt" >"$sample" <<'PY'
import json, sys
for n, w in enumerate(open(sys.argv[1], encoding="utf-8").read().split()):
    print(json.dumps({"key": w, "value": "3" if n % 7 == 0 else "1"}))
PY
miss=0 total=0 worst=0
# subject|expected exit|extra flags|what it is. Every broken subject of tests/programs/README.md
# (the content ones need an expectation: --expect identity), the slow but conforming one, and the
# bundled programs with a declared domain.
while IFS='|' read -r name want flags what; do
  [[ -z $name || $name == \#* ]] && continue
  [[ -n $only && ",$only," != *",$name,"* ]] && continue
  case $name in
    @wordcount) program="$build/reference/programs/wordcount" ;;
    *) program="$subjects/$name" ;;
  esac
  # shellcheck disable=SC2086  # flags are words
  r="$(timed ${flags//@sample/$sample} "$program")"
  wall="${r%% *}"
  rest="${r#* }"
  rc="${rest%% *}"
  ok=$(python3 -c "print('PASS' if float('$wall') <= 30 and '$rc' == '$want' else 'MISS')")
  [[ $ok == PASS ]] || miss=1
  total=$(python3 -c "print(f'{$total + float(\"$wall\"):.1f}')")
  worst=$(python3 -c "print(max(float('$worst'), float('$wall')))")
  ratio=$(python3 -c "print(f'{float(\"$wall\") / max(float(\"${base%% *}\"), 0.01):.1f}')")
  printf '%s %-24s %5s s (%5sx the echo)  exit %s  %-38s -- %s\n' "$ok" "$name $flags" "$wall" \
    "$ratio" "$rc" "${rest#* }" "$what"
done <<'LIST'
no_flush|1||never flushes (stdio fully buffered)
line_buffered|1||line-buffered stdio
big_endian_count|1||writes each list count big-endian
never_exits|1||hangs after its work
slow_exit|1||exits 30 s after end-of-input
flush_every_other|1||flushes after every other pair
reads_two_before_answer|1||reads two pairs before answering
reduce_exits_early|1||reduce exits with input unread
ignores_input|1||never reads after the parameter block
map_exits_early|1||map exits after pair 0
count_lies|1||list count 2, one pair
truncated_pair|1||key claims 10 bytes, 4 follow
huge_claim|1||a 4 GiB key length
text_on_stdout|1||text on stdout
bad_log_prefix|1||stderr without **<MSG>
doc_echo|1||Disco's doc echo: unprefixed progress line
log_no_newline|1||last stderr line without \n
err_exit0|1||**<ERR>, exit 0
exit3|1||exit 3
segfault|1||SIGSEGV after pair 0
child_holds_stdout|1||a child keeps the pipes
two_lists|1||two lists per pair
list_before_input|1||a list before any pair
writes_file|1||writes its work directory
ignores_params|1||never reads the parameter block
hangs_writes_file|1||writes a file and never exits
utf8_char_lengths|1||lengths in characters under a UTF-8 locale
wrong_content|1|--expect identity|flips each value's first byte
drops_third|1|--expect identity|loses pair 2, flips byte 100
daemon|1||leaves a daemon running
setsid_child|1||a setsid child keeps the pipes
setpgid_child|1||a setpgid child keeps the pipes
writes_home|1||writes $HOME
ignores_term|1||ignores SIGTERM, never answers
slow_pairs|0||slow but conforming: 20 ms per pair for its first 20 pairs
@wordcount|0|--values decimal|the bundled word count, decimal values
wordcount_python.py|0|--input-sample @sample|a Python word count, a sample of its input
LIST
rm -f "$sample"
echo "all subjects: ${total} s in all, the slowest ${worst} s"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$miss"
