#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The published-style dataset preparation (Kuleshov et al. prep script, scipy flavour):
per file, decimate with scipy, spline back with splrep/splev, cut 8192/4096 patches, keep them
all in memory and write one HDF5 file at the end. Used by scripts/bench.sh for the ratio.

  scipy_pipeline.py INDIR OUT.h5 [SCALE] [DIM] [STRIDE]
"""
import os
import resource
import sys
import time

import h5py
import numpy as np
import scipy.interpolate
import scipy.io.wavfile
import scipy.signal


def main():
    indir, out = sys.argv[1], sys.argv[2]
    r, dim, stride = (int(v) for v in (sys.argv[3:6] + ["4", "8192", "4096"][len(sys.argv[3:6]):]))
    t0 = time.time()
    hr, lr = [], []
    for name in sorted(os.listdir(indir)):
        sr, x = scipy.io.wavfile.read(os.path.join(indir, name))
        x = x.astype(np.float32) / 32768.0
        x = x[: len(x) - len(x) % r]
        x_lr = scipy.signal.decimate(x, r)
        tck = scipy.interpolate.splrep(np.arange(0, len(x), r), x_lr, k=3, s=0)
        x_sp = scipy.interpolate.splev(np.arange(len(x)), tck).astype(np.float32)
        for i in range(0, len(x) - dim + 1, stride):
            hr.append(x[i:i + dim]); lr.append(x_sp[i:i + dim])
    with h5py.File(out, "w") as f:
        f.create_dataset("data", data=np.stack(lr)[:, :, None])
        f.create_dataset("label", data=np.stack(hr)[:, :, None])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"scipy pipeline: {len(hr)} patches, wall {time.time() - t0:.2f} s, peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
