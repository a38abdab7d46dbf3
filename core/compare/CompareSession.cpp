// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/CompareSession.h"
#include "compare/CompareMetrics.h"

#include "metrics/MetricStream.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>

#include "audio/AudioFile.h"
#include "audio/AudioStream.h"
#include "audio/Resampler.h"
#include "dataset/PairMaker.h"
#include "dataset/PairSpec.h"
#include "dataset/SourceWindow.h"
#include "dsp/Bandwidth.h"
#include "dsp/Degradation.h"
#include "dsp/Interpolate.h"
#include "util/Error.h"
#include "util/ThreadPool.h"

namespace fs = std::filesystem;

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

constexpr size_t kBlock = size_t(1) << 18;  // samples per piece of every stream

// A version's file name in the cache folder.
std::string fileNameOf(const std::string& name) {
    std::string f;
    for (char ch : name) f += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' ? ch : '_';
    return f + ".f32";
}

// Version `name`: mapped from the cache folder when a finished file of it is there, else made
// by `make` into a writer (a file of the cache folder, or memory).
Samples cached(const CompareRequest& r, const std::string& name, const std::function<void(SampleWriter&)>& make) {
    std::string path;
    if (!r.cacheDir.empty()) {
        path = (fs::path(r.cacheDir) / fileNameOf(name)).string();
        std::error_code ec;
        if (fs::is_regular_file(path, ec)) return SampleBuffer::mapFile(path);
    }
    SampleWriter w(path);
    make(w);
    return w.finish();
}

// Reads `x` in blocks, passing each to `sink`.
void forBlocks(const SampleBuffer& x, const CancelToken& cancel, const SampleSink& sink) {
    std::vector<float> block(std::min(kBlock, x.size()));
    for (size_t at = 0; at < x.size(); at += kBlock) {
        cancel.throwIfCancelled();
        const size_t n = std::min(kBlock, x.size() - at);
        x.read(at, n, block.data());
        sink(block.data(), n);
    }
}

DisplaySpectrogram overviewOf(const SampleBuffer& x, int rate, const CompareRequest& r, int threads = 0) {
    return makeDisplaySpectrogram(x, 0, x.size(), rate, r.windowMs, r.columns, threads);
}

// A version being made: its samples go to its writer and into its overview, and the pane is
// told the overview so far from time to time, so a long file's panes fill in from the left instead of
// appearing only when every version is complete.
class Growing {
public:
    // `stagger`: milliseconds added to this version's first drawing, so the panes' redraws reach
    // the GUI thread one at a time rather than in one batch.
    Growing(size_t n, int rate, const CompareRequest& r, std::function<void(const DisplaySpectrogram&)> tell, int stagger = 0)
        : n_(n), overview_(n, rate, r.windowMs, r.columns), tell_(std::move(tell)),
          last_(std::chrono::steady_clock::now() + std::chrono::milliseconds(stagger)) {}
    SampleSink into(SampleWriter& w) {
        return [this, &w](const float* x, size_t n) {
            w.write(x, n);
            overview_.push(x, n);
            got_ += n;
            // The first drawing after 0.3 s, then one every 2 s: each costs the worker a pane's
            // cells and the GUI a redraw.
            const auto now = std::chrono::steady_clock::now();
            if (tell_ && now - last_ > std::chrono::milliseconds(told_ ? 2000 : 300)) {
                tell_(overview_.snapshot());
                last_ = now;
                told_ = true;
            }
        };
    }
    // The finished overview when the version's every sample went through here, else (a file
    // reused from the cache, or one whose length the header did not foretell) the buffer's own.
    DisplaySpectrogram finish(const SampleBuffer& x, int rate, const CompareRequest& r) {
        return overview_.complete() && got_ >= x.size() && x.size() == n_ ? overview_.snapshot() : overviewOf(x, rate, r, 1);
    }

private:
    size_t n_, got_ = 0;
    bool told_ = false;
    OverviewStream overview_;
    std::function<void(const DisplaySpectrogram&)> tell_;
    std::chrono::steady_clock::time_point last_;
};

// The versions made from the low-rate signal: "low-res" (heard through band-limited
// interpolation, so it differs from the "sinc" baseline only in name: that one is not repeated)
// and the baselines.
std::vector<Version> baselineVersions(const Comparison& c, const CompareSettings& s) {
    std::vector<Version> out{{"low-res", {}, double(c.rate) / s.scale / 2, false, {}}};
    for (const auto& b : s.baselines)
        if (b != "sinc") out.push_back({b, {}, 0, false, {}});
    return out;
}
Baseline kindOf(const std::vector<Version>& vs, size_t j) { return j == 0 ? Baseline::Sinc : parseBaseline(vs[j].name); }

std::string cacheFile(const CompareRequest& r, const std::string& name) {
    return r.cacheDir.empty() ? std::string() : (fs::path(r.cacheDir) / fileNameOf(name)).string();
}

// Every version of a fresh comparison in one pass over the file: each block of the truth, as it
// is read, goes to its file, through the degradation to the low-rate signal, and from that
// through every baseline, so every pane fills in from the start instead of one after another.
// Needs a chain that streams and a length the header foretells; false (nothing kept) otherwise.
bool onePass(Comparison& c, const CompareRequest& r, CompareEvents& events, const CancelToken& cancel,
             const Degradation& how, const std::function<void(const SampleSink&)>& readTruth, size_t expected) {
    const CompareSettings& s = r.settings;
    if (!degradationStreams(how) || expected < std::max<size_t>(2048, minDegradeLength(how))) return false;
    std::vector<Version> bases = baselineVersions(c, s);
    SampleWriter truthW(cacheFile(r, "ground truth")), lowW(cacheFile(r, "low-rate " + how.toString()));
    std::vector<std::unique_ptr<SampleWriter>> baseW;
    std::vector<std::unique_ptr<Growing>> grow;
    std::vector<std::unique_ptr<BaselineStream>> bs;
    std::vector<SampleSink> baseSinks;
    Growing truthGrow(expected, c.rate, r, [&](const DisplaySpectrogram& d) {
        events.version(0, Version{"ground truth", {}, 0, false, {}}, d);
    });
    for (size_t j = 0; j < bases.size(); ++j) {
        baseW.push_back(std::make_unique<SampleWriter>(cacheFile(r, bases[j].name)));
        grow.push_back(std::make_unique<Growing>(
            expected, c.rate, r, [&, j, partial = bases[j]](const DisplaySpectrogram& d) { events.version(1 + j, partial, d); },
            int(150 * (j + 1))));
        bs.push_back(std::make_unique<BaselineStream>(kindOf(bases, j), s.scale));
        baseSinks.push_back(grow.back()->into(*baseW.back()));
    }
    const SampleSink lowSink = [&](const float* x, size_t m) {
        lowW.write(x, m);
        parallelFor(bs.size(), [&](size_t j) { bs[j]->push(x, m, baseSinks[j]); });
    };
    DegradeStream ds(expected, c.rate, s.scale, how);
    const SampleSink truthSink = truthGrow.into(truthW);
    size_t fed = 0;
    readTruth([&](const float* x, size_t n) {
        cancel.throwIfCancelled();
        truthSink(x, n);
        const size_t k = std::min(n, expected - std::min(expected, fed));
        if (k) ds.push(x, k, lowSink);
        fed += n;
    });
    truthW.resize(truthW.written() - truthW.written() % size_t(s.scale));
    if (truthW.written() != expected) return false;  // the header was wrong: two passes instead
    ds.finish(lowSink);
    parallelFor(bs.size(), [&](size_t j) { bs[j]->finish(expected, baseSinks[j]); });
    c.frames = expected;
    c.versions.push_back({"ground truth", truthW.finish(), 0, false, {}});
    c.low = lowW.finish();
    c.versions[0].rms = rmsOf(*c.versions[0].audio);
    events.version(0, c.versions[0], truthGrow.finish(*c.versions[0].audio, c.rate, r));
    for (size_t j = 0; j < bases.size(); ++j) {
        bases[j].audio = baseW[j]->finish();
        bases[j].rms = rmsOf(*bases[j].audio);
        c.versions.push_back(bases[j]);
        events.version(1 + j, bases[j], grow[j]->finish(*bases[j].audio, c.rate, r));
    }
    return true;
}

// Reads the file and makes the truth (when there is one) and the low-rate signal, each streamed
// into its writer; tells the truth's overview as soon as it exists.
void readVersions(Comparison& c, const CompareRequest& r, CompareEvents& events, const CancelToken& cancel) {
    CompareSettings s = r.settings;
    const int inRate = AudioReader(r.path).rate();
    s.rate = targetRate(s, inRate);
    checkScaleFitsRate(s.rate, s.scale, "target");
    c.rate = s.rate;
    const double lowRate = double(s.rate) / s.scale;
    // The file resampled to `rate` (and scaled by `gain`), streamed into `to`.
    auto readAt = [&](double rate, float gain, const SampleSink& to) {
        AudioReader in(r.path);
        StreamResampler rs(inRate, rate);
        const SampleSink out = [&](const float* x, size_t n) {
            if (gain == 1.0f) return to(x, n);
            std::vector<float> g(x, x + n);
            for (float& v : g) v *= gain;
            to(g.data(), n);
        };
        pump(in, [&](const float* x, size_t n) {
            cancel.throwIfCancelled();
            if (double(inRate) == rate) out(x, n);
            else rs.push(x, n, out);
        }, kBlock);
        if (double(inRate) != rate) rs.finish(out);
    };
    if (inRate <= lowRate * 1.001) {  // real low-res input: nothing to compare against
        c.low = cached(r, "low-rate input", [&](SampleWriter& w) {
            readAt(lowRate, 1.0f, [&](const float* x, size_t n) { w.write(x, n); });
        });
        c.frames = c.low->size() * size_t(s.scale);
        events.opened(shown(c));
        return;
    }
    Degradation how = s.filter;
    // A gain step changes the truth too: applied to it here, once.
    const float gain = float(std::pow(10.0, how.gainDb / 20.0));
    how.gainDb = 0;
    // The length the header foretells (a compressed file's may be off: then the real one wins).
    const long long hint = AudioReader(r.path).framesHint();
    size_t expected = inRate == s.rate ? size_t(std::max(0LL, hint))
                                       : size_t(std::llround(double(std::max(0LL, hint)) * s.rate / inRate));
    expected -= expected % size_t(s.scale);
    c.frames = expected;
    c.hasTruth = true;
    events.opened(shown(c));
    std::error_code ec;
    const bool fresh = r.cacheDir.empty() || !fs::exists(cacheFile(r, "ground truth"), ec);
    if (fresh && onePass(c, r, events, cancel, how, [&](const SampleSink& to) { readAt(s.rate, gain, to); }, expected))
        return;
    c.versions.clear();
    c.frames = expected;
    Growing growing(expected, c.rate, r, [&](const DisplaySpectrogram& d) {
        events.version(0, Version{"ground truth", {}, 0, false, {}}, d);
    });
    Samples truth = cached(r, "ground truth", [&](SampleWriter& w) {
        readAt(s.rate, gain, growing.into(w));
        w.resize(w.written() - w.written() % size_t(s.scale));  // a whole number of low-res samples
    });
    if (truth->size() < std::max<size_t>(2048, minDegradeLength(how)))
        throw Error(r.path, "too short to compare (under 2048 samples at the target rate)");
    c.frames = truth->size();
    c.versions.push_back({"ground truth", truth, 0, false, {}});
    // The truth is drawn while the low-res signal is derived from it.
    auto truthShown = submit([&] {
        Version& v = c.versions[0];
        v.rms = rmsOf(*v.audio);
        events.version(0, v, growing.finish(*v.audio, c.rate, r));
    });
    std::exception_ptr failed;
    try {
        c.low = cached(r, "low-rate " + how.toString(), [&](SampleWriter& w) {
            const SampleSink out = [&](const float* x, size_t n) { w.write(x, n); };
            if (degradationStreams(how)) {
                DegradeStream ds(c.frames, c.rate, s.scale, how);
                forBlocks(*truth, cancel, [&](const float* x, size_t n) { ds.push(x, n, out); });
                ds.finish(out);
            } else {  // a chain that needs the whole signal (a causal IIR, noise, a codec)
                std::vector<float> whole = truth->copy(0, truth->size());
                const auto low = degrade(whole, c.rate, s.scale, how).low;
                w.write(low.data(), low.size());
            }
        });
    } catch (...) {
        failed = std::current_exception();
    }
    truthShown.get();  // it reads c: wait for it whatever happened
    if (failed) std::rethrow_exception(failed);
}

// Low-res (heard through band-limited interpolation, so it differs from the "sinc" baseline
// only in name: that one is not repeated) and the baselines, in parallel, each streamed from the
// low-rate signal into its writer.
void makeBaselines(Comparison& c, const CompareRequest& r, CompareEvents& events, const CancelToken& cancel) {
    const CompareSettings& s = r.settings;
    const size_t first = c.hasTruth ? 1 : 0;
    const bool made = c.versions.size() > first;  // by the one pass
    if (!made)
        for (auto& v : baselineVersions(c, s)) c.versions.push_back(std::move(v));
    // One more item beside the baselines: the truth's own bandwidth.
    const size_t baselines = made ? 0 : c.versions.size() - first;
    parallelFor(baselines + (c.hasTruth ? 1 : 0), [&](size_t j) {
        cancel.throwIfCancelled();
        if (j == baselines) {
            const Bandwidth bw = estimateBandwidth(*c.versions[0].audio, c.rate);
            if (!bw.fullBand) c.contentCutoffHz = bw.cutoffHz;
            return;
        }
        const size_t i = first + j;
        Version& v = c.versions[i];
        const Baseline kind = j == 0 ? Baseline::Sinc : parseBaseline(v.name);
        Growing growing(c.frames, c.rate, r, [&, partial = Version{v.name, {}, v.bandLimitHz, false, {}}](
                                                 const DisplaySpectrogram& d) { events.version(i, partial, d); });
        v.audio = cached(r, v.name, [&](SampleWriter& w) {
            const SampleSink out = growing.into(w);
            BaselineStream bs(kind, s.scale);
            forBlocks(*c.low, cancel, [&](const float* x, size_t n) { bs.push(x, n, out); });
            bs.finish(c.frames, out);
        });
        v.rms = rmsOf(*v.audio);
        events.version(i, v, growing.finish(*v.audio, c.rate, r));
    });
}

void tellDifference(const Comparison& c, size_t of, const CompareRequest& r, CompareEvents& events) {
    if (!c.hasTruth || of == 0 || of >= c.versions.size()) return;
    events.difference(of, makeDifferenceSpectrogram(*c.versions[of].audio, *c.versions[0].audio, 0, c.frames, c.rate,
                                                    r.windowMs, r.columns));
}

// A model's version is "super-res: NAME"; another system's output keeps its own name.
std::string versionName(const CompareModel& m) { return m.method.forFile ? m.name : "super-res: " + m.name; }

// The model over the focus range only (with a second of context either side), placed in a
// silent full-length signal (a sparse file in the cache): what makes it audible and drawn where
// the user looks, first. Returns false when the focus is (nearly) the whole file: then only the
// full run is worth it.
bool focusRun(const Comparison& c, const CompareRequest& r, const CompareModel& m, Version& v, const CancelToken& cancel) {
    if (m.method.forFile) return false;  // another system's output: read whole, in order
    const double lowRate = double(c.rate) / c.scale;
    const size_t n = c.low->size();
    const auto at = [&](double seconds) { return size_t(std::clamp(seconds * lowRate, 0.0, double(n))); };
    const size_t a = at(r.focusBegin - 1), b = at(r.focusEnd + 1);
    if (b <= a || (b - a) * 2 > n) return false;
    const std::vector<float> slice = c.low->copy(a, b - a);
    const size_t outBegin = a * size_t(c.scale);
    const size_t outLen = std::min(c.frames - outBegin, (b - a) * size_t(c.scale));
    const std::vector<float> part = m.method.run(slice, outLen, cancel);
    SampleWriter w(r.cacheDir.empty() ? std::string() : (fs::path(r.cacheDir) / "focus.f32").string());
    w.resize(c.frames);
    w.writeAt(outBegin, part.data(), part.size());
    v.audio = w.finish();
    return true;
}

// A model over the whole file, streamed from the low-rate signal into its writer.
// The model's version of the whole file, from the cache or made now; when made (and the file
// has truth), `tap` scores it as it is written, so it is not read back to be scored.
Samples wholeFileRun(const Comparison& c, const CompareRequest& r, const CompareModel& m, const CancelToken& cancel,
                     VersionTap* tap) {
    auto make = [&](SampleWriter& w) {
        const SampleSink out = [&](const float* x, size_t n) {
            w.write(x, n);
            if (tap) tap->push(x, n);
        };
        auto stream = methodStreamFor(m.method, r.path, c.rate, c.scale, c.frames, cancel);
        forBlocks(*c.low, cancel, [&](const float* x, size_t n) { stream->push(x, n, out); });
        stream->finish(c.frames, out);
    };
    if (m.cacheKey.empty() || r.cacheDir.empty()) {
        SampleWriter w(r.cacheDir.empty() ? std::string() : (fs::path(r.cacheDir) / "model.f32").string());
        make(w);
        return w.finish();
    }
    return cached(r, "model-" + std::to_string(std::hash<std::string>()(m.cacheKey)), make);
}

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

// The first model over the view, from the file's own excerpt (the stretch around the view,
// read, degraded and run on its own) while the versions are still being made: audible and drawn
// where the user looks within a second of the model's loading, whatever the file's length. The
// whole-file run replaces it later with the exact one. Returns the version, or nothing when the
// model does not fit or the view is (nearly) the whole file.
std::optional<Version> earlyFocus(const CompareRequest& r, const CompareModel& m, int inRate, long long inFrames,
                                  const CancelToken& cancel) {
    const CompareSettings& s = r.settings;
    const int rate = targetRate(s, inRate);
    const size_t scale = size_t(s.scale);
    if (m.method.forFile || m.rate != rate || m.scale != s.scale) return std::nullopt;
    const double lowRate = double(rate) / s.scale;
    const bool truth = inRate > lowRate * 1.001;
    size_t frames = inRate == rate ? size_t(inFrames) : size_t(std::llround(double(inFrames) * rate / inRate));
    frames -= frames % scale;
    const size_t n = frames / scale;  // low-rate samples
    const auto at = [&](double seconds) { return size_t(std::clamp(seconds * lowRate, 0.0, double(n))); };
    const size_t a = at(r.focusBegin - 1), b = at(r.focusEnd + 1);
    if (b <= a || (b - a) * 2 > n) return std::nullopt;
    const FileStamp stamp = stampOf(r.path);
    std::vector<float> slice;
    if (!truth) {
        const size_t lowTotal = size_t(std::llround(double(inFrames) * lowRate / inRate));
        slice = readTargetWindow(r.path, stamp, inRate, inFrames, lowTotal, int(lowRate), a, std::min(b, lowTotal));
    } else {
        // Enough of the file either side for the degradation's filters to settle.
        constexpr size_t kContext = 16384;
        const size_t from = (a * scale - std::min(a * scale, kContext)) / scale * scale;
        const size_t to = std::min(frames, (b * scale + kContext + scale - 1) / scale * scale);
        std::vector<float> window = readTargetWindow(r.path, stamp, inRate, inFrames, frames, rate, from, to);
        Degradation how = s.filter;
        const float gain = float(std::pow(10.0, how.gainDb / 20.0));
        how.gainDb = 0;
        for (float& v : window) v *= gain;
        if (window.size() < minDegradeLength(how)) return std::nullopt;
        const std::vector<float> low = degrade(window, rate, s.scale, how, 1).low;
        const size_t first = a - from / scale;
        if (first + (b - a) > low.size()) return std::nullopt;
        slice.assign(low.begin() + long(first), low.begin() + long(first + (b - a)));
    }
    cancel.throwIfCancelled();
    const size_t outBegin = a * scale, outLen = std::min(frames - outBegin, (b - a) * scale);
    const std::vector<float> part = m.method.run(slice, outLen, cancel);
    SampleWriter w(r.cacheDir.empty() ? std::string() : (fs::path(r.cacheDir) / "focus.f32").string());
    w.resize(frames);
    w.writeAt(outBegin, part.data(), std::min(part.size(), outLen));
    Version v{versionName(m), {}, 0, false, {}, 0, m.source};
    v.audio = w.finish();
    return v;
}

}  // namespace

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
    Version mv{first ? versionName(*first) : std::string("super-res: "), {}, 0, false, {}, 0, first ? first->source : std::string()};
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
        if (auto m = usable(i)) wholeFile(*m, Version{versionName(*m), {}, 0, false, {}, 0, m->source});
    if (first) tellDifference(c, k, r, events);
    return c;
}

}  // namespace srlab

namespace srlab {

std::string compareCacheFolder(const std::string& root, const std::string& path, const CompareSettings& s) {
    const FileStamp stamp = stampOf(path);
    // The rate the comparison is made at (0: the file's own), so a model picked does not change
    // the key unless it changes the comparison.
    int rate = s.rate;
    if (rate == 0 && s.modelRate > 0) {
        const int fileRate = AudioReader(path).rate();
        if (targetRate(s, fileRate) != fileRate) rate = targetRate(s, fileRate);
    }
    std::string key = fs::absolute(path).lexically_normal().string() + "|" + std::to_string(stamp.bytes) + "|" +
                      std::to_string(stamp.mtimeNs) + "|" + std::to_string(rate) + "|" + std::to_string(s.scale) +
                      "|" + s.filter.toString();
    for (const auto& b : s.baselines) key += "|" + b;
    char name[32];
    std::snprintf(name, sizeof name, "%016llx", (unsigned long long)std::hash<std::string>()(key));
    return (fs::path(root) / name).string();
}

void dropOtherCaches(const std::string& root, const std::string& keep) {
    std::error_code ec;
    const fs::path k = fs::path(keep).lexically_normal();
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && it->path().lexically_normal() != k) fs::remove_all(it->path(), ec);
}

}  // namespace srlab
