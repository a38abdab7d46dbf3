#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, makes the demo workspace (real
# music and speech from Debian packages, datasets built by srlab) and opens the workbench on
# Compare & Listen with a held-back song: ground truth, low-res, baselines and the shipped
# model's super-res version.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh"
source "$here/scripts/torch-flavour.sh"   # cpu or torch2, and the build folder for it
bash "$here/scripts/build.sh" -DSRLAB_BUILD_TESTS=OFF
bin=$SRLAB_BUILD_DIR/app
ws=${SRLAB_WORKSPACE:-$HOME/SRLab-demo}
song=$(bash "$here/datasets/demo/make-workspace.sh" "$ws" "$bin/srlab")
exec "$bin/srlab-workbench" --workspace "$ws" --dataset "$ws/music-44k-x4.h5" \
  --model "$here/resources/models/music-44k-x4" --page compare "$song" "$@"
