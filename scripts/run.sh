#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, prepares the demo (a speech
# dataset built from the development audio) and starts the workbench on a real song.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh"
audio=$(bash "$here/scripts/dev-audio.sh")
bash "$here/scripts/build.sh" -DSRLAB_BUILD_TESTS=OFF
bin=${SRLAB_BUILD_DIR:-$here/build}/app
ws=${SRLAB_WORKSPACE:-$HOME/SRLab-demo}
mkdir -p "$ws"
[ -f "$ws/speech-16k-x4.h5" ] ||
  "$bin/srlab" dataset build --input "$audio/speech" --out "$ws/speech-16k-x4.h5" --rate 16000 --scale 4
exec "$bin/srlab-workbench" --dataset "$ws/speech-16k-x4.h5" "$audio/music/colobot-common-sounds__Constructive.wav" "$@"
