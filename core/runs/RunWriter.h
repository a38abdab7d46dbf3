// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one writer of a run folder (docs/reference.md §3.2). A run is a folder:
//   config.json   every hyper-parameter, the dataset's SHA-256, the code version
//   metrics.csv   the history, one row per step and per validation (runs/MetricsCsv.h)
//   summary.json  the run in a few numbers (runs/RunSummary.h), for tables and listings
//   status.json   created | running | paused | stopped | finished | failed, with a message
//   train.log     what happened, in words
//   note.txt      the user's note
//   baselines.json, snapshots/, events.out.tfevents.*, checkpoints/ (train/Checkpoint.h)
// The trainer, the CLI and the GUI write these files only through RunWriter (and the free
// functions below); runs/RunFolder.h and runs/RunModel.h read them. No libtorch here.
//
// Threads: a RunWriter belongs to one thread (the trainer's); one writer per folder is kept by
// the run's lock file (util/FileLock.h), which the caller holds. Readers in other threads or
// processes may read at any time: metrics.csv only grows by whole flushed rows (until a resume
// rewrites it atomically), and every other file is replaced atomically.
#include <chrono>
#include <fstream>
#include <string>

#include "runs/MetricsCsv.h"
#include "runs/RunFolder.h"
#include "runs/RunSummary.h"

namespace srlab {

class RunWriter {
public:
    explicit RunWriter(std::string runDir);
    ~RunWriter();  // writes the summary if it is behind
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    const std::string& dir() const { return dir_; }
    void writeConfig(const std::string& json);  // atomically
    // Keeps the rows up to `keepThroughStep` (a resume's checkpoint; 0 at a fresh start, which
    // keeps none) and appends from there; the summary restarts from the kept rows.
    void startMetrics(int64_t keepThroughStep);
    void appendRow(const TrainRow& row);  // flushed at once: other processes follow the file
    void setStatus(RunState state, const std::string& message);
    void setDevice(const std::string& device);
    void setTotalSteps(int64_t steps);
    void log(const std::string& line);  // one line of train.log, flushed
    void flushSummary();                // summary.json now
    const RunSummary& summary() const { return summary_; }

private:
    std::string dir_;
    std::ofstream csv_, log_;
    RunSummary summary_;
    bool summaryBehind_ = false;
    std::chrono::steady_clock::time_point summaryWritten_{};
};

// The user's note (note.txt), written atomically; "" when there is none.
void writeRunNote(const std::string& runDir, const std::string& text);
std::string readRunNote(const std::string& runDir);

}  // namespace srlab
