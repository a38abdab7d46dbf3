#!/usr/bin/env bash
# The libtorch builds side by side (docs/testing.md, "Two builds"): Debian's 1.13 on the reference BLAS and
# on OpenBLAS (the same binary, the BLAS picked with LD_LIBRARY_PATH, no system change), and
# PyPI's 2.x on the CPU; then data-parallel training on the CPU, 1 rank x 2 threads against
# 2 ranks x 1 thread, with the all-reduce share of the step. Needs build/ and build-torch2/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cpu=${SRLAB_BUILD_DIR:-$here/build}/app/srlab
torch2=${SRLAB_TORCH2_BUILD_DIR:-$here/build-torch2}/app/srlab
lib=/usr/lib/x86_64-linux-gnu
models=(--model audiounet/small --model tfilm/small --model spectral/small --model inception/small)
published=(--threads 1 --no-training --model tfilm/published --model audiounet/published)
for build in "reference BLAS:$cpu:$lib/blas" "OpenBLAS:$cpu:$lib/openblas-openmp" "torch2 (CPU):$torch2:"; do
  IFS=: read -r name bin blas <<< "$build"
  [ -x "$bin" ] || { echo "== $name: $bin not built, skipped"; continue; }
  [ -z "$blas" ] || [ -e "$blas/libblas.so.3" ] || { echo "== $name: $blas missing, skipped"; continue; }
  echo "== $name"
  LD_LIBRARY_PATH=$blas "$bin" bench models --rate 16000 "${models[@]}"
  LD_LIBRARY_PATH=$blas "$bin" bench models --rate 16000 "${published[@]}"
done

# Data-parallel on the CPU: the same global batch (16), 1 rank with both cores vs 2 ranks.
audio=$(bash "$here/scripts/dev-audio.sh")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$cpu" dataset build --quiet --input "$audio/speech" --out "$work/speech.h5" --rate 16000 --scale 4
for spec in "1:16:2" "2:8:1"; do
  IFS=: read -r ranks batch threads <<< "$spec"
  for arch in audiounet/small spectral/small; do
    run=$work/ddp-$ranks-${arch%/*}
    "$cpu" train --quiet --dataset "$work/speech.h5" --model "${arch%/*}" --preset "${arch#*/}" --batch "$batch" \
      --threads "$threads" --epochs 1 --steps-per-epoch 30 --val-items 16 --nproc "$ranks" --run "$run" > /dev/null
    # samples/s: the median over the steps after the first five (warm-up)
    sps=$(awk -F, 'NR > 6 && $8 != "" { print $8 }' "$run/metrics.csv" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    share=$(grep -o 'all-reduces took [0-9.]*%' "$run/train.log" || echo "no all-reduce")
    echo "data-parallel $arch: $ranks rank(s) x batch $batch x $threads thread(s): $sps samples/s; $share"
  done
done
