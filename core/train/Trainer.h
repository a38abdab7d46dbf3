// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Training runs (docs/reference.md §3): createRun() makes a run folder (its files are listed in
// runs/RunWriter.h, which writes them), trainRun() trains it, or resumes it from
// checkpoints/last. The session loop is in Trainer.cpp; the optimisation step in OptimStep,
// the device in Device, TensorBoard output in TensorBoardLog (an observer of TrainEvents).
// No libtorch in this header: the GUI includes it.
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "runs/DistEnv.h"
#include "runs/RunFolder.h"
#include "runs/TrainConfig.h"
#include "util/CancelToken.h"

namespace srlab {

// What a run reports, in order. Called on the training thread; implementations forward to
// wherever they report (the CLI's progress line, the GUI's RunModel and status line,
// TensorBoard).
struct TrainEvents {
    virtual ~TrainEvents() = default;
    virtual void started(const std::string& device, int64_t parameters) { (void)device, (void)parameters; }
    virtual void row(const TrainRow& r) { (void)r; }  // each metrics.csv row, once written
    virtual void progress(int64_t step, int64_t totalSteps, double etaS) { (void)step, (void)totalSteps, (void)etaS; }
    virtual void snapshot(int64_t step) { (void)step; }  // audio snapshots of this step written
    virtual void log(const std::string& line) { (void)line; }
    virtual void note(const std::string& text) { (void)text; }  // something the user must see
};

// Pause and stop, set from any thread (stop also from a signal handler: the CLI's SIGINT).
// A paused run waits on a condition variable; setPaused(false) and requestStop() wake it.
class TrainControl {
public:
    CancelToken stop;  // the run saves a checkpoint and returns Stopped
    void setPaused(bool paused) {
        {
            std::lock_guard lock(m_);
            paused_ = paused;
        }
        cv_.notify_all();
    }
    bool paused() const {
        std::lock_guard lock(m_);
        return paused_;
    }
    void requestStop() {
        stop.cancel();
        cv_.notify_all();
    }
    // The training thread: returns once not paused, or stopped. A stop set by a signal handler
    // (which cannot notify) is seen within a quarter second.
    void waitWhilePaused() {
        std::unique_lock lock(m_);
        while (paused_ && !stop.cancelled()) cv_.wait_for(lock, std::chrono::milliseconds(250));
    }

private:
    mutable std::mutex m_;
    std::condition_variable cv_;
    bool paused_ = false;
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
