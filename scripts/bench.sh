#!/usr/bin/env bash
# Benchmarks, all in one run. Dataset-build benchmark on the 39-minute development music (colobot, 44.1 kHz, r=4, dim 8192,
# stride 4096, cheby + spline), SRLab and the published-style scipy pipeline in one run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
audio=$(bash "$here/scripts/dev-audio.sh")
srlab=${SRLAB_BUILD_DIR:-$here/build}/app/srlab
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/in"; ln -s "$audio"/music/colobot-common-sounds__*.wav "$work/in/"
"$srlab" bench build --input "$work/in" --rate 44100 --scale 4
"$srlab" bench build --input "$work/in" --rate 44100 --scale 4 --degrade zoo
/usr/bin/python3 "$here/tests/python/scipy_pipeline.py" "$work/in" "$work/scipy.h5"

# The signal chain's kernels (Google Benchmark; built when libbenchmark-dev is installed).
bench_dsp=${SRLAB_BUILD_DIR:-$here/build}/app/srlab-bench-dsp
[ -x "$bench_dsp" ] && "$bench_dsp"

# Models: training steps/s (batch 16 x 8192 samples) and inference real-time factor for every
# small preset, at 16 kHz and 44.1 kHz; the published TFiLM forward on 8192 samples on one
# thread (a Python PyTorch port takes about 0.95 s for it on the 2-core development machine;
# docs/benchmarks.md).
"$srlab" bench models --rate 16000
"$srlab" bench models --rate 44100 --no-training --model spectral/small --model audiounet/small --model tfilm/small
"$srlab" bench models --rate 16000 --threads 1 --no-training --model tfilm/published --model audiounet/published

# The libtorch builds (reference BLAS, OpenBLAS, PyPI's 2.x) and data-parallel training on the CPU.
bash "$here/scripts/bench-libtorch.sh"

# Compare & Listen: a 10-minute 44.1 kHz file (five development songs end to end) opened with
# every version drawn, then zoom/scroll re-render and zoomed-detail latency at 1600 px.
sox "$audio"/music/colobot-common-sounds__{Humanitarian,Hv2,Infinite,Proton,Quite}.wav "$work/ten-min.wav"
"${SRLAB_BUILD_DIR:-$here/build}/app/srlab-bench-gui" "$work/ten-min.wav" --width 1600 2>/dev/null
"${SRLAB_BUILD_DIR:-$here/build}/app/srlab-bench-gui" "$work/ten-min.wav" --width 1600 \
  --model "$here/resources/models/music-44k-x4" --frames 50 2>/dev/null

# The Training page at research scale: a 500k-step run opened and followed live, a workspace of
# 200 runs x 50k rows, and the curves' refresh at 1k against 1M steps.
for mode in open follow workspace refresh; do
  "${SRLAB_BUILD_DIR:-$here/build}/app/srlab-bench-runs" "$mode" 2>/dev/null | grep -v '^$'
done
