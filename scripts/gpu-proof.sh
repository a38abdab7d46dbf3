#!/usr/bin/env bash
# The CUDA proof, in one call on a GPU machine that has PyTorch, CMake and ninja but not SRLab's
# other libraries, with .gpu-deps/ (scripts/gpu-deps.sh) copied beside the sources. Within 8 minutes:
#  1. unpacks the carried Debian packages into $DEPS (never /) and builds core + CLI against the
#     machine's own PyTorch (SRLAB_BUILD_GUI=OFF, all cores);
#  2. trains tfilm/published and apbwe/published for a fixed number of steps on CUDA on a small
#     dataset of made signals, in float32, and the same two models in PyTorch eager mode
#     (tests/python/eager_bench.py, same batch, length, losses, optimisers and precision; random
#     batches kept on the GPU, where SRLab reads real ones through its loader): steps/s of both,
#     GPU busy share and memory (nvidia-smi sampled every 200 ms);
#  3. trains a shipped-model candidate (spectral/small, under 16 MiB) on the carried speech for a
#     fixed time and evaluates it on its test split;
# and leaves everything under $OUT: logs, figures (summary.txt) and the candidate's checkpoint.
# SRLAB_GPU_REHEARSAL=1 runs the same steps on the CPU with a few steps each (no GPU needed):
# how it is rehearsed before a GPU machine is lent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$here/build-gpu/out}
DEPS=${DEPS:-/opt/deps}
PY=${SRLAB_GPU_PYTHON:-python3}
rehearse=${SRLAB_GPU_REHEARSAL:-0}
if [ "$rehearse" = 1 ]; then device=cpu steps=4 candidate_s=30 batch=2; else device=cuda steps=200 candidate_s=150 batch=16; fi
mkdir -p "$OUT" "$DEPS"
log=$OUT/summary.txt
: > "$log"
say() { echo "$*" | tee -a "$log"; }
t_start=$(date +%s)

# 1. Dependencies and the build.
for deb in "$here"/.gpu-deps/*.deb; do dpkg -x "$deb" "$DEPS"; done
lib=$DEPS/usr/lib/x86_64-linux-gnu
# Debian points hdf5.pc at the serial flavour through /etc/alternatives, which dpkg -x does not make.
[ -e "$lib/pkgconfig/hdf5.pc" ] || ln -sf hdf5-serial.pc "$lib/pkgconfig/hdf5.pc"
[ -e "$lib/pkgconfig/hdf5-serial.pc" ] || ln -sf "$lib/hdf5/serial/pkgconfig/hdf5.pc" "$lib/pkgconfig/hdf5-serial.pc" 2> /dev/null || true
export PKG_CONFIG_PATH=$lib/pkgconfig:$DEPS/usr/share/pkgconfig:${PKG_CONFIG_PATH:-}
export CMAKE_PREFIX_PATH=$DEPS/usr:${CMAKE_PREFIX_PATH:-}
export LD_LIBRARY_PATH=$lib:$lib/hdf5/serial:${LD_LIBRARY_PATH:-}
export PATH=$DEPS/usr/bin:$PATH
# The packages' .pc files and CMake configs name /usr; the headers and libraries are under $DEPS.
sed -i "s#^prefix=/usr#prefix=$DEPS/usr#; s#^libdir=/usr#libdir=$DEPS/usr#; s#^includedir=/usr#includedir=$DEPS/usr#" \
  "$lib"/pkgconfig/*.pc "$lib"/hdf5/serial/pkgconfig/*.pc "$DEPS"/usr/share/pkgconfig/*.pc 2> /dev/null || true
say "device: $(nvidia-smi -L 2> /dev/null | head -1 || echo 'no GPU (rehearsal)')"
say "torch: $($PY -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)')"
build=$here/build-gpu
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSRLAB_BUILD_GUI=OFF -DSRLAB_BUILD_TESTS=OFF \
  -DSRLAB_TORCH=torch2 -DSRLAB_TORCH2_PYTHON="$(command -v "$PY")" \
  -DCMAKE_INCLUDE_PATH="$DEPS/usr/include;$DEPS/usr/include/hdf5/serial" -DCMAKE_LIBRARY_PATH="$lib" > "$OUT/cmake.log" 2>&1 ||
  { tail -30 "$OUT/cmake.log"; exit 1; }
ninja -C "$build" srlab > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
srlab=$build/app/srlab
say "built core + CLI in $(( $(date +%s) - t_start )) s"

# 2. The published models, SRLab against PyTorch eager.
data=$OUT/data
mkdir -p "$data/made"
"$PY" - "$data/made" <<'PYEOF'
import math, random, struct, sys, wave
random.seed(0)
for i in range(12):  # 12 files of 4 s at 16 kHz: chirps over noise
    n, f0, f1 = 64000, 100 + 50 * i, 3000 + 400 * i
    with wave.open(f"{sys.argv[1]}/made{i:02d}.wav", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
        frames = bytearray()
        for t in range(n):
            ph = 2 * math.pi * (f0 * t / 16000 + (f1 - f0) * (t / 16000) ** 2 / 8)
            v = 0.3 * math.sin(ph) + 0.02 * random.gauss(0, 1)
            frames += struct.pack("<h", max(-32767, min(32767, int(v * 32767))))
        w.writeframes(bytes(frames))
PYEOF
"$srlab" dataset build --quiet --input "$data/made" --out "$data/made.h5" --rate 16000 --scale 4 --dim 8192 > "$OUT/dataset.log" 2>&1
sample_gpu() { nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -lms 200 > "$1" 2> /dev/null & echo $!; }
gpu_figures() {  # FILE: mean busy % and peak memory over the samples
  [ -s "$1" ] || { echo "no GPU samples"; return; }
  awk -F', *' '{b += $1; if ($2 > m) m = $2; n++} END {printf "GPU busy %.0f %%, peak memory %d MiB", b / n, m}' "$1"
}
for model in tfilm/published apbwe/published; do
  run=$OUT/run-${model%/*}
  rm -rf "$run"
  pid=$(sample_gpu "$OUT/smi-${model%/*}.csv")
  "$srlab" train --quiet --dataset "$data/made.h5" --run "$run" --model "${model%/*}" --preset published \
    --device "$device" --precision fp32 --batch "$batch" --epochs 1 --steps-per-epoch $((steps + 20)) --val-items 8 \
    > "$OUT/train-${model%/*}.log" 2>&1 || { kill "$pid" 2> /dev/null; tail -20 "$OUT/train-${model%/*}.log"; exit 1; }
  kill "$pid" 2> /dev/null || true
  # Steps/s after 20 warm-up steps, from the run's own wall clock (metrics.csv: step, epoch, wall_s).
  rate=$(awk -F, 'NR > 1 && $4 != "" {s[$1] = $3} END {print (length(s) > 21) ? (length(s) - 21) / (s[length(s)] - s[21]) : 0}' "$run/metrics.csv")
  say "SRLab $model on $device: $rate steps/s (batch $batch, 8192 samples), $(gpu_figures "$OUT/smi-${model%/*}.csv")"
done
for model in tfilm apbwe; do
  pid=$(sample_gpu "$OUT/smi-eager-$model.csv")
  eager=$("$PY" "$here/tests/python/eager_bench.py" --model "$model" --device "$device" --batch "$batch" --dim 8192 \
    --steps "$steps" --warmup 20 2> "$OUT/eager-$model.log") || eager="failed: $(tail -1 "$OUT/eager-$model.log")"
  kill "$pid" 2> /dev/null || true
  say "PyTorch eager $model/published on $device: $eager, $(gpu_figures "$OUT/smi-eager-$model.csv")"
done

# 3. A shipped-model candidate on the carried speech.
"$srlab" dataset build --quiet --input "$here/.gpu-deps/audio" --out "$data/speech.h5" --rate 16000 --scale 4 --degrade zoo \
  > "$OUT/speech-dataset.log" 2>&1
cand=$OUT/candidate-run
rm -rf "$cand"
"$srlab" train --quiet --dataset "$data/speech.h5" --run "$cand" --model spectral --preset small --loss mse+mrstft \
  --stft-weight 0.05 --batch 16 --epochs 100000 --steps-per-epoch 200 --val-items 64 --time-limit "$candidate_s" \
  --device "$device" --lr-schedule cosine > "$OUT/candidate-train.log" 2>&1
mkdir -p "$OUT/candidate"
ck=$cand/checkpoints/best
[ -f "$ck/model.pt" ] || ck=$cand/checkpoints/last  # stopped before its first validation
cp "$ck/model.pt" "$ck/model.json" "$cand/metrics.csv" "$cand/config.json" "$OUT/candidate/"
"$srlab" eval --input "$data/speech.h5" --split test --checkpoint "$OUT/candidate" --baseline spline --baseline sinc \
  > "$OUT/candidate/test-metrics.txt" 2>&1 || true
say "candidate spectral/small: $(du -h "$OUT/candidate/model.pt" | cut -f1), $(tail -1 "$cand/metrics.csv" | cut -d, -f1) steps in ${candidate_s} s"
grep -E "^mean" "$OUT/candidate/test-metrics.txt" | tee -a "$log" || true
rm -rf "$data" "$cand"
say "total $(( $(date +%s) - t_start )) s"
