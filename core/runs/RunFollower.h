// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Follows the runs of a workspace (its runs/ folder) and any run folders added from elsewhere:
// one RunModel per folder, polled in passes (RunModel::poll), the runs being drawn at
// Depth::Curves and the others at Depth::Summary. Each pass reports what changed as one batch,
// and a long pass (the first one over hundreds of runs) reports every ~100 ms as it goes, so a
// table fills in as summaries arrive.
//
// Threads: run() is the follower's loop, on one worker thread (the workbench runs it as a
// JobRunner job; tests call pass() directly). setRunsFolder(), add(), setCurves(), wake(),
// model() and models() may be called from any thread (the GUI's) and never wait on a pass: the
// registry has its own mutex, held only to copy the list.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "runs/RunModel.h"
#include "util/CancelToken.h"

namespace srlab {

class RunFollower {
public:
    struct Changes {
        std::vector<std::string> changed;  // run folders whose model moved on
        bool listChanged = false;          // runs came or went
        bool empty() const { return changed.empty() && !listChanged; }
    };

    void setRunsFolder(const std::string& dir);  // "" for none
    void add(const std::string& runDir);         // a run from anywhere, followed like the rest
    // The model of a folder, made now if it is not followed yet (then followed as if added).
    std::shared_ptr<RunModel> ensure(const std::string& runDir);
    void setCurves(const std::vector<std::string>& runDirs);  // these at Depth::Curves
    std::shared_ptr<RunModel> model(const std::string& runDir) const;  // null if not followed
    // Every followed folder that holds a run, by path.
    std::vector<std::shared_ptr<RunModel>> runs() const;

    // One pass over every run; `report` gets the changes so far every ~100 ms and at the end.
    void pass(const std::function<void(Changes)>& report, const CancelToken* cancel = nullptr);
    // Passes every `interval` (or at once after wake()) until cancelled.
    void run(const CancelToken& cancel, const std::function<void(Changes)>& report,
             std::chrono::milliseconds interval = std::chrono::milliseconds(250));
    void wake();

private:
    mutable std::mutex m_;
    std::condition_variable woken_;
    bool wake_ = false;
    std::string runsFolder_;
    std::set<std::string> added_, curves_;
    std::vector<std::shared_ptr<RunModel>> models_;  // sorted by dir
    std::set<std::string> shownRuns_;                // the followed folders that held a run at the last report
    std::map<std::string, uint64_t> reported_;       // run folder -> revision last reported
};

}  // namespace srlab
