#!/usr/bin/env bash
# Prints the folder of the development audio, fetching it once (~2 min): through
# ../shared/data where that exists, else with the project's own recipe (datasets/demo), which
# writes the same music files and the first 300 festvox-ru utterances.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${SRLAB_DEV_AUDIO:-${XDG_CACHE_HOME:-$HOME/.cache}/srlab/dev-audio}
fetch=$here/../shared/data/fetch-dev-audio.sh
if [ ! -s "$dir/manifest.tsv" ] || [ ! -d "$dir/speech" ]; then
  echo "srlab: fetching development audio into $dir (once)" >&2
  mkdir -p "$dir"
  if [ -f "$fetch" ]; then bash "$fetch" "$dir" >&2; else bash "$here/datasets/demo/fetch.sh" "$dir" 300 >&2; fi
fi
echo "$dir"
