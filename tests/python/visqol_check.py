#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyPI's visqol-python (a pure-Python port of Google's ViSQOL v3), the reference that
core/metrics/Visqol.h is checked against, run by the reference virtual environment
(scripts/reference-venv.sh).

  visqol_check.py REF.wav DEG.wav audio|speech
      prints {"mos", "vnsim", "fvnsim"} as JSON: visqol-python's defaults for the mode, audio
      with its bundled SVR model, speech with the exponential mapping (use_lattice_model=False:
      its default picks the TFLite lattice mapper whenever ai-edge-litert happens to be
      installed, which SRLab does not port).
"""
import json
import logging
import sys

from visqol import VisqolApi

# Its warnings (duration mismatch, dropped patches) would land in the output the tests parse.
logging.disable(logging.WARNING)

ref, deg, mode = sys.argv[1:4]
if mode not in ("audio", "speech"):
    sys.exit("mode must be audio or speech")
api = VisqolApi()
api.create(mode=mode, use_lattice_model=False)
r = api.measure(ref, deg)
print(json.dumps({
    "mos": float(r.moslqo),
    "vnsim": float(r.vnsim),
    "fvnsim": [float(v) for v in r.fvnsim],
}))
