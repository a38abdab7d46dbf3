#!/usr/bin/env bash
# Regenerates the committed seed corpus (tests/fuzz/corpus/<target>/) from real SRLab output:
# small audio files in each format family, every JSON document, a labelled and a low-res
# dataset, and a real run folder. Usage: tests/fuzz/make-corpus.sh [path/to/srlab]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srlab=${1:-$here/../../build/app/srlab}
c=$here/corpus
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
rm -rf "$c"; mkdir -p "$c"/{FuzzAudioFile,FuzzJson,FuzzDataset,FuzzRunFolder}
a=$c/FuzzAudioFile
sox -n -r 16000 -b 16 "$a/pcm16.wav" synth 0.05 sine 440
sox -n -r 8000 -b 24 "$a/pcm24.flac" synth 0.05 sine 440
sox -n -r 44100 -e floating-point -b 32 "$a/float.wav" synth 0.05 sine 440
sox -n -r 11025 -b 8 -e unsigned-integer "$a/u8.wav" synth 0.05 sine 440
sox -n -r 16000 -c 2 -b 16 "$a/stereo.aiff" synth 0.05 sine 440 sine 880
sox -n -r 16000 "$a/vorbis.ogg" synth 0.2 sine 440

mkdir -p "$work/in" "$work/low"
for i in 0 1 2 3; do
  sox -n -r 16000 -b 16 "$work/in/c$i.wav" synth 0.25 sine $((200 + 300 * i))-$((3000 + 500 * i))
  sox -n -r 4000 -b 16 "$work/low/c$i.wav" synth 0.25 sine $((100 + 100 * i))
done
"$srlab" dataset build --quiet --input "$work/in" --out "$c/FuzzDataset/labelled.h5" --rate 16000 --scale 4 \
  --dim 64 --stride 512 --split 0.5,0.25,0.25
"$srlab" dataset build --quiet --low-res-input --input "$work/low" --out "$c/FuzzDataset/lowres.h5" --rate 16000 \
  --scale 4 --dim 64 --stride 512 --split 0.5,0.25,0.25
"$srlab" train --quiet --threads 1 --dataset "$c/FuzzDataset/labelled.h5" --model audiounet --preset tiny \
  --epochs 1 --batch 2 --run "$work/run" > /dev/null
r=$work/run
{ cat "$r/config.json"; printf '\0'; cat "$r/metrics.csv"; printf '\0'; cat "$r/status.json"; printf '\0';
  cat "$r/checkpoints/best/model.json"; } > "$c/FuzzRunFolder/run"

j=$c/FuzzJson
cp "$r/checkpoints/best/model.json" "$j/checkpoint.json"
cp "$r/config.json" "$j/train-config.json"
/usr/bin/python3 - "$c/FuzzDataset/labelled.h5" "$j" <<'PY'
import h5py, sys
f = h5py.File(sys.argv[1], 'r')
open(sys.argv[2] + '/spec.json', 'wb').write(f.attrs['spec'])
open(sys.argv[2] + '/manifest.json', 'wb').write(f['manifest'][()])
PY
du -sh "$c"/*
