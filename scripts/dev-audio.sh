#!/usr/bin/env bash
# Prints the folder of the development audio (../shared/data), fetching it once (~2 min).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${SRLAB_DEV_AUDIO:-${XDG_CACHE_HOME:-$HOME/.cache}/srlab/dev-audio}
fetch=$here/../shared/data/fetch-dev-audio.sh
if [ ! -s "$dir/manifest.tsv" ] || [ ! -d "$dir/speech" ]; then
  [ -x "$fetch" ] || [ -f "$fetch" ] || { echo "srlab: $fetch not found; set SRLAB_DEV_AUDIO" >&2; exit 1; }
  echo "srlab: fetching development audio into $dir (once)" >&2
  mkdir -p "$dir"
  bash "$fetch" "$dir" >&2
fi
echo "$dir"
