// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A run folder as the workbench sees it, live: its settings, state, summary, note, checkpoints
// and, when asked for, its curves (runs/CurveSeries.h). In the manner of Sonic Visualiser's
// models, it is thread-safe and views take copies of what they draw; nothing a view copies
// grows with the run's length.
//
// poll() brings it up to date from the folder: small files (config.json, status.json,
// summary.json, note.txt, checkpoint metadata) are re-read only when their size or time
// changed; metrics.csv is tailed from the byte offset read so far, whole lines only (a torn
// last line waits for its newline), and read again from the start when it was truncated or
// replaced (a resume rewrites it). An in-process run's rows also arrive through feed(), at
// once; the tail then skips what was fed.
//
// Threads: poll() runs on RunFollower's thread (or any one thread at a time); feed() on the
// trainer's; the getters on any thread (the GUI's), each a short copy under the model's mutex.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runs/CurveSeries.h"
#include "runs/ModelConfig.h"
#include "runs/RunFolder.h"
#include "runs/RunSummary.h"
#include "runs/RunWriter.h"

namespace srlab {

struct CheckpointEntry {
    std::string path;
    CheckpointMeta meta;
    bool readable = true;  // model.json parsed
};

class RunModel {
public:
    // Summary: settings, state, summary, note, checkpoints; metrics.csv only when the run has no
    // summary.json (earlier SRLab). Curves: also the curves, tailing metrics.csv.
    enum class Depth { Summary, Curves };
    explicit RunModel(std::string runDir);
    const std::string& dir() const { return dir_; }

    // True when anything a view shows changed.
    bool poll(Depth depth);
    void feed(const TrainRow& row);

    bool isRun() const;                      // config.json read
    std::optional<TrainConfig> config() const;
    RunStatus status() const;
    RunSummary summary() const;
    std::string note() const;
    std::vector<CheckpointEntry> checkpoints() const;
    std::vector<BaselineReference> baselines() const;
    RunCurves curves() const;                // empty unless polled at Depth::Curves
    uint64_t revision() const;               // moves whenever something above changed
    int64_t metricsOffset() const;           // bytes of metrics.csv consumed (tests)
    bool curvesRead() const;                 // the curves hold the history read so far, to its end

private:
    struct Stamp {  // size -1: no such file
        int64_t size = -1, mtimeNs = 0, inode = 0;
        bool operator==(const Stamp& o) const { return size == o.size && mtimeNs == o.mtimeNs && inode == o.inode; }
    };
    static Stamp stampOf(const std::string& path);
    template <typename Read, typename Store>
    bool reread(Stamp& stamp, const std::string& file, Read read, Store store);
    bool pollCheckpoints();
    bool tail(bool keepCurves);
    void resetHistory();
    void take(const TrainRow& r, bool keepCurves);

    const std::string dir_;
    mutable std::mutex m_;
    // Read by poll() (one thread) and copied out by the getters.
    std::optional<TrainConfig> config_;
    RunStatus status_;
    RunSummary summary_, fileSummary_;
    bool haveFileSummary_ = false;
    std::string note_;
    std::vector<CheckpointEntry> checkpoints_;
    std::vector<BaselineReference> baselines_;
    RunCurves curves_;
    bool curvesKept_ = false;  // the history is being read at Depth::Curves (from its start)
    uint64_t revision_ = 0;
    // The tail of metrics.csv: poll()'s thread only.
    Stamp configStamp_, statusStamp_, summaryStamp_, noteStamp_, checkpointsStamp_, metricsStamp_;
    // Until then the checkpoints folder is listed at every poll (pollCheckpoints).
    std::chrono::steady_clock::time_point checkpointsRecheckUntil_{};
    int64_t offset_ = 0;
    std::string lastLine_;          // the last whole line consumed, to notice a rewrite in place
    RunSummary tailSummary_;        // from the rows read
    int64_t lastKey_ = -1;          // TrainRow::orderKey() of the newest row taken (fed or read)
    std::vector<std::pair<std::string, std::pair<Stamp, CheckpointEntry>>> checkpointCache_;
    std::atomic<int64_t> offsetSeen_{0};
    std::atomic<bool> curvesRead_{false};
};

}  // namespace srlab
