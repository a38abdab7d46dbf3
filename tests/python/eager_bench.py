#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Training steps per second of SRLab's TFiLM U-Net (core/model/UNet.cpp, preset "published":
filters 128/256/512/512, kernels 65/33/17/9, dropout 0.5, TFiLM blocks from 128) written in
PyTorch, eager mode: the same batch, patch length, loss (MSE) and optimiser (Adam 3e-4) as
`srlab train`, on random batches, for scripts/gpu-proof.sh's comparison with SRLab's libtorch
build on the same GPU.

  eager_bench.py [--device cuda|cpu] [--batch 16] [--dim 8192] [--steps 200] [--warmup 20]
prints one JSON line: {"model", "device", "steps_per_s", "max_memory_mib"}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def subpixel(x):
    b, c2, w = x.shape
    return x.view(b, 2, c2 // 2, w).permute(0, 2, 3, 1).reshape(b, c2 // 2, w * 2)


class TFiLM(nn.Module):
    def __init__(self, channels, block):
        super().__init__()
        self.block = block
        self.lstm = nn.LSTM(channels, channels, batch_first=True)

    def forward(self, x):
        blocks = F.max_pool1d(x, self.block)
        seq, _ = self.lstm(blocks.permute(0, 2, 1))
        return x * seq.permute(0, 2, 1).repeat_interleave(self.block, 2)


def conv(i, o, k, stride=1):
    return nn.Conv1d(i, o, k, stride=stride, padding=k // 2, bias=False)


class TFiLMUNet(nn.Module):
    def __init__(self, filters=(128, 256, 512, 512), kernels=(65, 33, 17, 9), dropout=0.5, tfilm_block=128):
        super().__init__()
        L = len(filters)
        block = lambda level: max(1, tfilm_block >> (level + 1))
        self.down, self.down_film, self.up, self.up_film = nn.ModuleList(), nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        i = 1
        for l in range(L):
            self.down.append(conv(i, filters[l], kernels[l], 2))
            self.down_film.append(TFiLM(filters[l], block(l)))
            i = filters[l]
        self.bottleneck = conv(i, filters[-1], kernels[-1], 2)
        self.bottleneck_film = TFiLM(filters[-1], block(L))
        i = filters[-1]
        for l in reversed(range(L)):
            self.up.append(conv(i, 2 * filters[l], kernels[l]))
            self.up_film.append(TFiLM(filters[l], block(l)))
            i = 2 * filters[l]
        self.final = conv(i, 2, 9)
        self.dropout = dropout

    def forward(self, x):
        skips, h = [], x
        for d, f in zip(self.down, self.down_film):
            h = f(F.leaky_relu(d(h), 0.2))
            skips.append(h)
        h = F.dropout(self.bottleneck(h), self.dropout, self.training)
        h = self.bottleneck_film(F.leaky_relu(h, 0.2))
        for i, (u, f) in enumerate(zip(self.up, self.up_film)):
            h = F.dropout(u(h), self.dropout, self.training)
            h = f(subpixel(torch.relu(h)))
            h = torch.cat([h, skips[-1 - i]], 1)
        return subpixel(self.final(h)) + x


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--dim", type=int, default=8192)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=20)
    a = p.parse_args()
    torch.manual_seed(0)
    net = TFiLMUNet().to(a.device).train()
    opt = torch.optim.Adam(net.parameters(), lr=3e-4)
    x = (torch.randn(a.batch, 1, a.dim) * 0.1).to(a.device)
    y = (torch.randn(a.batch, 1, a.dim) * 0.1).to(a.device)

    def step():
        opt.zero_grad(set_to_none=True)
        F.mse_loss(net(x), y).backward()
        opt.step()

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
    print(json.dumps({"model": "tfilm/published", "parameters": params, "device": a.device, "steps_per_s": a.steps / s,
                      "max_memory_mib": round(mem, 1), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
