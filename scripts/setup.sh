#!/usr/bin/env bash
# dxt set-up on a fresh Debian 12 machine: installs the packages, builds, then runs the main job on
# bundled defaults:
#   1. `dxt check` judges the bundled reference echo program against the protocol (map and reduce),
#   2. `dxt run` runs the bundled word-count job and prints its top results.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh build

dxt=build/tools/dxt
echo
echo "== dxt check build/reference/programs/echo"
"$dxt" check --report-json build/echo-report.json --junit build/echo-junit.xml \
  build/reference/programs/echo
echo "   reports: build/echo-report.json, build/echo-junit.xml"

echo
echo "== dxt run examples/wordcount/job.json"
"$dxt" run --force --output build/wordcount-out examples/wordcount/job.json
echo
echo "== top 10 words (dxt cat --top 10)"
"$dxt" cat --format tsv --top 10 build/wordcount-out
