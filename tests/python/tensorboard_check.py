# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads a run folder's TensorBoard event files with the tensorboard package from PyPI and
checks them against the run's metrics.csv and snapshots/index.json.
Usage: tensorboard_check.py RUN_DIR. Prints "ok ..." or fails with the first difference."""
import csv
import json
import math
import os
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

run = sys.argv[1]
acc = EventAccumulator(run, size_guidance={"scalars": 0, "audio": 0})
acc.Reload()
tags = acc.Tags()

columns = {"train/loss": "train_loss", "val/loss": "val_loss", "val/snr_db": "val_snr_db",
           "val/lsd_db": "val_lsd_db", "train/samples_per_s": "samples_per_s",
           "train/data_wait_ms": "data_wait_ms", "train/mem_mib": "mem_mib", "train/lr": "lr",
           "train/grad_norm": "grad_norm"}
with open(os.path.join(run, "metrics.csv")) as f:
    rows = list(csv.DictReader(f))
checked = 0
for tag, col in columns.items():
    expected = [(int(r["step"]), float(r[col])) for r in rows if r.get(col)]
    assert tag in tags["scalars"], f"{tag} missing; scalars: {tags['scalars']}"
    got = [(e.step, e.value) for e in acc.Scalars(tag)]
    assert len(got) == len(expected), f"{tag}: {len(got)} events, metrics.csv has {len(expected)}"
    for (gs, gv), (es, ev) in zip(got, expected):
        assert gs == es, f"{tag}: step {gs} != {es}"
        assert math.isclose(gv, ev, rel_tol=1e-6, abs_tol=1e-30), f"{tag} at step {gs}: {gv} != {ev}"
        checked += 1

with open(os.path.join(run, "snapshots", "index.json")) as f:
    index = json.load(f)
for clip in index["clips"]:
    tag = "snapshot/" + clip["name"]
    assert tag in tags["audio"], f"{tag} missing; audio: {tags['audio']}"
    steps = [e.step for e in acc.Audio(tag)]
    assert steps == index["steps"], f"{tag}: steps {steps} != {index['steps']}"
    a = acc.Audio(tag)[-1]
    assert a.content_type == "audio/wav" and a.sample_rate == index["rate"], (a.content_type, a.sample_rate)
    assert a.encoded_audio_string[:4] == b"RIFF" and a.length_frames > 0
    assert "truth/" + clip["name"] in tags["audio"]
print(f"ok {checked} scalars, {len(index['clips'])} clips x {len(index['steps'])} snapshots")
