#!/usr/bin/env bash
# Configures and builds dxt. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# DXT_COMPILER=clang selects clang 14 instead of the default g++.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
compiler_args=()
if [ "${DXT_COMPILER:-gcc}" = "clang" ]; then
  compiler_args=(-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14)
fi
# ccache, when installed, makes rebuilds in several checkouts cheap; CI works without it.
if command -v ccache >/dev/null 2>&1; then
  compiler_args+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${compiler_args[@]}" "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
