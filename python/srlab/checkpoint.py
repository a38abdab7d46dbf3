# SPDX-License-Identifier: GPL-3.0-or-later
"""SRLab checkpoints (docs/formats.md): a folder with model.json (the model config, step and
validation metrics) and model.pt (a pickled dict name -> float32 tensor, read by torch.load with
weights_only=True)."""
import json
import os
import zipfile

import numpy as np
import torch

from . import inference, nets

CHECKPOINT_FORMAT = 1  # the newest model.json format this package reads (kCheckpointFormat)


class CheckpointError(Exception):
    """A checkpoint that cannot be used; the message names the file."""


def checkpoint_dir(path):
    path = os.fspath(path)
    if os.path.isfile(path):
        path = os.path.dirname(path) or "."
    if not os.path.isfile(os.path.join(path, "model.json")):
        raise CheckpointError(f"{path}: not an SRLab checkpoint folder (no model.json)")
    return path


def read_meta(path):
    """model.json of a checkpoint folder as a dict (its "model" entry is the model config)."""
    d = checkpoint_dir(path)
    file = os.path.join(d, "model.json")
    try:
        with open(file, encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        raise CheckpointError(f"{file}: cannot read ({e})") from None
    version = meta.get("format_version", 1)
    if not isinstance(version, int) or version < 1:
        raise CheckpointError(f"{file}: format_version {version!r} is not a version")
    if version > CHECKPOINT_FORMAT:
        raise CheckpointError(f"{file}: checkpoint format {version} is newer than this package reads ({CHECKPOINT_FORMAT})")
    if "model" not in meta:
        raise CheckpointError(f"{file}: no model config")
    return meta


def _written_by_libtorch_pickle(file):
    """model.pt as SRLab wrote it before it used torch.save's format: libtorch's typed pickle,
    whose restore_type_tag weights_only=True refuses."""
    try:
        with zipfile.ZipFile(file) as z:
            pkl = next((n for n in z.namelist() if n.endswith("data.pkl")), None)
            return pkl is not None and b"restore_type_tag" in z.read(pkl)
    except (OSError, zipfile.BadZipFile):
        return False


def load_weights(path):
    file = os.path.join(checkpoint_dir(path), "model.pt")
    try:
        try:
            return torch.load(file, map_location="cpu", weights_only=True)
        except TypeError:  # a torch without weights_only
            return torch.load(file, map_location="cpu")
        except Exception:  # noqa: BLE001
            if not _written_by_libtorch_pickle(file):
                raise
            # An older SRLab checkpoint: only SRLab's own typed dict of tensors is read this way.
            weights = torch.load(file, map_location="cpu", weights_only=False)
            if not isinstance(weights, dict) or not all(isinstance(v, torch.Tensor) for v in weights.values()):
                raise ValueError("not a dict of tensors")
            return dict(weights)
    except Exception as e:  # noqa: BLE001 - any unpickling failure is one line naming the file
        raise CheckpointError(f"{file}: not a readable weights file ({str(e).splitlines()[0]})") from None


class Model:
    """An SRLab checkpoint ready to run: the network, its config and its chunking."""

    def __init__(self, net, config, meta=None, device="cpu"):
        self.net = net.to(device).eval()
        self.config = config
        self.meta = meta or {}
        self.device = device
        self.chunk, self.overlap = nets.default_chunking(config)

    @property
    def rate(self):
        """Output rate in Hz."""
        return self.config["rate"]

    @property
    def scale(self):
        return self.config["scale"]

    @property
    def low_rate(self):
        """The rate the model's input must have."""
        return self.rate // self.scale

    def upsample(self, low, batch=4):
        """Low-rate samples (1-D, at low_rate) -> float32 samples at `rate`, len(low) * scale of
        them: what `srlab upsample --low-band model` writes for a file at the low rate."""
        low = np.asarray(low, dtype=np.float32).ravel()
        if low.size == 0:
            raise ValueError("the input has no samples")
        n = low.size * self.scale
        # As core/infer/ModelUpsampler.cpp: fewer than 4 low-rate samples are zero-padded to 4.
        if low.size < 4:
            low = np.concatenate([low, np.zeros(4 - low.size, np.float32)])
        x = inference.spline_upsample(low, self.scale, max(n, low.size * self.scale))
        y = inference.run_chunked(inference.torch_forward(self.net, self.device), x, self.chunk, self.overlap, batch)
        return y[:n]


def load(path, device="cpu", real_stft=False):
    """An SRLab checkpoint folder (or its model.pt) as a Model. real_stft: STFTs as real
    convolutions (for ONNX export)."""
    meta = read_meta(path)
    config = meta["model"]
    try:
        net = nets.build(config, real_stft=real_stft)
    except (KeyError, ValueError) as e:
        raise CheckpointError(f"{os.path.join(checkpoint_dir(path), 'model.json')}: {e}") from None
    weights = load_weights(path)
    if not isinstance(weights, dict):
        raise CheckpointError(f"{path}: model.pt is not a dict of tensors")
    for cpp, py in getattr(net, "renames", {}).items():
        weights = {(py + k[len(cpp):] if k.startswith(cpp) else k): v for k, v in weights.items()}
    own = net.state_dict()
    missing = [k for k in own if k not in weights]
    extra = [k for k in weights if k not in own and weights[k].numel() > 0]
    if missing or extra:
        raise CheckpointError(f"{path}: weights do not fit a {config['arch']} network "
                              f"(missing {missing[:3]}, unexpected {extra[:3]})")
    for k, v in own.items():
        if tuple(weights[k].shape) != tuple(v.shape):
            raise CheckpointError(f"{path}: {k} has shape {tuple(weights[k].shape)}, the network wants {tuple(v.shape)}")
    net.load_state_dict({k: weights[k] for k in own})
    return Model(net, config, meta, device)
