// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/TensorBoardLog.h"

#include <cmath>
#include <filesystem>

#include "audio/AudioFile.h"
#include "runs/Snapshots.h"

namespace srlab {

TensorBoardLog::TensorBoardLog(const std::string& runDir, const TrainConfig& c) : runDir_(runDir), file_(runDir) {
    using H = EventFile::HParam;
    const auto num = [](const char* n, double v) { return H{n, true, v, {}}; };
    const auto text = [](const char* n, const std::string& v) { return H{n, false, 0, v}; };
    file_.sessionStart({text("model", c.model.arch + "/" + c.model.preset), text("arch", c.model.arch),
                        text("preset", c.model.preset), text("loss", c.loss), num("stft_weight", c.stftWeight),
                        num("lr", c.lr), text("lr_schedule", c.lrSchedule), num("warmup_steps", double(c.warmupSteps)),
                        num("batch", c.batch), num("epochs", c.epochs), num("steps_per_epoch", double(c.stepsPerEpoch)),
                        num("seed", double(c.seed)), num("rate", c.model.rate), num("scale", c.model.scale),
                        num("patch", c.model.dim), text("dataset", std::filesystem::path(c.dataset).filename().string()),
                        text("init", c.init.empty() ? "none" : c.init), text("precision", c.precision),
                        text("device", c.device)},
                       std::filesystem::path(runDir).filename().string());
}

void TensorBoardLog::end(bool success) { file_.sessionEnd(success ? 1 : 2); }

void TensorBoardLog::row(const TrainRow& r) {
    // The dashboard shows each metric's last value: the best so far is what a run is read by.
    if (std::isfinite(r.valSnr) && r.valSnr > bestSnr_) bestSnr_ = r.valSnr;
    if (std::isfinite(r.valLsd) && r.valLsd < bestLsd_) bestLsd_ = r.valLsd;
    if (std::isfinite(r.valSnr) || std::isfinite(r.valLsd)) {
        file_.scalar("hparams/best_val_snr_db", r.step, bestSnr_ > -1e300 ? bestSnr_ : NAN);
        file_.scalar("hparams/best_val_lsd_db", r.step, bestLsd_ < 1e300 ? bestLsd_ : NAN);
    }
    file_.scalar("train/loss", r.step, r.trainLoss);
    file_.scalar("val/loss", r.step, r.valLoss);
    file_.scalar("val/snr_db", r.step, r.valSnr);
    file_.scalar("val/lsd_db", r.step, r.valLsd);
    file_.scalar("train/samples_per_s", r.step, r.samplesPerS);
    file_.scalar("train/data_wait_ms", r.step, r.dataWaitMs);
    file_.scalar("train/mem_mib", r.step, r.memMiB);
    file_.scalar("train/lr", r.step, r.lr);
    file_.scalar("train/grad_norm", r.step, r.gradNorm);
}

void TensorBoardLog::snapshot(int64_t step) {
    const SnapshotIndex idx = readSnapshotIndex(runDir_);
    for (const auto& clip : idx.clips) {
        int rate = 0;
        if (!loggedClips_) {
            file_.audio("truth/" + clip.name, 0, readMono(snapshotTruthPath(runDir_, clip.name), &rate), idx.rate);
            file_.audio(idx.baseline + "/" + clip.name, 0, readMono(snapshotInputPath(runDir_, clip.name), &rate), idx.rate);
        }
        file_.audio("snapshot/" + clip.name, step, readMono(snapshotPath(runDir_, step, clip.name), &rate), idx.rate);
    }
    loggedClips_ = true;
}

}  // namespace srlab
