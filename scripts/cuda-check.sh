#!/usr/bin/env bash
# Second build configuration: core + the srlab CLI against a CUDA libtorch 2.x (PyPI's torch
# wheel), proving the sources compile and link on the CUDA path. Nothing runs on a GPU here.
# Skipped (exit 0) where nvcc is absent. The wheel is cached in ~/.cache/srlab/torch-venv.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "cuda-check: no nvcc on this machine; skipped"
  exit 0
fi
export PATH="$(dirname "$nvcc"):$PATH"
venv=${SRLAB_TORCH_VENV:-$HOME/.cache/srlab/torch-venv}
py=${SRLAB_VENV_PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
"$venv/bin/python" -c 'import torch' 2>/dev/null || "$venv/bin/pip" install --quiet torch
prefix=$("$venv/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)
echo "cuda-check: $("$venv/bin/python" -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda)' 2>/dev/null), $("$nvcc" --version | tail -1)"
torchdir=$(dirname "$(dirname "$prefix")")
# The wheel's CUDA libraries live in site-packages/nvidia/*/lib; the linker needs them.
libs=$(ls -d "$torchdir"/../nvidia/*/lib 2>/dev/null | tr '\n' ':')
build=${SRLAB_CUDA_BUILD_DIR:-$here/build-cuda}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSRLAB_BUILD_GUI=OFF -DSRLAB_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$prefix;$torchdir" -DCMAKE_CUDA_COMPILER="$nvcc" -DCMAKE_EXE_LINKER_FLAGS="-Wl,-rpath-link,${libs%:}"
cmake --build "$build" --target srlab
LD_LIBRARY_PATH="${libs%:}" "$build/app/srlab" --version
LD_LIBRARY_PATH="${libs%:}" "$build/app/srlab" train --list-presets > /dev/null
# It must be the wheel's libtorch (with CUDA) that srlab loads, not Debian's CPU 1.13.
ldd_out=$(LD_LIBRARY_PATH="${libs%:}" ldd "$build/app/srlab")
echo "$ldd_out" | grep -E "libtorch_cuda|libc10_cuda" || { echo "cuda-check: srlab is not linked to libtorch_cuda"; exit 1; }
if echo "$ldd_out" | grep -q "/usr/lib/x86_64-linux-gnu/libtorch"; then echo "cuda-check: linked to Debian's libtorch"; exit 1; fi
echo "cuda-check: srlab built and linked against the wheel's CUDA libtorch"
