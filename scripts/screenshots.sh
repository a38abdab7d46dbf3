#!/usr/bin/env bash
# Makes the screenshots in docs/ (and docs/1366x768/) from a demo workspace, under Xvfb: the
# workbench's own --screenshot option waits for its page to load, grabs the window and quits.
# Usage: screenshots.sh WORKSPACE RUN [RUN...]
#   WORKSPACE  made by datasets/demo/make-workspace.sh (music-44k-x4.h5, speech-16k-x4.h5)
#   RUN        run folders to overlay on the Training page (the first is heard on its Listen tab)
# Needs xvfb-run (package xvfb) and a build in $SRLAB_BUILD_DIR (default build/).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ws=$(realpath "${1:?WORKSPACE}")
shift
[ $# -ge 1 ] || { echo "screenshots.sh: name at least one run folder" >&2; exit 2; }
runs=()
for r in "$@"; do runs+=(--run "$(realpath "$r")"); done
bin=${SRLAB_BUILD_DIR:-$here/build}/app/srlab-workbench
song=$("${SRLAB_BUILD_DIR:-$here/build}/app/srlab" dataset files "$ws/music-44k-x4.h5" --split test | head -1)
model=$here/resources/models/music-44k-x4
shoot() {  # SIZE OUT ARGS...
  local size=$1 out=$2
  shift 2
  xvfb-run -a -s "-screen 0 ${size}x24" "$bin" --workspace "$ws" "$@" --screenshot "$out"
  echo "wrote $out"
}
for size in 1920x1080 1366x768; do
  if [ "$size" = 1366x768 ]; then d=$here/docs/1366x768; c=$d/compare.png; t=$d/training.png; else d=$here/docs; c=$d/compare-listen.png; t=$d/training.png; fi
  shoot "$size" "$c" --dataset "$ws/music-44k-x4.h5" --model "$model" --page compare "$song"
  shoot "$size" "$d/datasets-charts.png" --dataset "$ws/music-44k-x4.h5" --page datasets --dataset-tab charts
  shoot "$size" "$d/datasets-patches.png" --dataset "$ws/music-44k-x4.h5" --page datasets --dataset-tab patches
  shoot "$size" "$t" "${runs[@]}" --page training
done
shoot 1920x1080 "$here/docs/training-listen.png" "${runs[@]:0:2}" --page training --training-tab listen
