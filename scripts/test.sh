#!/usr/bin/env bash
# Builds dxt and runs the whole test suite (GoogleTest suites, fuzz corpus replays, CLI tests).
# Usage: scripts/test.sh            - g++ build in ./build
#        DXT_COMPILER=clang scripts/test.sh   - clang 14 build in ./build-clang
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${DXT_COMPILER:-gcc}" = "clang" ]; then build_dir=build-clang; else build_dir=build; fi
bash scripts/build.sh "$build_dir"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
