#!/usr/bin/env bash
# Lists from CORPUS_DIR, then the exact build command of datasets/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=$(realpath "${1:?CORPUS_DIR}"); out=$(realpath -m "${2:?OUT_DIR}")
mkdir -p "$out"; cd "$out"
bash "$here/make-lists.sh" "$corpus"
${SRLAB:-srlab} dataset build --train-list train.txt --val-list val.txt --test-list test.txt \
  --out "$out/vctk-x4.h5" --rate 16000 --scale 4 --dim 8192 --stride 4096
