#!/usr/bin/env bash
# Lists from the corpus on disk (RECIPE/make-lists.sh), then the exact build command of
# datasets/README.md. Usage: build-recipe.sh vctk|gtzan|piano CORPUS_DIR OUT_DIR
# (for VCTK, MODE=single or MODE=multi picks the split).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
recipe=${1:?vctk|gtzan|piano}
corpus=$(realpath "${2:?CORPUS_DIR}"); out=$(realpath -m "${3:?OUT_DIR}")
case $recipe in
  vctk) rate=16000 scale=4 name=vctk-${MODE:-single}-16k-x4 ;;
  gtzan) rate=22050 scale=2 name=gtzan-22k-x2 ;;  # 22050 / 4 is not a whole rate
  piano) rate=16000 scale=4 name=piano-16k-x4 ;;
  *) echo "unknown recipe $recipe" >&2; exit 2 ;;
esac
mkdir -p "$out"; cd "$out"
bash "$here/$recipe/make-lists.sh" "$corpus"
${SRLAB:-srlab} dataset build --train-list train.txt --val-list val.txt --test-list test.txt \
  --out "$out/$name.h5" --rate $rate --scale $scale --dim 8192 --stride 4096
