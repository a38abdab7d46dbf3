// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Training runs (docs/reference.md §3). A run is a folder:
//   config.json   every hyper-parameter, the dataset's SHA-256, the code version
//   metrics.csv   step,epoch,wall_s,train_loss,val_loss,val_snr_db,val_lsd_db,samples_per_s,data_wait_ms
//                 (val_* at epoch ends, throughput on step rows)
//   status.json   running | paused | stopped | finished | failed, with a message
//   checkpoints/  epoch-NNNN/, best/ (lowest val loss), last/ (resume point); see Checkpoint.h
//   train.log     what happened, in words
// No libtorch in this header: the GUI includes it.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "runs/DistEnv.h"
#include "runs/RunFolder.h"
#include "runs/TrainConfig.h"
#include "util/CancelToken.h"

namespace srlab {


// Called on the training thread; implementations forward to wherever they report.
struct TrainEvents {
    virtual ~TrainEvents() = default;
    virtual void started(const std::string& device, int64_t parameters) { (void)device, (void)parameters; }
    virtual void row(const TrainRow& r) { (void)r; }
    virtual void progress(int64_t step, int64_t totalSteps, double etaS) { (void)step, (void)totalSteps, (void)etaS; }
    virtual void log(const std::string& line) { (void)line; }
    virtual void note(const std::string& text) { (void)text; }  // something the user must see
};

struct TrainControl {
    std::atomic<bool> pause{false};
    CancelToken stop;  // the run saves a checkpoint and returns Stopped
};

enum class RunOutcome { Finished, Stopped, TimeLimit };

// Creates the run folder with config.json (throws if it already holds a run).
void createRun(const std::string& runDir, TrainConfig cfg);
// Trains from the start, or from checkpoints/last when there is one. Throws Error on failure
// (bad dataset, NaN loss...) after recording it in status.json and train.log.
// With `dist` active (several ranks, see DistEnv.h) every rank calls this with the same folder:
// they join over c10d, average gradients, and only rank 0 writes the folder.
RunOutcome trainRun(const std::string& runDir, TrainEvents& events, TrainControl& control, const DistEnv& dist = {});

std::string describeDevice(const std::string& request);  // "cuda (NVIDIA ...)" or "cpu (N threads)"

}  // namespace srlab
