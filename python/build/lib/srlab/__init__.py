# SPDX-License-Identifier: GPL-3.0-or-later
"""SRLab's models in Python: load a checkpoint folder, upsample as `srlab upsample --low-band
model` does, read run folders and datasets, export to TorchScript (loadable by SRLab) and ONNX.

    import srlab
    model = srlab.load("runs/my-run/checkpoints/best")
    y = model.upsample(x)              # x at model.low_rate, y at model.rate
    srlab.to_torchscript(model, "my-model.pt")
"""
from .checkpoint import CheckpointError, Model, load, read_meta
from .export import to_onnx, to_torchscript
from .inference import run_chunked, spline_upsample
from .nets import build
from .runs import read_dataset, read_metrics, read_run

__version__ = "0.1.0"
__all__ = ["CheckpointError", "Model", "load", "read_meta", "to_onnx", "to_torchscript", "run_chunked",
           "spline_upsample", "build", "read_dataset", "read_metrics", "read_run"]
