#!/usr/bin/env bash
# Prints the python of a virtual environment holding PyPI's tensorboard package (installed
# once under ~/.cache/srlab/tb-venv), for the test that reads SRLab's event files back with
# TensorBoard's own reader (tests/python/tensorboard_check.py).
set -euo pipefail
venv=${SRLAB_TB_VENV:-$HOME/.cache/srlab/tb-venv}
if ! "$venv/bin/python" -c "import tensorboard" 2> /dev/null; then
  echo "srlab: installing PyPI's tensorboard into $venv (once)" >&2
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check tensorboard >&2
fi
echo "$venv/bin/python"
