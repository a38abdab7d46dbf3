#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python package (python/srlab) against the C++ build, for tests/python/PackageTest.cpp:

  package_check.py --checkpoint DIR --input LOW.wav --expect OUT.wav --torchscript TS.pt [--onnx M.onnx]

- srlab.load(DIR).upsample(LOW) equals OUT (what `srlab upsample --low-band model` wrote);
- the same with real-convolution STFTs (real_stft=True), the form ONNX takes;
- writes TS.pt with srlab.to_torchscript (the C++ test runs it through `srlab upsample`);
- with --onnx: exports the network, runs it in ONNX Runtime over the file with the package's
  spline and chunking, and compares with OUT.
Prints one JSON line of the largest differences; exits 1 when one is above --tol.
"""
import argparse
import json
import struct
import sys

import numpy as np

import srlab


def read_float_wav(path):
    """Mono float32 WAV (as libsndfile writes it) -> (samples, rate)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a WAV file")
    at, fmt, rate, samples = 12, None, None, None
    while at + 8 <= len(data):
        tag, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        body = data[at + 8:at + 8 + size]
        if tag == b"fmt ":
            fmt, channels, rate = struct.unpack("<HHI", body[:8])
            bits = struct.unpack("<H", body[14:16])[0]
            if fmt == 0xFFFE:
                fmt = struct.unpack("<H", body[24:26])[0]
            if fmt != 3 or bits != 32 or channels != 1:
                raise ValueError(f"{path}: not mono float32 (format {fmt}, {bits} bits, {channels} channels)")
        elif tag == b"data":
            samples = np.frombuffer(body, dtype="<f4").astype(np.float32)
        at += 8 + size + (size & 1)
    if fmt is None or samples is None:
        raise ValueError(f"{path}: no fmt or data chunk")
    return samples, rate


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--expect", required=True)
    p.add_argument("--torchscript", required=True)
    p.add_argument("--onnx")
    p.add_argument("--tol", type=float, default=1e-4)
    # The real-convolution STFT (ONNX's form) rounds differently from the FFT; AP-BWE turns that
    # last-bit difference into ~2.5e-3 of its output (see PackageTest.cpp).
    p.add_argument("--tol-real", type=float, default=1e-4)
    a = p.parse_args()

    low, low_rate = read_float_wav(a.input)
    expect, rate = read_float_wav(a.expect)
    model = srlab.load(a.checkpoint)
    assert (model.low_rate, model.rate) == (low_rate, rate), (model.low_rate, low_rate, model.rate, rate)
    report = {"arch": model.config["arch"], "preset": model.config.get("preset"), "samples": int(expect.size),
              "peak": float(np.abs(expect).max())}

    y = model.upsample(low)
    assert y.size == expect.size, (y.size, expect.size)
    report["package"] = float(np.abs(y - expect).max())

    real = srlab.load(a.checkpoint, real_stft=True)
    report["package_real_stft"] = float(np.abs(real.upsample(low) - expect).max())

    srlab.to_torchscript(model, a.torchscript)

    if a.onnx:
        import onnxruntime as ort
        srlab.to_onnx(real, a.onnx)
        session = ort.InferenceSession(a.onnx, providers=["CPUExecutionProvider"])
        x = srlab.spline_upsample(low, model.scale, expect.size)
        y_onnx = srlab.run_chunked(lambda t: session.run(None, {"baseline": t})[0], x, model.chunk, model.overlap)
        report["onnx"] = float(np.abs(y_onnx - expect).max())

    print(json.dumps(report))
    # of full scale, or of the peak where untrained weights make the output louder
    unit = max(1.0, report["peak"])
    ok = report["package"] <= a.tol * unit
    ok = ok and all(report[k] <= a.tol_real * unit for k in ("package_real_stft", "onnx") if k in report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
