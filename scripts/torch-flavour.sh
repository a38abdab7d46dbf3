#!/usr/bin/env bash
# Sourced by build.sh and test.sh: picks the libtorch the whole product builds against and
# prints nothing. Sets SRLAB_TORCH (cpu | torch2), SRLAB_TORCH_WHY, SRLAB_TORCH_CMAKE (extra
# cmake arguments) and SRLAB_BUILD_DIR (unless set: build/ for cpu, build-torch2/ for torch2).
#   cpu     Debian's libtorch 1.13 (CPU, OpenBLAS): what the .deb depends on.
#   torch2  the libtorch inside PyPI's torch wheel (2.x, CUDA-enabled, C++11 ABI), installed once
#           into a virtual environment under ~/.cache/srlab (SRLAB_TORCH_VENV overrides).
# SRLAB_TORCH=cpu|torch2 forces one; otherwise torch2 where nvidia-smi sees a GPU, else cpu.
srlab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRLAB_TORCH2_VERSION=${SRLAB_TORCH2_VERSION:-2.15.0}
if [ -n "${SRLAB_TORCH:-}" ]; then
  SRLAB_TORCH_WHY="SRLAB_TORCH=$SRLAB_TORCH"
elif command -v nvidia-smi > /dev/null && nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
  SRLAB_TORCH=torch2
  SRLAB_TORCH_WHY="nvidia-smi sees $(nvidia-smi -L | head -1 | cut -d'(' -f1)"
else
  SRLAB_TORCH=cpu
  SRLAB_TORCH_WHY="no NVIDIA GPU seen by nvidia-smi"
fi
case "$SRLAB_TORCH" in
  cpu)
    SRLAB_TORCH_CMAKE=(-DSRLAB_TORCH=cpu)
    SRLAB_BUILD_DIR=${SRLAB_BUILD_DIR:-$srlab_here/build}
    ;;
  torch2)
    venv=${SRLAB_TORCH_VENV:-$HOME/.cache/srlab/torch-venv}
    if ! "$venv/bin/python" -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$SRLAB_TORCH2_VERSION')" 2> /dev/null; then
      echo "srlab: installing PyPI's torch $SRLAB_TORCH2_VERSION into $venv (once; a few GB)" >&2
      [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv" >&2
      "$venv/bin/pip" install --quiet --disable-pip-version-check "torch==$SRLAB_TORCH2_VERSION" >&2
    fi
    SRLAB_TORCH_CMAKE=(-DSRLAB_TORCH=torch2 "-DSRLAB_TORCH2_PYTHON=$venv/bin/python")
    SRLAB_BUILD_DIR=${SRLAB_BUILD_DIR:-$srlab_here/build-torch2}
    ;;
  *) echo "srlab: SRLAB_TORCH must be cpu or torch2, not '$SRLAB_TORCH'" >&2; return 2 ;;
esac
export SRLAB_TORCH SRLAB_TORCH_WHY SRLAB_BUILD_DIR
