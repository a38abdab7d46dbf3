#!/usr/bin/env bash
# Streamed datasets at scale: indexing 100 hours of 44.1 kHz audio (100 one-hour files: links
# to one file of the development songs, so hashing reads from the page cache), the index's
# size, the loader's cost per item, and training throughput from a streamed dataset against
# the same model on the HDF5 dataset of the same audio, with two loader threads.
# About 20 minutes on 2 cores; needs ~3 GB of free disk.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
audio=$(bash "$here/scripts/dev-audio.sh")
build=${SRLAB_BUILD_DIR:-$here/build}
srlab=$build/app/srlab
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

echo "== 100 hours indexed"
sox $(ls "$audio"/music/*.wav | head -20) -c 1 "$work/cat.wav"
sox "$work/cat.wav" "$work/cat.wav" "$work/cat.wav" "$work/hour.wav" trim 0 3600
mkdir "$work/corpus"
for i in $(seq -w 1 100); do ln -s "$work/hour.wav" "$work/corpus/hour$i.wav"; done
/usr/bin/time -f "  peak %M kB" "$srlab" dataset build --input "$work/corpus" --out "$work/100h.json" --rate 44100 \
  --scale 4 --degrade zoo --quiet
ls -l "$work/100h.json" | awk '{printf "  index: %.2f MB\n", $5 / 1e6}'
"$srlab" bench loader "$work/100h.json" --loaders 2 --batches 20 | sed 's/^/  /'

echo "== training: HDF5 against streamed, the degradation zoo, 2 loader threads"
# 12 development songs at 16 kHz x4, patches of 8192 (the models' defaults).
mkdir "$work/songs"
for f in $(ls "$audio"/music/*.wav | head -12); do ln -s "$f" "$work/songs/"; done
"$srlab" dataset build --input "$work/songs" --out "$work/songs.h5" --rate 16000 --scale 4 --degrade zoo --quiet | head -1
"$srlab" dataset build --input "$work/songs" --out "$work/songs.json" --rate 16000 --scale 4 --degrade zoo --quiet | head -1
"$srlab" bench loader "$work/songs.h5" --loaders 2 | sed 's/^/  /'
"$srlab" bench loader "$work/songs.json" --loaders 2 | sed 's/^/  /'
"$srlab" bench loader "$work/songs.json" --loaders 1 | sed 's/^/  /'
steps=${SRLAB_BENCH_STEPS:-60}
# Alternating pairs (HDF5, then streamed), three of each: single runs on a shared machine vary
# by about 10 %, so the ratio within a pair is the figure.
for model in spectral/small audiounet/small; do
  for pair in 1 2 3; do
    for ds in songs.h5 songs.json; do
      run="$work/run-${model//\//-}-$ds-$pair"
      "$srlab" train --dataset "$work/$ds" --run "$run" --model "${model%/*}" --preset "${model#*/}" --epochs 1 --steps-per-epoch "$steps" \
        --val-items 16 --snapshot-clips 0 --loaders 2 --quiet > /dev/null
      # Median samples/s over the steps after the first ten (warm-up).
      awk -F, 'NR > 11 && $8 != "" { print $8 }' "$run/metrics.csv" | sort -g |
        awk -v label="$model on $ds (pair $pair)" '{ v[NR] = $1 } END {
          printf "  %-40s %8.1f samples/s (median of %d steps)\n", label, v[int((NR + 1) / 2)], NR }'
      rm -rf "$run"
    done
  done
done
