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
# The HParams dashboard: the session's hyper-parameters, its end, and the best validation figures.
from tensorboard.plugins.hparams import plugin_data_pb2

with open(os.path.join(run, "config.json")) as f:
    config = json.load(f)
content = acc.PluginTagToContent("hparams")
assert "_hparams_/session_start_info" in content, f"no HParams session; plugin tags: {content.keys()}"
start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"]).session_start_info
hp = start.hparams
expect = {"model": config["model"]["arch"] + "/" + config["model"]["preset"], "loss": config["loss"]}
for k, v in expect.items():
    assert hp[k].string_value == v, f"hparam {k}: {hp[k]} != {v}"
assert math.isclose(hp["lr"].number_value, config["lr"]) and hp["batch"].number_value == config["batch"], hp
end = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"]).session_end_info
assert end.status == 1, f"session end status {end.status}"
snr = [float(r["val_snr_db"]) for r in rows if r.get("val_snr_db")]
best = [e.value for e in acc.Scalars("hparams/best_val_snr_db")]
assert snr and math.isclose(best[-1], max(snr), rel_tol=1e-6), (best, snr)
lsd = [float(r["val_lsd_db"]) for r in rows if r.get("val_lsd_db")]
assert math.isclose(acc.Scalars("hparams/best_val_lsd_db")[-1].value, min(lsd), rel_tol=1e-6)
print(f"ok {checked} scalars, {len(index['clips'])} clips x {len(index['steps'])} snapshots, "
      f"{len(hp)} hyper-parameters")
