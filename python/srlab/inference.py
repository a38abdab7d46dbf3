# SPDX-License-Identifier: GPL-3.0-or-later
"""The chain `srlab upsample --low-band model` runs (docs/reference.md §1.4, §4), in numpy and
PyTorch: the not-a-knot cubic spline to the output rate, then the network over chunks that
overlap and are crossfaded with complementary raised-cosine ramps.

Low-band consistency (§4.1, `--low-band input`, SRLab's default) needs SRLab's band-limited
resampler and bandwidth detection; it is not part of this package: run `srlab upsample` for it.
"""
import math

import numpy as np
import torch


def spline_upsample(low, r, n=None):
    """Cubic spline with not-a-knot ends through (j*r, low[j]), evaluated at 0..n-1 (default
    len(low)*r); equal to scipy's splrep(k=3, s=0) + splev, the last piece extrapolated.
    As core/dsp/Interpolate.cpp, float64 inside, float32 out."""
    y = np.asarray(low, dtype=np.float64).ravel()
    m = y.size
    n = m * r if n is None else int(n)
    if m == 0:
        return np.zeros(n, np.float32)
    if m < 4:  # the polynomial through the points
        t = np.arange(n, dtype=np.float64) / r
        if m == 1:
            return np.full(n, y[0], np.float32)
        if m == 2:
            return (y[0] + (y[1] - y[0]) * t).astype(np.float32)
        l0, l1, l2 = (t - 1) * (t - 2) / 2, -t * (t - 2), t * (t - 1) / 2
        return (y[0] * l0 + y[1] * l1 + y[2] * l2).astype(np.float32)
    h = float(r)
    M = _second_derivatives(y, h)
    out = np.empty(n, np.float32)
    for at in range(0, n, 1 << 20):  # a block at a time: float64 temporaries stay small
        i = np.arange(at, min(n, at + (1 << 20)))
        k = np.minimum(i // r, m - 2)  # the last piece covers everything past the final knot
        a = (i - k * r).astype(np.float64)
        c0 = y[k]
        c2 = M[k] / 2
        c3 = (M[k + 1] - M[k]) / (6 * h)
        c1 = (y[k + 1] - y[k]) / h - h * (2 * M[k] + M[k + 1]) / 6
        out[at:at + i.size] = c0 + a * (c1 + a * (c2 + a * c3))
    return out


_STRETCH, _MARGIN = 16384, 64  # knots, as SplineStream (core/dsp/Interpolate.h)


def _solve_windows(Y, h):
    """Second derivatives of the not-a-knot spline through each row of Y, (B, L) with L >= 4:
    the tridiagonal system of core/dsp/Interpolate.cpp, solved for every row at once."""
    B, L = Y.shape
    M = np.zeros((B, L))
    rhs = np.zeros((B, L))
    rhs[:, 1:-1] = 6.0 / (h * h) * (Y[:, :-2] - 2.0 * Y[:, 1:-1] + Y[:, 2:])
    M[:, 1] = rhs[:, 1] / 6.0
    M[:, L - 2] = rhs[:, L - 2] / 6.0
    if L > 4:  # Thomas algorithm on rows 2..L-3, M[1] and M[L-2] known
        lo, hi = 2, L - 3
        cp = np.zeros(L)
        dp = np.zeros((B, L))
        for i in range(lo, hi + 1):
            d = rhs[:, i].copy()
            if i == lo:
                d -= M[:, 1]
            if i == hi:
                d -= M[:, L - 2]
            beta = 4.0 - (0.0 if i == lo else cp[i - 1])
            cp[i] = 1.0 / beta
            dp[:, i] = (d - (0.0 if i == lo else dp[:, i - 1])) / beta
        M[:, hi] = dp[:, hi]
        for i in range(hi - 1, lo - 1, -1):
            M[:, i] = dp[:, i] - cp[i] * M[:, i + 1]
    M[:, 0] = 2 * M[:, 1] - M[:, 2]
    M[:, L - 1] = 2 * M[:, L - 2] - M[:, L - 3]
    return M


def _second_derivatives(y, h):
    """The spline's second derivatives at every knot. A long signal is solved in stretches of
    16384 knots with 64 knots of context either side, all stretches at once, as SplineStream
    does: the far ends' influence has decayed by 0.27^64 there, so this equals the whole-signal
    solve to float precision, in numpy time rather than a Python loop over every knot."""
    m = y.size
    if m <= _STRETCH + 2 * _MARGIN:
        return _solve_windows(y[None, :], h)[0]
    M = np.zeros(m)
    L = _STRETCH + 2 * _MARGIN
    starts = list(range(0, m, _STRETCH))
    full = [s0 for s0 in starts if s0 >= _MARGIN and s0 + _STRETCH + _MARGIN <= m]
    if full:
        idx = np.asarray(full)[:, None] - _MARGIN + np.arange(L)[None, :]
        W = _solve_windows(y[idx], h)
        for j, s0 in enumerate(full):
            M[s0:s0 + _STRETCH] = W[j, _MARGIN:_MARGIN + _STRETCH]
    for s0 in starts:  # the ends, whose windows are cut by the signal's
        if s0 in full:
            continue
        a, b = max(0, s0 - _MARGIN), min(m, s0 + _STRETCH + _MARGIN)
        W = _solve_windows(y[None, a:b], h)[0]
        M[s0:min(m, s0 + _STRETCH)] = W[s0 - a:s0 - a + min(_STRETCH, m - s0)]
    return M


def run_chunked(forward, x, chunk, overlap, batch=4):
    """A network over a signal of any length (core/train/ChunkedInference.cpp): chunks of `chunk`
    samples overlapping by `overlap`, each zero-padded to `chunk`, crossfaded with complementary
    raised-cosine ramps. forward maps a float32 (m, 1, chunk) array or tensor to the same shape."""
    x = np.asarray(x, dtype=np.float32).ravel()
    n, W, O = x.size, int(chunk), int(overlap)
    H = W - O
    if n <= W:
        t = np.zeros((1, 1, W), np.float32)
        t[0, 0, :n] = x
        return np.asarray(forward(t), dtype=np.float32)[0, 0, :n].copy()
    chunks = 1 + (n - W + H - 1) // H
    ramp = (0.5 - 0.5 * np.cos(math.pi * (np.arange(O) + 0.5) / O)).astype(np.float32)
    out = np.zeros(n, np.float32)
    for c0 in range(0, chunks, batch):
        m = min(batch, chunks - c0)
        t = np.zeros((m, 1, W), np.float32)
        for k in range(m):
            s = (c0 + k) * H
            seg = x[s:s + W]
            t[k, 0, :seg.size] = seg
        y = np.asarray(forward(t), dtype=np.float32)
        for k in range(m):
            c = c0 + k
            s = c * H
            length = min(W, n - s)
            w = np.ones(length, np.float32)
            if c > 0:
                w[:min(O, length)] = ramp[:min(O, length)]
            if c + 1 < chunks and length > W - O:
                w[W - O:length] = 1.0 - ramp[:length - (W - O)]
            out[s:s + length] += w * y[k, 0, :length]
    return out


def torch_forward(net, device="cpu"):
    """A forward for run_chunked from a network (its infer, without gradients)."""
    def forward(t):
        with torch.no_grad():
            return net.infer(torch.from_numpy(np.ascontiguousarray(t)).to(device)).cpu().numpy()
    return forward
