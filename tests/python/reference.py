#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent reference for SRLab's signal chain and metrics, on Debian's scipy/numpy.

  reference.py chain WAV SCALE OUTDIR
      hi.f64 (cropped mono), low_cheby.f64 (scipy.signal.decimate), spline.f64 (splrep/splev
      on low_cheby), metrics.json (docs/reference.md §2 metrics of spline vs hi), all float64 little-endian.
"""
import json
import os
import sys

import numpy as np
import scipy.io.wavfile
import scipy.signal
import scipy.interpolate


def load_mono(path):
    sr, x = scipy.io.wavfile.read(path)
    if x.dtype == np.int16:
        x = x.astype(np.float64) / 32768.0
    elif x.dtype == np.int32:
        x = x.astype(np.float64) / 2147483648.0
    else:
        x = x.astype(np.float64)
    if x.ndim == 2:
        x = x.mean(axis=1)
    return sr, x


def spline_up(x_lr, r, n):
    t_lr = np.arange(0, n, r)[: len(x_lr)]
    tck = scipy.interpolate.splrep(t_lr, x_lr, k=3, s=0)
    return scipy.interpolate.splev(np.arange(n), tck)


def power_stft(x, n_fft=2048, hop=512):
    """Centred (reflect-padded) STFT power, frames x bins, periodic Hann (torch.stft style)."""
    x = np.pad(x, n_fft // 2, mode="reflect")
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    frames = 1 + (len(x) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    return np.abs(np.fft.rfft(x[idx] * w, axis=1)) ** 2


def lsd_standard(y, yh, r):
    a = np.log10(np.maximum(power_stft(y), 1e-8))
    b = np.log10(np.maximum(power_stft(yh), 1e-8))
    d2 = (a - b) ** 2
    split = int(np.ceil(2048 / (2 * r)))
    return (np.mean(np.sqrt(d2.mean(axis=1))),
            np.mean(np.sqrt(d2[:, split:].mean(axis=1))),
            np.mean(np.sqrt(d2[:, :split].mean(axis=1))))


def lsd_kuleshov(y, yh):
    a = np.log(power_stft(y) + 1e-8).T  # bins x frames, as librosa returns
    b = np.log(power_stft(yh) + 1e-8).T
    return min(np.mean(np.sqrt(np.mean((a - b) ** 2 + 1e-8, axis=1)), axis=0), 10.0)


def snr(y, yh):
    return 20 * np.log10(np.linalg.norm(y) / max(np.linalg.norm(yh - y), 1e-8))


def snr_patch(y, yh, patch=8192):
    count = max(1, len(y) // patch)
    ln = len(y) if len(y) < patch else patch
    vals = []
    for p in range(count):
        a, b = y[p * ln:(p + 1) * ln], yh[p * ln:(p + 1) * ln]
        vals.append(20 * np.log10(np.sqrt(np.mean(a ** 2)) / np.sqrt(np.mean((b - a) ** 2) + 1e-6) + 1e-8))
    return float(np.mean(vals))


def chain(wav, scale, outdir):
    sr, x = load_mono(wav)
    x = x[: len(x) - len(x) % scale]
    low = scipy.signal.decimate(x, scale)  # order-8 Chebyshev I, zero phase, as published
    up = spline_up(low, scale, len(x))
    os.makedirs(outdir, exist_ok=True)
    for name, arr in (("hi", x), ("low_cheby", low), ("spline", up)):
        arr.astype("<f8").tofile(os.path.join(outdir, name + ".f64"))
    lsd, hf, lf = lsd_standard(x, up, scale)
    m = {"rate": sr, "snr": snr(x, up), "snr_patch": snr_patch(x, up), "lsd": lsd, "lsd_hf": hf,
         "lsd_lf": lf, "lsd_kuleshov": lsd_kuleshov(x, up)}
    with open(os.path.join(outdir, "metrics.json"), "w") as f:
        json.dump({k: float(v) for k, v in m.items()}, f)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "chain":
        chain(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
