// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/CompareSession.h"

#include "metrics/MetricStream.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <optional>

#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "dataset/PairMaker.h"
#include "dataset/PairSpec.h"
#include "dsp/Bandwidth.h"
#include "dsp/Interpolate.h"
#include "util/Error.h"
#include "util/ThreadPool.h"

namespace srlab {
namespace {

// What the view keeps: everything but the low-rate signal.
Comparison shown(const Comparison& c) {
    Comparison v;
    v.path = c.path;
    v.rate = c.rate;
    v.scale = c.scale;
    v.frames = c.frames;
    v.hasTruth = c.hasTruth;
    v.contentCutoffHz = c.contentCutoffHz;
    v.versions = c.versions;
    return v;
}

// Reads the file and makes the truth (when there is one) and the low-rate signal; tells the
// truth's overview as soon as it exists.
void readVersions(Comparison& c, const CompareRequest& r, CompareEvents& events) {
    CompareSettings s = r.settings;
    int inRate = 0;
    std::vector<float> mono = readMono(r.path, &inRate);
    if (s.rate == 0) s.rate = inRate;
    checkScaleFitsRate(s.rate, s.scale, "target");
    c.rate = s.rate;
    const double lowRate = double(s.rate) / s.scale;
    if (inRate <= lowRate * 1.001) {  // real low-res input: nothing to compare against
        c.low = resample(mono, inRate, lowRate);
        c.frames = c.low.size() * size_t(s.scale);
        events.opened(shown(c));
        return;
    }
    std::vector<float> hi = toTargetRate(std::move(mono), inRate, s.rate, s.scale);
    Degradation how = s.filter;
    if (how.gainDb != 0) {  // a gain step changes the truth too: apply it here, once
        const float g = float(std::pow(10.0, how.gainDb / 20.0));
        for (float& v : hi) v *= g;
        how.gainDb = 0;
    }
    if (hi.size() < std::max<size_t>(2048, minDegradeLength(how)))
        throw Error(r.path, "too short to compare (under 2048 samples at the target rate)");
    c.frames = hi.size();
    c.hasTruth = true;
    events.opened(shown(c));
    c.versions.push_back({"ground truth", makeSamples(std::move(hi)), 0, false, {}});
    // The truth is drawn while the low-res signal is derived from it.
    auto truthShown = submit([&] {
        Version& v = c.versions[0];
        v.rms = rmsOf(*v.audio);
        events.version(0, v, makeDisplaySpectrogram(*v.audio, c.rate, r.windowMs, r.columns, 1));
    });
    std::exception_ptr failed;
    try {
        auto truth = *c.versions[0].audio;
        c.low = degrade(truth, c.rate, s.scale, how).low;
    } catch (...) {
        failed = std::current_exception();
    }
    truthShown.get();  // it reads c: wait for it whatever happened
    if (failed) std::rethrow_exception(failed);
}

// Low-res (heard through band-limited interpolation, so it differs from the "sinc" baseline
// only in name: that one is not repeated) and the baselines, in parallel.
void makeBaselines(Comparison& c, const CompareRequest& r, CompareEvents& events, const CancelToken& cancel) {
    const CompareSettings& s = r.settings;
    const size_t first = c.versions.size();
    c.versions.push_back({"low-res", {}, double(c.rate) / s.scale / 2, false, {}});
    for (const auto& b : s.baselines)
        if (b != "sinc") c.versions.push_back({b, {}, 0, false, {}});
    // One more item beside the baselines: the truth's own bandwidth.
    const size_t baselines = c.versions.size() - first;
    parallelFor(baselines + (c.hasTruth ? 1 : 0), [&](size_t j) {
        cancel.throwIfCancelled();
        if (j == baselines) {
            const Bandwidth bw = estimateBandwidth(*c.versions[0].audio, c.rate);
            if (!bw.fullBand) c.contentCutoffHz = bw.cutoffHz;
            return;
        }
        const size_t i = first + j;
        Version& v = c.versions[i];
        v.audio = makeSamples(j == 0 ? sincUpsample(c.low, s.scale, c.frames)
                                     : upsample(c.low, s.scale, c.frames, parseBaseline(v.name)));
        v.rms = rmsOf(*v.audio);
        events.version(i, v, makeDisplaySpectrogram(*v.audio, c.rate, r.windowMs, r.columns, 1));
    });
}

void tellDifference(const Comparison& c, size_t of, const CompareRequest& r, CompareEvents& events) {
    if (!c.hasTruth || of == 0 || of >= c.versions.size()) return;
    events.difference(of, makeDifferenceSpectrogram(*c.versions[of].audio, *c.versions[0].audio, 0, c.frames, c.rate,
                                                    r.windowMs, r.columns));
}

// The model over the focus range only (with a second of context either side), placed in a
// silent full-length signal: what makes it audible and drawn where the user looks, first.
// Returns false when the focus is (nearly) the whole file: then only the full run is worth it.
bool focusRun(const Comparison& c, const CompareRequest& r, const CompareModel& m, Version& v, const CancelToken& cancel) {
    const double lowRate = double(c.rate) / c.scale;
    const size_t n = c.low.size();
    const auto at = [&](double seconds) { return size_t(std::clamp(seconds * lowRate, 0.0, double(n))); };
    const size_t a = at(r.focusBegin - 1), b = at(r.focusEnd + 1);
    if (b <= a || (b - a) * 2 > n) return false;
    const std::vector<float> slice(c.low.begin() + long(a), c.low.begin() + long(b));
    const size_t outBegin = a * size_t(c.scale);
    const size_t outLen = std::min(c.frames - outBegin, (b - a) * size_t(c.scale));
    const std::vector<float> part = m.method.run(slice, outLen, cancel);
    std::vector<float> out(c.frames, 0.0f);
    std::copy(part.begin(), part.end(), out.begin() + long(outBegin));
    v.audio = makeSamples(std::move(out));
    return true;
}

}  // namespace

void addMetrics(Comparison& c, const CancelToken& cancel) {
    if (!c.hasTruth) return;
    std::vector<size_t> todo;
    for (size_t i = 1; i < c.versions.size(); ++i)
        if (!c.versions[i].hasMetrics) todo.push_back(i);
    if (todo.empty()) return;
    const std::vector<float>& y = *c.versions[0].audio;
    for (size_t i : todo)
        if (c.versions[i].audio->size() != y.size())
            throw Error("metrics", "reference has " + std::to_string(y.size()) + " samples, estimate " +
                                       std::to_string(c.versions[i].audio->size()));
    // Added up a block at a time (metrics/MetricStream.h): the numbers of a whole-signal
    // measure, without a spectrogram of the whole file per version (2x its samples each).
    constexpr size_t kBlock = size_t(1) << 20;
    LogMelPeak peak(c.rate);
    for (size_t at = 0; at < y.size(); at += kBlock) {
        cancel.throwIfCancelled();
        peak.push(y.data() + at, std::min(kBlock, y.size() - at));
    }
    MetricStream metrics(y.size(), c.rate, c.scale, todo.size(), peak.finish(y.size()));
    for (size_t at = 0; at < y.size(); at += kBlock) {
        cancel.throwIfCancelled();
        const size_t len = std::min(kBlock, y.size() - at);
        metrics.pushReference(y.data() + at, len);
        for (size_t j = 0; j < todo.size(); ++j) metrics.pushEstimate(j, c.versions[todo[j]].audio->data() + at, len);
    }
    const auto sets = metrics.finish();
    for (size_t j = 0; j < todo.size(); ++j) {
        c.versions[todo[j]].metrics = sets[j];
        c.versions[todo[j]].hasMetrics = true;
    }
    cancel.throwIfCancelled();
}

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
    readVersions(c, r, events);
    cancel.throwIfCancelled();
    makeBaselines(c, r, events, cancel);
    cancel.throwIfCancelled();
    events.versionsDone(shown(c));
    const size_t firstBaseline = 2;
    tellDifference(c, firstBaseline, r, events);

    // A model that loads and fits this comparison, or nothing (with modelRefused said).
    auto usable = [&](size_t i) -> std::optional<CompareModel> {
        try {
            loading[i].get();
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {  // a checkpoint that does not load: the rest stands
            events.modelRefused(e.what(), true);
            return std::nullopt;
        }
        const CompareModel& m = *loaded[i];
        if (m.rate != c.rate || m.scale != c.scale) {
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
    Version mv{"super-res: " + (first ? first->name : std::string()), {}, 0, false, {}};
    const size_t k = c.versions.size();
    if (first && focusRun(c, r, *first, mv, cancel))
        events.modelVersion(k, mv, makeDisplaySpectrogram(*mv.audio, c.rate, r.windowMs, r.columns), false);

    progress.progress(first ? 2 : 1, stages, "metrics");
    addMetrics(c, cancel);
    events.metrics(shown(c));
    double stage = 3;
    auto wholeFile = [&](const CompareModel& m, Version v) {
        progress.progress(stage++, stages, "model (whole file)");
        v.audio = makeSamples(m.method.run(c.low, c.frames, cancel));
        v.rms = rmsOf(*v.audio);
        const size_t at = c.versions.size();
        c.versions.push_back(v);
        events.modelVersion(at, v, makeDisplaySpectrogram(*v.audio, c.rate, r.windowMs, r.columns), true);
        addMetrics(c, cancel);
        events.metrics(shown(c));
    };
    if (first) wholeFile(*first, mv);
    for (size_t i = 1; i < loading.size(); ++i)
        if (auto m = usable(i)) wholeFile(*m, Version{"super-res: " + m->name, {}, 0, false, {}});
    if (first) tellDifference(c, k, r, events);
    return c;
}

}  // namespace srlab
