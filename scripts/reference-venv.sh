#!/usr/bin/env bash
# Prints the python of a virtual environment holding the PyPI reference implementations the
# tests check SRLab against (installed once under ~/.cache/srlab/ref-venv): tensorboard (its own
# reader of SRLab's event files, tests/python/tensorboard_check.py), pystoi (STOI, ESTOI) and
# fast-bss-eval (SI-SDR) for tests/python/perceptual_check.py, and visqol-python (ViSQOL v3, a
# pure-Python port of Google's; it brings libsvm-official) for tests/python/visqol_check.py,
# pinned to the release core/metrics/Visqol.h reproduces.
set -euo pipefail
venv=${SRLAB_REF_VENV:-$HOME/.cache/srlab/ref-venv}
packages=(tensorboard pystoi fast-bss-eval visqol-python==3.8.0)
if ! "$venv/bin/python" -c "import tensorboard, pystoi, fast_bss_eval, visqol" 2> /dev/null; then
  echo "srlab: installing PyPI's ${packages[*]} into $venv (once)" >&2
  [ -x "$venv/bin/python" ] || /usr/bin/python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}" >&2
fi
echo "$venv/bin/python"
