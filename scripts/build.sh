#!/usr/bin/env bash
# Configures and builds SRLab into ${SRLAB_BUILD_DIR:-build} (Ninja, ccache when present).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bdir=${SRLAB_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=${SRLAB_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
cmake --build "$bdir" -j "$(nproc)"
