#!/usr/bin/env bash
# Prints the python the Python package's tests run (tests/python/PackageTest.cpp): one with the
# same torch as the build (scripts/torch-flavour.sh decides which) and PyPI's ONNX Runtime.
#   cpu     Debian's python3-torch 1.13 (libtorch 1.13's own Python side), in a venv that sees
#           the system's site-packages, plus onnxruntime (~/.cache/srlab/package-venv-cpu)
#   torch2  the torch2 build's venv itself, plus onnxruntime, onnx (torch 2.x's exporter needs
#           it) and h5py (the package's dataset reader; the cpu venv sees Debian's)
# Also pip-installs python/ into it, which proves the package installs; the tests import the
# tree's copy (PYTHONPATH) ahead of it.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source "$here/scripts/torch-flavour.sh"
if [ "$SRLAB_TORCH" = torch2 ]; then
  venv=${SRLAB_TORCH_VENV:-$HOME/.cache/srlab/torch-venv}
  packages=(onnxruntime onnx h5py)
  check="import torch, onnxruntime, onnx, h5py"
else
  venv=${SRLAB_PACKAGE_VENV:-$HOME/.cache/srlab/package-venv-cpu}
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$venv" >&2
  # onnxruntime only: pip's onnx would pull a numpy 2 that Debian's torch 1.13 cannot use.
  packages=(onnxruntime)
  check="import torch, onnxruntime"
fi
if ! "$venv/bin/python" -c "$check" 2> /dev/null; then
  echo "srlab: installing PyPI's ${packages[*]} into $venv (once)" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
fi
# From a copy: pip builds in the folder it installs from, and the tree stays as it is.
copy=$(mktemp -d)
cp -r "$here/python/." "$copy/"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$copy" >&2 ||
  echo "srlab: could not pip-install python/ (offline?); the tests import the tree's copy" >&2
rm -rf "$copy"
echo "$venv/bin/python"
