#!/usr/bin/env bash
# Peak memory of dxt for one large item (issue 9 §2: "about two items at most").
#   dxt run: one pair whose value is SIZE MiB (kv input), the bundled echo as the map, one
#     partition; dxt's own peak (VmHWM of its /proc status, polled until it exits), the echo
#     program's, and /usr/bin/time's maximum resident size (the largest process of the tree).
#   dxt check: a map (tests/programs/repeat_map) answering a 1 MiB key with 300 copies, a 300 MiB
#     list, compared with an expected output file of the same 300 MiB as it streams.
# The figure is the ratio of dxt's peak to the item size. Usage:
#   bench/run_item_memory.sh [BUILD_DIR] [SIZES_MIB...]     (default: build 300 1024)
# Needs about 2 x the largest size of free disk in $TMPDIR and 4 x it of memory.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(300 1024)
dxt="$build/tools/dxt"
work="$(mktemp -d "${TMPDIR:-/tmp}/dxt-item-memory-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Polls the VmHWM (KiB) of PID and of its descendant whose command line names PATTERN until PID
# exits; prints "dxt_kib program_kib".
watch_peaks() {
  local pid=$1 pattern=$2 dxt_kib=0 prog_kib=0 v p
  while kill -0 "$pid" 2>/dev/null; do
    v=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$v" ] && [ "$v" -gt "$dxt_kib" ] && dxt_kib=$v
    for p in $(pgrep -f "$pattern" || true); do
      [ "$p" = "$pid" ] && continue
      v=$(awk '/^VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
      [ -n "$v" ] && [ "$v" -gt "$prog_kib" ] && prog_kib=$v
    done
    sleep 0.05
  done
  echo "$dxt_kib $prog_kib"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '%-34s %10s %10s %8s %12s %12s %8s\n' case item_MiB dxt_MiB ratio program_MiB tree_MiB wall_s
for mib in "${sizes[@]}"; do
  python3 - "$work/in.kv" "$mib" <<'PY'
import struct, sys
path, mib = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(struct.pack("<I", 1) + b"k" + struct.pack("<I", mib << 20))
    chunk = b"v" * (1 << 20)
    for _ in range(mib):
        f.write(chunk)
PY
  cat >"$work/job.json" <<EOF
{"input": ["in.kv"], "map_reader": "kv", "map": {"program": "@dxt/echo"}, "partitions": 1,
 "output": "out"}
EOF
  rm -rf "$work/out"
  start=$(date +%s.%N)
  (cd "$work" && /usr/bin/time -f '%M' -o "$work/time.txt" \
     "$dxt" run -q --force --reply-timeout-ms 300000 job.json) &
  tpid=$!
  sleep 0.2
  dpid=$(pgrep -n -f "$dxt run -q --force" || true)
  peaks=$(watch_peaks "${dpid:-$tpid}" "reference/programs/echo|/echo map")
  wait "$tpid"
  end=$(date +%s.%N)
  read -r dxt_kib prog_kib <<<"$peaks"
  tree_kib=$(tail -1 "$work/time.txt")
  cmp -s "$work/in.kv" "$work/out/part-00000" || { echo "output differs from input" >&2; exit 1; }
  python3 - "$mib" "$dxt_kib" "$prog_kib" "$tree_kib" "$start" "$end" <<'PY'
import sys
mib, d, p, t = (int(x) for x in sys.argv[1:5])
wall = float(sys.argv[6]) - float(sys.argv[5])
print(f"{'dxt run, one ' + str(mib) + ' MiB value':<34} {mib:>10} {d/1024:>10.0f} {d/1024/mib:>8.2f} "
      f"{p/1024:>12.0f} {t/1024:>12.0f} {wall:>8.1f}")
PY
  rm -f "$work/in.kv"
  rm -rf "$work/out"
done

# dxt check: the 300 MiB list of the issue, judged against an expected file.
python3 - "$work" <<'PY'
import json, struct, sys
work = sys.argv[1]
key = bytes(ord("a") + i % 26 for i in range(1 << 20))
frame = struct.pack("<I", len(key)) + key + struct.pack("<I", 1) + b"v"
with open(f"{work}/expected.kv", "wb") as f:
    for _ in range(300):
        f.write(frame)
json.dump({"cases": [{"id": "big", "mode": "map", "input": [{"key": key.decode(), "value": "v"}],
                      "expect": {"output_file": "expected.kv"}}]}, open(f"{work}/cases.json", "w"))
PY
start=$(date +%s.%N)
(cd "$work" && /usr/bin/time -f '%M' -o "$work/time.txt" "$dxt" check --timeout 300 \
   --script cases.json "$build/tests/programs/repeat_map" >"$work/check.txt") &
tpid=$!
sleep 0.2
dpid=$(pgrep -n -f "$dxt check --timeout 300" || true)
peaks=$(watch_peaks "${dpid:-$tpid}" "tests/programs/repeat_map")
wait "$tpid" || { cat "$work/check.txt"; exit 1; }
end=$(date +%s.%N)
read -r dxt_kib prog_kib <<<"$peaks"
tree_kib=$(tail -1 "$work/time.txt")
python3 - "$dxt_kib" "$prog_kib" "$tree_kib" "$start" "$end" <<'PY'
import sys
d, p, t = (int(x) for x in sys.argv[1:4])
wall = float(sys.argv[5]) - float(sys.argv[4])
print(f"{'dxt check, 300 MiB list of 1 MiB':<34} {1:>10} {d/1024:>10.0f} {d/1024:>8.2f} "
      f"{p/1024:>12.0f} {t/1024:>12.0f} {wall:>8.1f}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
