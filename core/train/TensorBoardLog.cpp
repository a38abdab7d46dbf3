// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/TensorBoardLog.h"

#include "audio/AudioFile.h"
#include "runs/Snapshots.h"

namespace srlab {

TensorBoardLog::TensorBoardLog(const std::string& runDir) : runDir_(runDir), file_(runDir) {}

void TensorBoardLog::row(const TrainRow& r) {
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
