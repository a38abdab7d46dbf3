#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, only core: no torch, no Qt) into
# ${SRLAB_FUZZ_BUILD_DIR:-build-fuzz}. Used by scripts/fuzz.sh (CI) and scripts/fuzz-explore.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# ccache: paths relative to the checkout, so a fresh clone (CI) reuses an earlier clone's objects.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
build=${SRLAB_FUZZ_BUILD_DIR:-$here/build-fuzz}
SRLAB_EXTRA_PKGS=clang bash "$here/scripts/install-deps.sh"
mkdir -p "$build"
CXX=clang++ CC=clang cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRLAB_FUZZ=ON \
  -DSRLAB_SANITIZE=address,undefined > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)"
