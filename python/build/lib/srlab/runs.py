# SPDX-License-Identifier: GPL-3.0-or-later
"""Run folders and datasets as SRLab writes them (docs/reference.md §1.7, §1.8, §3.2)."""
import csv
import json
import math
import os

import numpy as np

METRIC_COLUMNS = ("step", "epoch", "wall_s", "train_loss", "val_loss", "val_snr_db", "val_lsd_db", "samples_per_s",
                  "data_wait_ms", "mem_mib", "lr", "grad_norm")


def _json(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def read_metrics(run_dir):
    """metrics.csv as a dict column -> float64 array (empty cells NaN). Rows that do not parse
    (a line cut by a crash) are skipped, as the workbench does."""
    path = os.path.join(os.fspath(run_dir), "metrics.csv")
    cols = {}
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header:
            return {c: np.zeros(0) for c in METRIC_COLUMNS}
        rows = []
        for row in reader:
            if len(row) != len(header):
                continue
            try:
                rows.append([float(v) if v.strip() else math.nan for v in row])
            except ValueError:
                continue
    table = np.array(rows, dtype=np.float64).reshape(-1, len(header))
    for i, name in enumerate(header):
        cols[name.strip()] = table[:, i]
    return cols


def read_run(run_dir):
    """A run folder: its config, summary, status, metrics and checkpoint folders (oldest first)."""
    d = os.fspath(run_dir)
    config = _json(os.path.join(d, "config.json"))
    if config is None:
        raise FileNotFoundError(f"{d}: not an SRLab run folder (no config.json)")
    ck = os.path.join(d, "checkpoints")
    checkpoints = []
    if os.path.isdir(ck):
        for name in os.listdir(ck):
            meta = _json(os.path.join(ck, name, "model.json"))
            if meta is not None:
                checkpoints.append((meta.get("step", 0), os.path.join(ck, name)))
    return {
        "config": config,
        "summary": _json(os.path.join(d, "summary.json"), {}),
        "status": _json(os.path.join(d, "status.json"), {}),
        "metrics": read_metrics(d) if os.path.exists(os.path.join(d, "metrics.csv")) else {},
        "checkpoints": [p for _, p in sorted(checkpoints)],
    }


def read_dataset(path):
    """A dataset. An HDF5 file (needs h5py) gives {"splits": {name: {"input", "label"}}, "attrs",
    "manifest", "file"}: each split's patches as h5py datasets of shape (n, dim, 1), read lazily,
    the build parameters and the manifest of source files (SHA-256, split, rate...). A streamed
    dataset's index (JSON) gives that dict as it is: its "sources" list the files, their SHA-256,
    split and item counts. Streamed items are cut and degraded by SRLab's loader;
    `srlab dataset build --from NAME.json --out NAME.h5` writes them to HDF5 for Python."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\x89HDF"):
        try:
            import h5py
        except ImportError:
            raise ImportError(f"{path}: reading an HDF5 dataset needs h5py (pip install h5py)") from None
        h = h5py.File(path, "r")
        splits = {name: {"input": h[name]["data"], "label": h[name]["label"]}
                  for name in ("train", "val", "test") if name in h and "data" in h[name]}
        manifest = json.loads(h["manifest"][()]) if "manifest" in h else {}
        return {"splits": splits, "attrs": dict(h.attrs), "manifest": manifest, "file": h}
    index = _json(path)
    if not isinstance(index, dict) or index.get("format") != "srlab-streamed":
        raise ValueError(f"{path}: neither an HDF5 dataset nor a streamed dataset index")
    return index
