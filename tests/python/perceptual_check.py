#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyPI's reference implementations of the metrics SRLab reports beside SNR and LSD
(docs/reference.md §2), run by the reference virtual environment (scripts/reference-venv.sh).

  perceptual_check.py TRUTH.wav ESTIMATE.wav
      prints {"stoi", "estoi" (pystoi), "si_sdr" (fast_bss_eval, no mean removed)} as JSON.
"""
import json
import sys

import numpy as np
import scipy.io.wavfile
import fast_bss_eval.numpy as bss
from pystoi import stoi


def load(path):
    rate, x = scipy.io.wavfile.read(path)
    return rate, x.astype(np.float64)


rate, y = load(sys.argv[1])
_, yh = load(sys.argv[2])
print(json.dumps({
    "stoi": float(stoi(y, yh, rate, extended=False)),
    "estoi": float(stoi(y, yh, rate, extended=True)),
    "si_sdr": float(np.ravel(bss.si_sdr(y[None, :], yh[None, :], zero_mean=False))[0]),
}))
