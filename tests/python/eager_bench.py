#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Training steps per second of SRLab's published models written in PyTorch, eager mode, for
scripts/gpu-proof.sh's comparison with SRLab's libtorch build on the same GPU: the same batch,
patch length, losses and optimisers as `srlab train`, on random batches.

- tfilm: the TFiLM U-Net (core/model/UNet.cpp, preset "published": filters 128/256/512/512,
  kernels 65/33/17/9, dropout 0.5, TFiLM blocks from 128; python/srlab's module), MSE, Adam 3e-4.
- apbwe: AP-BWE published (core/model/ApBwe.cpp: 512 channels, 8 ConvNeXt blocks per stream;
  the generator is python/srlab's), MSE + its amplitude, phase, complex and consistency terms
  + 0.1 x LSGAN against its MPD + MRAD + MRPD discriminators, which learn in a second step
  (Adam 3e-4, betas 0.5/0.999), as core/train/OptimStep.cpp.

  eager_bench.py [--model tfilm|apbwe] [--device cuda|cpu] [--batch 16] [--dim 8192] [--steps 200] [--warmup 20]
prints one JSON line: {"model", "parameters", "device", "steps_per_s", "max_memory_mib", "torch"}.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def srlab_nets():
    """python/srlab's networks: the same layers and names as the C++ ones."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
    import srlab.nets
    return srlab.nets


def tfilm_published(dim):
    return srlab_nets().build({"arch": "tfilm", "rate": 16000, "scale": 4, "dim": dim, "filters": [128, 256, 512, 512],
                               "kernels": [65, 33, 17, 9], "dropout": 0.5, "tfilm_block": 128})


# ------------------------------------------------------------------ AP-BWE (core/model/ApBwe.cpp)


def _lrelu01(x):
    return F.leaky_relu(x, 0.1)


class PeriodDiscriminator(nn.Module):
    def __init__(self, period, width):
        super().__init__()
        self.period = period
        chans, cin = [], 1
        for i, base in enumerate((32, 128, 512, 1024, 1024)):
            out = max(8, round(base * width))
            chans.append(nn.Conv2d(cin, out, (5, 1), (3 if i < 4 else 1, 1), (2, 0)))
            cin = out
        self.convs = nn.ModuleList(chans)
        self.post = nn.Conv2d(cin, 1, (3, 1), 1, (1, 0))

    def forward(self, x):
        t = x.shape[-1]
        pad = (self.period - t % self.period) % self.period
        if pad:
            x = F.pad(x, (0, pad), mode="reflect")
        h = x.view(x.shape[0], 1, (t + pad) // self.period, self.period)
        for c in self.convs:
            h = _lrelu01(c(h))
        return self.post(h).flatten(1)


class SpectrumDiscriminator(nn.Module):
    def __init__(self, nfft, phase):
        super().__init__()
        self.nfft, self.phase = nfft, phase
        ch = 64
        self.convs = nn.ModuleList([nn.Conv2d(1, ch, (7, 5), (2, 2), (3, 2)), nn.Conv2d(ch, ch, (5, 3), (2, 1), (2, 1)),
                                    nn.Conv2d(ch, ch, (5, 3), (2, 2), (2, 1)), nn.Conv2d(ch, ch, (3, 3), (2, 1), (1, 1)),
                                    nn.Conv2d(ch, ch, (3, 3), (2, 2), (1, 1))])
        self.post = nn.Conv2d(ch, 1, 3, 1, 1)

    def forward(self, x):
        flat = x.squeeze(1)
        X = torch.stft(flat, self.nfft, self.nfft // 4, self.nfft, torch.ones(self.nfft, device=x.device), center=True,
                       pad_mode="reflect", normalized=False, onesided=True, return_complex=True)
        h = (torch.angle(X) if self.phase else X.abs()).unsqueeze(1)
        for c in self.convs:
            h = _lrelu01(c(h))
        return self.post(h).flatten(1)


class ApBweDiscriminators(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.mpd = nn.ModuleList([PeriodDiscriminator(p, width) for p in (2, 3, 5, 7, 11)])
        self.mrad = nn.ModuleList([SpectrumDiscriminator(n, False) for n in (512, 1024, 2048)])
        self.mrpd = nn.ModuleList([SpectrumDiscriminator(n, True) for n in (512, 1024, 2048)])

    def forward(self, wave):
        scale = wave.pow(2).mean(dim=(1, 2), keepdim=True).sqrt().clamp_min(1e-3) / 0.1
        wave = wave / scale.detach()
        out = [d(wave) for d in self.mpd]
        for a, p in zip(self.mrad, self.mrpd):
            if a.nfft // 2 < wave.shape[-1]:
                out += [a(wave), p(wave)]
        return torch.cat(out, 1)


def anti_wrapped(x):
    return (x - torch.round(x / (2 * math.pi)) * (2 * math.pi)).abs().mean()


def apbwe_model_loss(net, est, ref):
    """The paper's generator terms, as ApBwe::modelLoss, on the spectra of the last training
    forward (levels as the network saw them): 45 x amplitude MSE, 100 x anti-wrapped phase
    (instantaneous phase, group delay, instantaneous frequency), 90 x complex MSE and 90 x
    consistency (the predicted spectrum against the STFT of its own waveform)."""
    log_amp, phase, y_re, y_im, scale = net.last
    r_re, r_im = net.stft(ref / scale)
    e_re, e_im = net.stft(est / scale)
    log_ref, ph_ref = torch.log(torch.sqrt(r_re ** 2 + r_im ** 2) + 1e-4), torch.atan2(r_im, r_re)
    amplitude = F.mse_loss(log_amp, log_ref)
    phase_terms = (anti_wrapped(ph_ref - phase) + anti_wrapped(torch.diff(ph_ref, 1, 1) - torch.diff(phase, 1, 1)) +
                   anti_wrapped(torch.diff(ph_ref, 1, 2) - torch.diff(phase, 1, 2)))
    predicted = torch.stack([y_re, y_im], -1)
    complex_ = F.mse_loss(predicted, torch.stack([r_re, r_im], -1))
    consistency = F.mse_loss(predicted, torch.stack([e_re, e_im], -1))
    return 45.0 * amplitude + 100.0 * phase_terms + 90.0 * complex_ + 90.0 * consistency


def apbwe_published(dim):
    cfg = {"arch": "apbwe", "rate": 16000, "scale": 4, "dim": dim, "nfft": 1024, "hop": 80, "win": 320,
           "channels": 512, "blocks": 8}
    return srlab_nets().build(cfg), ApBweDiscriminators(512 / 512.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=("tfilm", "apbwe"), default="tfilm")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--dim", type=int, default=8192)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    a = p.parse_args()
    torch.manual_seed(0)
    disc = None
    if a.model == "tfilm":
        net = tfilm_published(a.dim)
    else:
        net, disc = apbwe_published(a.dim)
        disc = disc.to(a.device).train()
        dopt = torch.optim.Adam(disc.parameters(), lr=3e-4, betas=(0.5, 0.999))
    net = net.to(a.device).train()
    opt = torch.optim.Adam(net.parameters(), lr=3e-4)
    x = (torch.randn(a.batch, 1, a.dim) * 0.1).to(a.device)
    y = (torch.randn(a.batch, 1, a.dim) * 0.1).to(a.device)

    def step():
        opt.zero_grad(set_to_none=True)
        est = net(x)
        loss = F.mse_loss(est, y)
        if disc is not None:
            loss = loss + apbwe_model_loss(net, est, y) + 0.1 * (disc(est) - 1).pow(2).mean()
        loss.backward()
        opt.step()
        if disc is not None:  # the discriminators: real 1, fake 0
            dopt.zero_grad(set_to_none=True)
            ((disc(y) - 1).pow(2).mean() + disc(est.detach()).pow(2).mean()).backward()
            dopt.step()

    for _ in range(a.warmup):
        step()
    if a.device == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    if a.device == "cuda":
        torch.cuda.synchronize()
    s = time.perf_counter() - t0
    mem = torch.cuda.max_memory_allocated() / 2**20 if a.device == "cuda" else 0
    params = sum(p.numel() for p in net.parameters())
    print(json.dumps({"model": f"{a.model}/published", "parameters": params, "device": a.device, "steps_per_s": a.steps / s,
                      "max_memory_mib": round(mem, 1), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
