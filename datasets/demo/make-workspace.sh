#!/usr/bin/env bash
# The demo workspace the workbench opens on first start: the demo corpus (fetch.sh), a music
# and a speech dataset built with the project's own builder, and the attributions.
# Usage: make-workspace.sh WORKSPACE [SRLAB_BINARY]. Prints the music file to open first (a
# test-split file: never seen by the shipped model in training).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ws=$(realpath -m "${1:?WORKSPACE}")
srlab=${2:-srlab}
mkdir -p "$ws/runs"
[ -s "$ws/audio/manifest.tsv" ] || bash "$here/fetch.sh" "$ws/audio" 40 >&2
cp "$ws/audio/manifest.tsv" "$ws/attributions.tsv"
# Music: every track, sparse patches (stride 4 patches) to keep the file small; speech: 40
# utterances. Same rate, scale, filter and seed as the shipped models' datasets. A dataset this
# SRLab cannot read (missing, or an older format) is rebuilt.
readable() { "$srlab" dataset files "$1" --split test > /dev/null 2>&1; }
readable "$ws/music-44k-x4.h5" || "$srlab" dataset build --quiet --input "$ws/audio/music" --out "$ws/music-44k-x4.h5" \
  --rate 44100 --scale 4 --stride 32768 >&2
readable "$ws/speech-16k-x4.h5" || "$srlab" dataset build --quiet --input "$ws/audio/speech" --out "$ws/speech-16k-x4.h5" \
  --rate 16000 --scale 4 >&2
"$srlab" dataset files "$ws/music-44k-x4.h5" --split test | head -1
