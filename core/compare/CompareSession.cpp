// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/CompareSession.h"

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>

#include "audio/AudioFile.h"
#include "compare/CompareSteps.h"
#include "dataset/PairSpec.h"
#include "util/Error.h"
#include "util/ThreadPool.h"

namespace fs = std::filesystem;

namespace srlab {
namespace {

// Forwards the events, and lets another thread wait until opened() has been told (or until the
// load ended without it). The events themselves must be safe to call from two threads.
class OpenedGate final : public CompareEvents {
public:
    explicit OpenedGate(CompareEvents& e) : e_(e) {}
    void opened(const Comparison& c) override {
        e_.opened(c);
        std::lock_guard<std::mutex> lock(m_);
        opened_ = settled_ = true;
        cv_.notify_all();
    }
    void release() {
        std::lock_guard<std::mutex> lock(m_);
        settled_ = true;
        cv_.notify_all();
    }
    bool waitOpened() {  // true once opened() was told; false when the load ended without it
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return settled_; });
        return opened_;
    }
    void version(size_t i, const Version& v, const DisplaySpectrogram& o) override { e_.version(i, v, o); }
    void versionsDone(const Comparison& c) override { e_.versionsDone(c); }
    void difference(size_t of, const DisplaySpectrogram& d) override { e_.difference(of, d); }
    void modelVersion(size_t i, const Version& v, const DisplaySpectrogram& o, bool complete) override {
        e_.modelVersion(i, v, o, complete);
    }
    void modelRefused(const std::string& why, bool loadFailed) override { e_.modelRefused(why, loadFailed); }
    void metrics(const Comparison& c) override { e_.metrics(c); }

private:
    CompareEvents& e_;
    std::mutex m_;
    std::condition_variable cv_;
    bool opened_ = false, settled_ = false;
};

}  // namespace

using namespace compare_steps;

Comparison runCompare(const CompareRequest& r, CompareEvents& events, ProgressSink& progress, const CancelToken& cancel) {
    const CompareSettings& s = r.settings;
    if (s.scale < 1 || (s.rate != 0 && s.rate < 1000)) throw Error(r.path, "invalid rate or scale");
    // The models load (seconds for a large checkpoint) while the baselines are made. Each task
    // owns what it touches, so an early return (cancel, a bad file) need not wait for them.
    std::vector<std::future<void>> loading;
    std::vector<std::shared_ptr<CompareModel>> loaded;
    for (const auto& load : r.models) {
        loaded.push_back(std::make_shared<CompareModel>());
        loading.push_back(submit([out = loaded.back(), load] { *out = load(); }));
    }
    Comparison c;
    c.path = r.path;
    c.scale = s.scale;
    const double stages = 2 + 2.0 * double(r.models.size());
    progress.progress(0, stages, "versions");
    if (!r.cacheDir.empty()) {
        std::error_code ec;
        fs::create_directories(r.cacheDir, ec);
        if (ec) throw Error(r.cacheDir, "cannot create the cache folder (" + ec.message() + ")");
    }
    // The first model's view runs beside the versions, from its own excerpt of the file; it is
    // told only after opened() (which the view takes as a new comparison).
    OpenedGate gate(events);
    std::shared_future<void> firstLoaded;
    std::future<std::optional<Version>> early;
    if (!loading.empty()) {
        firstLoaded = loading[0].share();
        const AudioReader header(r.path);
        const int inRate = header.rate();
        const long long inFrames = header.framesHint();
        const int rate = targetRate(s, inRate);
        Comparison shape;
        shape.rate = rate;
        const size_t k = (inRate > double(rate) / s.scale * 1.001 ? 1 : 0) + baselineVersions(shape, s).size();
        auto task = std::make_shared<std::packaged_task<std::optional<Version>()>>(
            [&r, &gate, &cancel, model = loaded[0], firstLoaded, inRate, inFrames, rate, k]() -> std::optional<Version> {
                try {
                    firstLoaded.get();
                    auto v = earlyFocus(r, *model, inRate, inFrames, cancel);
                    if (!v || !gate.waitOpened()) return std::nullopt;
                    gate.modelVersion(k, *v, makeDisplaySpectrogram(*v->audio, 0, v->audio->size(), rate, r.windowMs,
                                                                    r.columns, 1), false);
                    return v;
                } catch (const std::exception&) {  // a model that fails here is reported by the main flow
                    return std::nullopt;
                }
            });
        early = task->get_future();
        submit([task] { (*task)(); });
    }
    // Whatever happens below, the task (which refers to this frame) ends before it returns.
    struct Join {
        std::future<std::optional<Version>>& f;
        OpenedGate& gate;
        ~Join() {
            gate.release();  // an early return: the task must not wait for opened()
            if (f.valid()) f.wait();
        }
    } join{early, gate};
    readVersions(c, r, gate, cancel);
    cancel.throwIfCancelled();
    makeBaselines(c, r, gate, cancel);
    cancel.throwIfCancelled();
    events.versionsDone(shown(c));
    const size_t firstBaseline = 2;
    tellDifference(c, firstBaseline, r, events);

    // A model that loads and fits this comparison, or nothing (with modelRefused said).
    auto usable = [&](size_t i) -> std::optional<CompareModel> {
        try {
            if (i == 0) firstLoaded.get();
            else loading[i].get();
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {  // a checkpoint that does not load: the rest stands
            events.modelRefused(e.what(), true);
            return std::nullopt;
        }
        const CompareModel& m = *loaded[i];
        if (!m.method.forFile && (m.rate != c.rate || m.scale != c.scale)) {
            events.modelRefused(m.name + " is made for " + std::to_string(m.rate) + " Hz x" + std::to_string(m.scale) +
                                    "; this comparison is " + std::to_string(c.rate) + " Hz x" + std::to_string(c.scale) +
                                    (c.hasTruth ? " (the file's truth is kept; pick that target rate to resample it)" : ""),
                                false);
            return std::nullopt;
        }
        return m;
    };
    std::optional<CompareModel> first;
    if (!loading.empty()) {
        progress.progress(1, stages, "model");
        first = usable(0);
    }
    Version mv(first ? versionName(*first) : std::string("super-res: "), nullptr, 0, first ? first->source : std::string());
    const size_t k = c.versions.size();
    std::optional<Version> earlyView = early.valid() ? early.get() : std::nullopt;
    if (first && earlyView) mv = *earlyView;  // already shown
    else if (first && focusRun(c, r, *first, mv, cancel))
        events.modelVersion(k, mv, overviewOf(*mv.audio, c.rate, r), false);

    progress.progress(first ? 2 : 1, stages, "metrics");
    // The truth's peaks once, for the baselines' metrics and every model's as it is made.
    std::optional<ReferencePeaks> peaks;
    if (c.hasTruth) peaks = truthPeaks(c, cancel);
    if (peaks) addMetrics(c, *peaks, cancel);
    events.metrics(shown(c));
    double stage = 3;
    auto wholeFile = [&](const CompareModel& m, Version v) {
        progress.progress(stage++, stages, "model (whole file)");
        std::optional<VersionTap> tap;
        if (peaks) tap.emplace(c, *peaks);
        try {
            v.audio = wholeFileRun(c, r, m, cancel, tap ? &*tap : nullptr);
        } catch (const Error& e) {
            if (!m.method.forFile) throw;
            events.modelRefused(e.what(), true);  // an output that cannot be lined up: the rest stands
            return;
        }
        if (tap && tap->complete()) {  // made now, not read from the cache
            v.metrics = tap->finish();
            v.hasMetrics = true;
            v.rms = tap->rms();
        } else {
            v.rms = rmsOf(*v.audio);
        }
        const size_t at = c.versions.size();
        c.versions.push_back(v);
        events.modelVersion(at, v, overviewOf(*v.audio, c.rate, r), true);
        if (peaks) addMetrics(c, *peaks, cancel);  // a version from the cache
        events.metrics(shown(c));
    };
    if (first) wholeFile(*first, mv);
    for (size_t i = 1; i < loading.size(); ++i)
        if (auto m = usable(i)) wholeFile(*m, Version(versionName(*m), nullptr, 0, m->source));
    if (first) tellDifference(c, k, r, events);
    return c;
}

}  // namespace srlab
