#!/usr/bin/env bash
# Installs the Debian packages dxt builds and tests with. Idempotent; safe to re-run.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-14 libclang-rt-14-dev
  libgtest-dev libgmock-dev libabsl-dev
  libboost1.81-dev libboost-filesystem1.81-dev
  nlohmann-json3-dev libssl-dev libcli11-dev libbenchmark-dev
  python3 zip bubblewrap zlib1g-dev
  perl nodejs  # test subjects written in them (tests/programs)
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "dxt: Debian packages installed: ${packages[*]}"
