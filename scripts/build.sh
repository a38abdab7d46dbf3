#!/usr/bin/env bash
# Configures and builds SRLab (Ninja, ccache when present) against the libtorch that
# scripts/torch-flavour.sh picks, into SRLAB_BUILD_DIR (build/ for cpu, build-torch2/ for torch2).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# ccache: paths relative to the checkout, so a fresh clone (CI) reuses an earlier clone's objects.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
source "$here/scripts/torch-flavour.sh"
echo "srlab: libtorch '$SRLAB_TORCH' ($SRLAB_TORCH_WHY), building in $SRLAB_BUILD_DIR" >&2
cmake -S "$here" -B "$SRLAB_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${SRLAB_BUILD_TYPE:-RelWithDebInfo} \
  "${SRLAB_TORCH_CMAKE[@]}" "$@" >/dev/null
cmake --build "$SRLAB_BUILD_DIR" -j "$(nproc)"
