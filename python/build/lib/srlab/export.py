# SPDX-License-Identifier: GPL-3.0-or-later
"""SRLab models out: TorchScript that SRLab loads back (docs/reference.md §4.2, input "baseline")
and ONNX (the network on one chunk of the spline input)."""
import inspect

import torch
import torch.nn as nn


class _Exported(nn.Module):
    """The network's inference on chunks of the spline input, with the attributes SRLab's
    TorchScript contract reads: sample_rate, scale, input = "baseline", chunk, overlap."""

    def __init__(self, net, config, chunk, overlap):
        super().__init__()
        self.net = net
        self.sample_rate = int(config["rate"])
        self.scale = int(config["scale"])
        self.input = "baseline"
        self.chunk = int(chunk)
        self.overlap = int(overlap)

    def forward(self, x):
        return self.net.infer(x)


def to_torchscript(model, path):
    """Writes `model` (srlab.load) as a TorchScript archive that `srlab upsample --checkpoint
    PATH` runs with the same chunking. Traced on (batch, 1, chunk) inputs: the module takes
    that chunk length and any batch size."""
    wrapper = _Exported(model.net.cpu().eval(), model.config, model.chunk, model.overlap).eval()
    example = torch.zeros(2, 1, model.chunk)
    with torch.no_grad():
        traced = torch.jit.trace(wrapper, example, check_trace=False)
    # Traced modules keep only tensors and submodules: the contract's attributes are set on the
    # scripted module itself (ints and a string, which TorchScript stores).
    scripted = torch.jit.script(_Attributes(traced, wrapper))
    torch.jit.save(scripted, path)
    model.net.to(model.device)
    return path


class _Attributes(nn.Module):
    sample_rate: int
    scale: int
    input: str
    chunk: int
    overlap: int

    def __init__(self, traced, wrapper):
        super().__init__()
        self.inner = traced
        self.sample_rate = wrapper.sample_rate
        self.scale = wrapper.scale
        self.input = wrapper.input
        self.chunk = wrapper.chunk
        self.overlap = wrapper.overlap

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner(x)


def to_onnx(model, path, opset=17):
    """Writes the network on one (batch, 1, chunk) chunk of the spline input as ONNX (batch
    dynamic). Load the checkpoint with srlab.load(..., real_stft=True) for spectral models: ONNX
    has no complex tensors. Run it over a file with srlab.run_chunked and spline_upsample."""
    net = model.net.cpu().eval()
    wrapper = _Exported(net, model.config, model.chunk, model.overlap).eval()
    example = torch.zeros(1, 1, model.chunk)
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript-based exporter, in both torch 1.13 and 2.x
    with torch.no_grad():
        torch.onnx.export(wrapper, (example,), path, input_names=["baseline"], output_names=["estimate"],
                          dynamic_axes={"baseline": {0: "batch"}, "estimate": {0: "batch"}}, opset_version=opset,
                          **kwargs)
    model.net.to(model.device)
    return path
