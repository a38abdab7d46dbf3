// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The staged load behind Compare & Listen: one file becomes its versions, their overview
// spectrograms, their metrics, a model's version and the difference pane, each reported the
// moment it exists so a view can draw the fast parts while the slow ones are computed.
//
// Order of events (on the thread that calls run(), in this order, but for the model's view):
//   opened(c)              the file is read: rate, scale, length, whether there is a truth
//   version(0)             the ground truth (when the file has it), alone, as soon as it is read
//   version(i) ...         low-res and baselines, in any order
//   versionsDone(c)        all of them: every pane but the model's can be drawn
//   difference(k)          the first baseline minus the truth
//   modelVersion(partial)  the model's output over the focus range (zeros elsewhere), made
//                          from the file's own excerpt beside the versions: it comes as soon as
//                          the model has loaded, any time after opened(), from another thread
//   metrics(c)             every baseline's metrics
//   modelVersion(complete) the model over the whole file, then metrics(c) again with its row,
//   ...                    and so for every further model (whole file only), in order;
//   difference(k)          the first model minus the truth
// or modelRefused(why) in place of a model's events. Metrics and the difference pane exist
// only with ground truth. Cancellation throws Cancelled out of run() between stages.
#include <functional>
#include <string>
#include <vector>

#include "compare/CompareMetrics.h"  // addMetrics
#include "compare/Comparison.h"
#include "dsp/DisplaySpectrogram.h"
#include "eval/Evaluator.h"
#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab {

// A trained model as Compare takes it (see infer/ModelUpsampler.h for the torch side).
struct CompareModel {
    std::string name;    // "spectral/small"
    int rate = 0, scale = 0;
    Method method;       // must be cancellable: the model's version is long work
    // What identifies its output for a file and settings (the checkpoint's path and time): the
    // whole-file version is reused from the cache when it matches. Empty: always remade.
    std::string cacheKey;
    std::string source;  // the checkpoint folder, named in exports
};

struct CompareRequest {
    std::string path;
    CompareSettings settings;
    // Where the versions are written as float32 files (compareCacheFolder()): each is made as a
    // stream into its file and mapped back, so memory does not grow with the file's length; a
    // version already there is reused. Empty: in memory.
    std::string cacheDir;
    double windowMs = 46;    // of the overview spectrograms
    size_t columns = 1600;   // overview frames: about one per pixel of a pane
    // Seconds of the file the model makes first (the view, or where playback starts).
    double focusBegin = 0, focusEnd = 10;
    // Each loads a model on a pool thread while the baselines are made; empty: no model. Throws
    // Error when it cannot, which becomes modelRefused. The first model also makes the focus
    // range first and the difference pane; several compare checkpoints side by side.
    std::vector<std::function<CompareModel()>> models;
};

class CompareEvents {
public:
    virtual ~CompareEvents() = default;
    virtual void opened(const Comparison& c) = 0;             // no versions yet
    virtual void version(size_t index, const Version& v, const DisplaySpectrogram& overview) = 0;
    virtual void versionsDone(const Comparison& c) = 0;       // c.low is left out
    virtual void difference(size_t of, const DisplaySpectrogram& d) = 0;  // versions[of] - truth
    virtual void modelVersion(size_t index, const Version& v, const DisplaySpectrogram& overview, bool complete) = 0;
    // The model was not used: it does not fit this comparison's rate and scale (a choice to
    // show), or its checkpoint failed to load (an error to report).
    virtual void modelRefused(const std::string& why, bool loadFailed) = 0;
    virtual void metrics(const Comparison& c) = 0;            // c.low is left out
};

// The folder under `root` for a comparison of `path` with `settings`: named by a hash of the
// file's path, size and time and of the settings, so the same comparison finds its versions
// again. Throws Error naming a file that cannot be seen.
std::string compareCacheFolder(const std::string& root, const std::string& path, const CompareSettings& settings);
// Removes every comparison's folder under `root` but `keep` and those a load has leased (best
// effort): one comparison's versions on disk at a time. Files still mapped by a view stay
// readable until it lets go.
void dropOtherCaches(const std::string& root, const std::string& keep);

// A load's hold on its cache folder, from before it drops the others until it ends: a load still
// running (one just superseded, say) keeps its folder, and the next load's dropOtherCaches does
// not remove a folder from under it (nor it the next load's). Threads: any; held by one.
class CompareCacheLease {
public:
    explicit CompareCacheLease(const std::string& dir);
    ~CompareCacheLease();
    CompareCacheLease(const CompareCacheLease&) = delete;
    CompareCacheLease& operator=(const CompareCacheLease&) = delete;

private:
    std::string dir_;
};

// Runs every stage on the calling thread (a job's worker), with the shared pool for the
// parallel parts. Returns the whole comparison, low-rate signal included. Throws Error for a
// file that cannot be compared, Cancelled when cancelled.
Comparison runCompare(const CompareRequest& request, CompareEvents& events, ProgressSink& progress,
                      const CancelToken& cancel);

}  // namespace srlab
