# SPDX-License-Identifier: GPL-3.0-or-later
"""SRLab's networks (docs/reference.md §3) as PyTorch modules, layer for layer as the C++ ones in
core/model/ (UNet.cpp, SpectralNet.cpp, SpectralGan.cpp, ApBwe.cpp), with the same parameter
names, so an SRLab checkpoint's model.pt loads into them with load_state_dict.

Every network maps the spline-interpolated waveform at the output rate, (B, 1, T), to its
estimate of the high-res waveform, (B, 1, T); `infer` is what inference runs (Griffin-Lim for the
spectral GAN). Only the generators are here: discriminators are not part of model.pt.

`real_stft=True` computes the STFT and its inverse with real convolutions instead of complex
FFTs (torch.onnx cannot export complex tensors); the two agree to float precision.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _lrelu(x, slope=0.2):
    return F.leaky_relu(x, slope)


def subpixel(x):
    """1-D sub-pixel shuffle with r = 2: out[c, 2w + j] = in[j*C + c, w]."""
    b, c2, w = x.shape
    return x.view(b, 2, c2 // 2, w).permute(0, 2, 3, 1).reshape(b, c2 // 2, w * 2)


# ---------------------------------------------------------------------------------------------
# STFT as SRLab computes it (core/model/Spectral.cpp): a Hann window of `win` samples centred in
# each nfft-point frame, frames centred with reflect padding, one-sided.


class Stft(nn.Module):
    """Complex FFT path, or (real_stft) convolutions with the windowed DFT basis. Works on
    (re, im) pairs so both paths have one interface."""

    def __init__(self, nfft, hop, win=0, real_stft=False):
        super().__init__()
        self.nfft, self.hop, self.win = nfft, hop, (win if win > 0 else nfft)
        self.real_stft = real_stft
        window = torch.hann_window(self.win, dtype=torch.float64)
        left = (nfft - self.win) // 2
        full = torch.zeros(nfft, dtype=torch.float64)
        full[left:left + self.win] = window
        bins = nfft // 2 + 1
        n = torch.arange(nfft, dtype=torch.float64)
        k = torch.arange(bins, dtype=torch.float64)
        angle = 2 * math.pi * k[:, None] * n[None, :] / nfft
        # analysis: X[k] = sum_n w[n] x[n] e^{-i angle}
        self.register_buffer("fwd_re", (torch.cos(angle) * full).float().unsqueeze(1), persistent=False)
        self.register_buffer("fwd_im", (-torch.sin(angle) * full).float().unsqueeze(1), persistent=False)
        # synthesis of a one-sided spectrum: x[n] = (1/N) sum_k c_k (Re X cos + ... ), c_k = 2
        # except DC and Nyquist, then windowed (overlap-add divided by the summed squared window).
        c = torch.full((bins,), 2.0, dtype=torch.float64)
        c[0] = 1.0
        c[-1] = 1.0
        self.register_buffer("inv_re", (c[:, None] * torch.cos(angle) / nfft * full).float().unsqueeze(1), persistent=False)
        self.register_buffer("inv_im", (-c[:, None] * torch.sin(angle) / nfft * full).float().unsqueeze(1), persistent=False)
        self.register_buffer("window", full.float(), persistent=False)
        # float32 from the start, as libtorch's torch::hann_window(win) in core/model/Spectral.cpp:
        # a window rounded from float64 differs in the last bit, which AP-BWE's log amplitude of
        # near-empty bins would turn into 1e-3 of its output.
        self.register_buffer("hann", torch.hann_window(self.win), persistent=False)

    def forward(self, x):
        """(B, 1, T) or (B, T) -> (re, im), each (B, F, N)."""
        flat = x.squeeze(1) if x.dim() == 3 else x
        if not self.real_stft:
            X = torch.stft(flat, self.nfft, self.hop, self.win, self.hann.to(flat.dtype), center=True,
                           pad_mode="reflect", normalized=False, onesided=True, return_complex=True)
            return X.real, X.imag
        pad = self.nfft // 2
        padded = F.pad(flat.unsqueeze(1), (pad, pad), mode="reflect")
        return F.conv1d(padded, self.fwd_re, stride=self.hop), F.conv1d(padded, self.fwd_im, stride=self.hop)

    def inverse(self, re, im, length):
        """(re, im), each (B, F, N) -> (B, 1, length)."""
        if not self.real_stft:
            X = torch.complex(re, im)
            return torch.istft(X, self.nfft, self.hop, self.win, self.hann.to(re.dtype), center=True, normalized=False,
                               onesided=True, length=length, return_complex=False).unsqueeze(1)
        frames = re.shape[-1]
        y = F.conv_transpose1d(re, self.inv_re, stride=self.hop) + F.conv_transpose1d(im, self.inv_im, stride=self.hop)
        # The summed squared window of the overlap-add (ONNX has no col2im, so not F.fold).
        norm = F.conv_transpose1d(torch.ones_like(re[:1, :1]), (self.window ** 2).view(1, 1, -1), stride=self.hop)
        pad = self.nfft // 2
        y = y[..., pad:pad + length]
        norm = norm[..., pad:pad + length]
        return y / torch.where(norm > 1e-11, norm, torch.ones_like(norm))


def _abs(re, im):
    return torch.sqrt(re * re + im * im)


def _atan2(y, x):
    """torch.atan2, or while exporting to ONNX (which has no Atan2) the same from Atan and Where
    (-0.0 aside: the angle +pi instead of -pi, the same phasor)."""
    if not torch.onnx.is_in_onnx_export():
        return torch.atan2(y, x)
    safe = torch.where(x == 0, torch.ones_like(x), x)
    base = torch.atan(y / safe)
    pi = torch.full_like(x, math.pi)
    half = torch.where(y > 0, pi / 2, torch.where(y < 0, -pi / 2, torch.zeros_like(x)))
    return torch.where(x > 0, base, torch.where(x < 0, base + torch.where(y >= 0, pi, -pi), half))


def _angle(re, im):
    return _atan2(im, re)


# ---------------------------------------------------------------------------------------------
# U-Net family: AudioUNet, TFiLM, Inception up-blocks (core/model/UNet.cpp).


class TFiLM(nn.Module):
    def __init__(self, channels, block):
        super().__init__()
        self.block = block
        self.lstm = nn.LSTM(channels, channels, batch_first=True)

    def forward(self, x):
        blocks = F.max_pool1d(x, self.block)
        seq, _ = self.lstm(blocks.permute(0, 2, 1))
        return x * seq.permute(0, 2, 1).repeat_interleave(self.block, 2)


class Inception(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        per = max(1, cout // 4)
        self.kernels = (32, 64, 128)
        for k in self.kernels:
            self.add_module(f"k{k}", nn.Conv1d(cin, per, k, bias=False))
        self.pool = nn.Conv1d(cin, cout - 3 * per, 1, bias=False)

    def forward(self, x):
        parts = [getattr(self, f"k{k}")(F.pad(x, ((k - 1) // 2, k // 2))) for k in self.kernels]
        parts.append(self.pool(F.max_pool1d(x, 3, stride=1, padding=1)))
        return torch.cat(parts, 1)


def _conv(cin, cout, k, stride=1):
    return nn.Conv1d(cin, cout, k, stride=stride, padding=k // 2, bias=False)


class UNet(nn.Module):
    def __init__(self, cfg, real_stft=False):
        super().__init__()
        self.cfg = cfg
        filters, kernels = cfg["filters"], cfg["kernels"]
        L = len(filters)
        self.depth = L
        tfilm, inception = cfg["arch"] == "tfilm", cfg["arch"] == "inception"
        self.tfilm, self.inception = tfilm, inception

        def block_at(level):
            return max(1, cfg["tfilm_block"] >> (level + 1))

        cin = 1
        for l in range(L):
            self.add_module(f"down{l}", _conv(cin, filters[l], kernels[l], 2))
            if tfilm:
                self.add_module(f"down_film{l}", TFiLM(filters[l], block_at(l)))
            cin = filters[l]
        self.bottleneck = _conv(cin, filters[-1], kernels[-1], 2)
        if tfilm:
            self.bottleneck_film = TFiLM(filters[-1], block_at(L))
        cin = filters[-1]
        for l in reversed(range(L)):
            if inception:
                self.add_module(f"up_inception{l}", Inception(cin, 2 * filters[l]))
            else:
                self.add_module(f"up{l}", _conv(cin, 2 * filters[l], kernels[l]))
            if tfilm:
                self.add_module(f"up_film{l}", TFiLM(filters[l], block_at(l)))
            cin = 2 * filters[l]
        self.final = _conv(cin, 2, 9)
        self.dropout = cfg["dropout"]
        self.up_dropout = not inception or cfg.get("inception_dropout", False)

    def forward(self, x):
        L = self.depth
        skips = []
        h = x
        for l in range(L):
            h = _lrelu(getattr(self, f"down{l}")(h))
            if self.tfilm:
                h = getattr(self, f"down_film{l}")(h)
            skips.append(h)
        h = F.dropout(self.bottleneck(h), self.dropout, self.training)
        h = _lrelu(h)
        if self.tfilm:
            h = self.bottleneck_film(h)
        for i in range(L):
            l = L - 1 - i
            h = getattr(self, f"up_inception{l}" if self.inception else f"up{l}")(h)
            if self.up_dropout:
                h = F.dropout(h, self.dropout, self.training)
            h = subpixel(torch.relu(h))
            if self.tfilm:
                h = getattr(self, f"up_film{l}")(h)
            h = torch.cat([h, skips[l]], 1)
        return subpixel(self.final(h)) + x

    def infer(self, x):
        return self.forward(x)


# ---------------------------------------------------------------------------------------------
# The light spectral network (core/model/SpectralNet.cpp).


class SpectralNet(nn.Module):
    # model.pt's names that are not Python's (checkpoint.load renames them)
    renames = {"in.": "in_."}

    def __init__(self, cfg, real_stft=False):
        super().__init__()
        self.cfg = cfg
        bins, ch = cfg["nfft"] // 2 + 1, cfg["channels"]
        self.stft = Stft(cfg["nfft"], cfg["hop"], 0, real_stft)

        def conv(cin, cout, k, dilation=1):
            return nn.Conv1d(cin, cout, k, padding=dilation * (k // 2), dilation=dilation, bias=False)

        self.in_ = conv(3 * bins, ch, 3)  # "in" in model.pt (checkpoint.py maps it): a keyword for TorchScript
        self.blocks = cfg["blocks"]
        for b in range(self.blocks):
            self.add_module(f"dilated{b}", conv(ch, ch, 3, 1 << (b % 4)))
            self.add_module(f"mix{b}", conv(ch, ch, 1))
        self.out = conv(ch, 2 * bins, 1)

    def forward(self, x):
        re, im = self.stft(x)
        h = self.in_(torch.cat([re, im, _abs(re, im)], 1))
        for b in range(self.blocks):
            y = _lrelu(getattr(self, f"dilated{b}")(_lrelu(h)))
            h = h + getattr(self, f"mix{b}")(y)
        d_re, d_im = self.out(_lrelu(h)).chunk(2, 1)
        return self.stft.inverse(re + d_re, im + d_im, x.shape[-1])

    def infer(self, x):
        return self.forward(x)


# ---------------------------------------------------------------------------------------------
# The spectrogram GAN's generator (core/model/SpectralGan.cpp).

_EPS = 1e-5


def _conv2(cin, cout, k, stride, pad):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=pad)


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.a = _conv2(ch, ch, 3, 1, 1)
        self.b = _conv2(ch, ch, 3, 1, 1)

    def forward(self, x):
        return x + self.b(_lrelu(self.a(x)))


class SpectralGan(nn.Module):
    def __init__(self, cfg, real_stft=False):
        super().__init__()
        self.cfg = cfg
        ch, nfft = cfg["channels"], cfg["nfft"]
        self.stft = Stft(nfft, cfg["hop"], 0, real_stft)
        self.stem = _conv2(1, ch, 7, 1, 3)
        self.use_vit = cfg.get("vit", False)
        if self.use_vit:
            self.embed = _conv2(ch, 4 * ch, 4, 4, 0)
            self.freq_pos = nn.Parameter(torch.zeros(1, nfft // 2 // 4, 1, 4 * ch))
            layer = nn.TransformerEncoderLayer(4 * ch, 4, dim_feedforward=8 * ch, dropout=0.0)
            # The nested-tensor fast path (torch >= 1.13) is only for batch_first layers; off either way.
            try:
                self.vit = nn.TransformerEncoder(layer, cfg["blocks"], enable_nested_tensor=False)
            except TypeError:
                self.vit = nn.TransformerEncoder(layer, cfg["blocks"])
        else:
            self.down1 = _conv2(ch, 2 * ch, 4, 2, 1)
            self.down2 = _conv2(2 * ch, 4 * ch, 4, 2, 1)
            self.res = cfg["blocks"]
            for b in range(self.res):
                self.add_module(f"res{b}", ResBlock(4 * ch))
        self.up1 = nn.ConvTranspose2d(4 * ch, 2 * ch, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(2 * ch, ch, 4, stride=2, padding=1)
        self.head = _conv2(ch, 1, 7, 1, 3)
        self.low_bins = nfft // 2 // cfg["scale"]
        self.iters = cfg.get("griffin_lim_iters", 16)

    def log_magnitude(self, log_x):
        frames = log_x.shape[-1]
        padded = (frames + 3) // 4 * 4
        img = F.pad(log_x.unsqueeze(1), (0, padded - frames, 0, 0), mode="replicate")
        h0 = _lrelu(self.stem(img))
        if self.use_vit:
            e = self.embed(h0)
            b, d, f, n = e.shape
            tokens = (e.permute(0, 2, 3, 1) + self.freq_pos).reshape(b, f * n, d)
            h = self.vit(tokens.transpose(0, 1)).transpose(0, 1).reshape(b, f, n, d).permute(0, 3, 1, 2)
        else:
            h = _lrelu(self.down2(_lrelu(self.down1(h0))))
            for b in range(self.res):
                h = getattr(self, f"res{b}")(h)
        h = _lrelu(self.up2(_lrelu(self.up1(h)))) + h0
        out = img + self.head(h)
        return out[..., :frames].squeeze(1)

    def spectrum(self, x):
        """Predicted magnitude and the input's phase, as (magnitude, phase)."""
        re, im = self.stft(x)
        rows = self.cfg["nfft"] // 2
        mag_in = _abs(re, im)
        log_x = torch.log(mag_in[:, :rows] + _EPS)
        mag = torch.exp(self.log_magnitude(log_x)) - _EPS
        mag = torch.cat([F.relu(mag), mag_in[:, rows:rows + 1]], 1)
        return mag, _angle(re, im)

    def _wave(self, mag, phase, length):
        return self.stft.inverse(mag * torch.cos(phase), mag * torch.sin(phase), length)

    def forward(self, x):
        mag, phase = self.spectrum(x)
        return self._wave(mag, phase, x.shape[-1])

    def infer(self, x):
        """Griffin-Lim on the high band: magnitudes as predicted, low-band phase as received."""
        mag, phase = self.spectrum(x)
        keep = torch.zeros_like(mag)
        keep[:, :self.low_bins] = 1.0
        y = self._wave(mag, phase, x.shape[-1])
        for _ in range(self.iters):
            re, im = self.stft(y)
            mixed = keep * phase + (1 - keep) * _angle(re, im)
            y = self._wave(mag, mixed, x.shape[-1])
        return y


# ---------------------------------------------------------------------------------------------
# AP-BWE's generator (core/model/ApBwe.cpp).

_LEVEL, _QUIET, _AMP_FLOOR = 0.1, 1e-3, 1e-4


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim, layer_scale):
        super().__init__()
        self.dw = nn.Conv1d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pw1 = nn.Linear(dim, 3 * dim)
        self.pw2 = nn.Linear(3 * dim, dim)
        self.gamma = nn.Parameter(torch.full((dim,), layer_scale))

    def forward(self, x):
        h = self.norm(self.dw(x).transpose(1, 2))
        h = self.pw2(F.gelu(self.pw1(h))) * self.gamma
        return x + h.transpose(1, 2)


class ApBwe(nn.Module):
    def __init__(self, cfg, real_stft=False):
        super().__init__()
        self.cfg = cfg
        nfft = cfg["nfft"]
        bins, ch = nfft // 2 + 1, cfg["channels"]
        self.stft = Stft(nfft, cfg["hop"], cfg.get("win", 0), real_stft)
        self.pre_amp = nn.Conv1d(bins, ch, 7, padding=3)
        self.pre_pha = nn.Conv1d(2 * bins, ch, 7, padding=3)
        self.norm_pre_amp = nn.LayerNorm(ch, eps=1e-6)
        self.norm_pre_pha = nn.LayerNorm(ch, eps=1e-6)
        self.blocks = cfg["blocks"]
        for b in range(self.blocks):
            self.add_module(f"amp{b}", ConvNeXtBlock(ch, 1.0 / self.blocks))
            self.add_module(f"pha{b}", ConvNeXtBlock(ch, 1.0 / self.blocks))
        self.norm_post_amp = nn.LayerNorm(ch, eps=1e-6)
        self.norm_post_pha = nn.LayerNorm(ch, eps=1e-6)
        self.out_amp = nn.Linear(ch, bins)
        self.out_re = nn.Linear(ch, bins)
        self.out_im = nn.Linear(ch, bins)

    def forward(self, x):
        scale = x.pow(2).mean(dim=(1, 2), keepdim=True).sqrt().clamp_min(_QUIET) / _LEVEL
        re, im = self.stft(x / scale)
        log_amp = torch.log(_abs(re, im) + _AMP_FLOOR)
        phase = _angle(re, im)
        cos, sin = torch.cos(phase), torch.sin(phase)
        a = self.norm_pre_amp(self.pre_amp(log_amp).transpose(1, 2)).transpose(1, 2)
        p = self.norm_pre_pha(self.pre_pha(torch.cat([cos, sin], 1)).transpose(1, 2)).transpose(1, 2)
        for b in range(self.blocks):
            a = a + p
            p = p + a
            a = getattr(self, f"amp{b}")(a)
            p = getattr(self, f"pha{b}")(p)
        a = self.norm_post_amp(a.transpose(1, 2))
        p = self.norm_post_pha(p.transpose(1, 2))
        log_amp_out = log_amp + self.out_amp(a).transpose(1, 2)
        phase_out = _atan2(sin + self.out_im(p).transpose(1, 2), cos + self.out_re(p).transpose(1, 2))
        mag = torch.exp(log_amp_out)
        y_re, y_im = mag * torch.cos(phase_out), mag * torch.sin(phase_out)
        if self.training:  # for the training terms (ApBwe::modelLoss), as the C++ module keeps them
            self.last = (log_amp_out, phase_out, y_re, y_im, scale)
        return self.stft.inverse(y_re, y_im, x.shape[-1]) * scale

    def infer(self, x):
        return self.forward(x)


# ModelConfig's defaults (core/runs/ModelConfig.h), for configs that leave a key out.
DEFAULTS = {"filters": [16, 32, 64, 64], "kernels": [33, 17, 9, 9], "dropout": 0.5, "tfilm_block": 128,
            "inception_dropout": False, "nfft": 512, "hop": 128, "win": 0, "channels": 128, "blocks": 4,
            "adversarial": False, "vit": False, "griffin_lim_iters": 16}

ARCHS = {"audiounet": UNet, "tfilm": UNet, "inception": UNet, "spectral": SpectralNet, "specgan": SpectralGan,
         "apbwe": ApBwe}


def build(cfg, real_stft=False):
    """The network for a model config (model.json's "model" object)."""
    arch = cfg.get("arch")
    if arch not in ARCHS:
        raise ValueError(f"unknown architecture '{arch}' ({', '.join(ARCHS)})")
    for key in ("rate", "scale", "dim"):
        if not isinstance(cfg.get(key), int) or cfg[key] <= 0:
            raise ValueError(f"'{key}' must be a positive integer")
    return ARCHS[arch]({**DEFAULTS, **cfg}, real_stft=real_stft)


def multiple(cfg):
    """Input lengths the network accepts are multiples of this (core/runs/ModelConfig.cpp)."""
    arch = cfg["arch"]
    if arch == "apbwe":
        return 1
    if arch in ("spectral", "specgan"):
        return cfg["hop"]
    m = 1 << (len(cfg["filters"]) + 1)
    if arch == "tfilm":
        m = max(m, cfg["tfilm_block"])
    return m


def default_chunking(cfg):
    """(chunk, overlap) in output samples, as ModelConfig::defaultChunking."""
    d = cfg["dim"]
    return (8 * d, d // 4) if cfg["arch"] == "apbwe" else (d, d // 4)
