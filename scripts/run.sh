#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and runs SRLab on the demo:
# a dataset built from the development audio, inspected, and the baselines scored.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh"
audio=$(bash "$here/scripts/dev-audio.sh")
bash "$here/scripts/build.sh" -DSRLAB_BUILD_TESTS=OFF
srlab=${SRLAB_BUILD_DIR:-$here/build}/app/srlab
ws=${SRLAB_WORKSPACE:-$HOME/SRLab-demo}
mkdir -p "$ws"
"$srlab" dataset build --input "$audio/speech" --out "$ws/speech-16k-x4.h5" --rate 16000 --scale 4
"$srlab" dataset inspect "$ws/speech-16k-x4.h5" --max-patches 500
"$srlab" eval --input "$audio/speech/festvox-ru__ru__ru_0001.wav" "$audio/music/colobot-common-sounds__Constructive.wav" \
  --rate 16000 --scale 4 --baseline spline --baseline linear --baseline sinc --csv "$ws/baselines.csv"
echo "demo workspace: $ws"
