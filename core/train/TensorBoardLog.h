// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// TensorBoard output of a run, as an observer of the trainer's events: every metrics.csv
// column as a scalar, and the audio snapshots (plus, once, the clips' truth and input) as WAV
// audio, in an event file in the run folder (runs/EventFile.h); and for the HParams dashboard,
// the run's hyper-parameters at its start, its best validation SNR and LSD so far as the
// scalars hparams/best_val_snr_db and hparams/best_val_lsd_db, and its end.
//
// Threads: the training thread (the writer rank's) only.
#include <memory>
#include <string>

#include "runs/EventFile.h"
#include "train/Trainer.h"

namespace srlab {

class TensorBoardLog final : public TrainEvents {
public:
    // Throws Error when it cannot create the file.
    TensorBoardLog(const std::string& runDir, const TrainConfig& cfg);
    void row(const TrainRow& r) override;
    void snapshot(int64_t step) override;
    void end(bool success);  // the session's end, for the HParams dashboard

private:
    std::string runDir_;
    EventFile file_;
    bool loggedClips_ = false;
    double bestSnr_ = -1e300, bestLsd_ = 1e300;
};

// Sends every event to each of a list of observers, in order.
class TrainEventsFanOut final : public TrainEvents {
public:
    explicit TrainEventsFanOut(std::vector<TrainEvents*> to) : to_(std::move(to)) {}
    void started(const std::string& device, int64_t parameters) override {
        for (auto* e : to_) e->started(device, parameters);
    }
    void row(const TrainRow& r) override {
        for (auto* e : to_) e->row(r);
    }
    void progress(int64_t step, int64_t total, double etaS) override {
        for (auto* e : to_) e->progress(step, total, etaS);
    }
    void snapshot(int64_t step) override {
        for (auto* e : to_) e->snapshot(step);
    }
    void log(const std::string& line) override {
        for (auto* e : to_) e->log(line);
    }
    void note(const std::string& text) override {
        for (auto* e : to_) e->note(text);
    }

private:
    std::vector<TrainEvents*> to_;
};

}  // namespace srlab
