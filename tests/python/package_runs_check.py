#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python package's readers against what `srlab train` and `srlab dataset build` wrote, for
tests/python/PackageTest.cpp:

  package_runs_check.py --run RUN_DIR --dataset SET.h5 --steps N --dim N --sources N
Prints one JSON line; exits 1 on a mismatch.
"""
import argparse
import json
import sys

import numpy as np
import torch

import srlab


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--run", required=True)
    p.add_argument("--dataset", required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--sources", type=int, required=True)
    p.add_argument("--old-checkpoint", help="a checkpoint whose model.pt is in SRLab's earlier format")
    a = p.parse_args()
    problems = []
    run = srlab.read_run(a.run)
    m = run["metrics"]
    steps = m["step"][~np.isnan(m["train_loss"])]
    if list(steps) != list(range(1, a.steps + 1)):
        problems.append(f"train rows at steps {list(steps)}")
    if not np.isfinite(m["val_snr_db"]).any():
        problems.append("no validation SNR")
    if run["summary"].get("steps") != a.steps:
        problems.append(f"summary steps {run['summary'].get('steps')}")
    if not run["checkpoints"]:
        problems.append("no checkpoints")
    else:
        last = run["checkpoints"][-1]
        meta = srlab.read_meta(last)
        if meta["step"] != a.steps:
            problems.append(f"last checkpoint at step {meta['step']}")
        model = srlab.load(last)  # weights_only load into the network
        w = torch.load(last + "/model.pt")  # plain torch.load, today's default
        if set(w) != set(model.net.state_dict()):
            problems.append("model.pt keys differ from the network's")
    if a.old_checkpoint:  # libtorch's typed pickle, which weights_only=True refuses: still loads
        old = srlab.load(a.old_checkpoint)
        new = srlab.load(run["checkpoints"][-1])
        for k, v in new.net.state_dict().items():
            if not torch.equal(v, old.net.state_dict()[k]):
                problems.append(f"the earlier-format checkpoint differs at {k}")
                break
    ds = srlab.read_dataset(a.dataset)
    if set(ds["splits"]) != {"train", "val", "test"}:
        problems.append(f"splits {sorted(ds['splits'])}")
    for name, split in ds["splits"].items():
        x, y = split["input"], split["label"]
        if x.shape != y.shape or x.shape[1:] != (a.dim, 1) or x.shape[0] < 1:
            problems.append(f"{name}: shapes {x.shape} {y.shape}")
        elif not np.isfinite(x[:]).all():
            problems.append(f"{name}: non-finite input")
    if len(ds["manifest"].get("sources", [])) != a.sources:
        problems.append(f"{len(ds['manifest'].get('sources', []))} sources in the manifest")
    report = {"rows": int(len(m["step"])), "checkpoints": len(run["checkpoints"]),
              "patches": {k: int(v["input"].shape[0]) for k, v in ds["splits"].items()}, "problems": problems}
    print(json.dumps(report))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
