// SPDX-License-Identifier: GPL-3.0-or-later
// The versions Compare makes from the file (the truth, the low-rate signal, low-res and the
// baselines) and the cache folder they are kept in (compare/CompareSteps.h).
#include "compare/CompareSteps.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <set>

#include "audio/AudioFile.h"
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
namespace compare_steps {


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

namespace {

// A version's file name in the cache folder.
std::string fileNameOf(const std::string& name) {
    std::string f;
    for (char ch : name) f += std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' ? ch : '_';
    return f + ".f32";
}

}  // namespace

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

DisplaySpectrogram overviewOf(const SampleBuffer& x, int rate, const CompareRequest& r, int threads) {
    return makeDisplaySpectrogram(x, 0, x.size(), rate, r.windowMs, r.columns, threads);
}

namespace {

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

}  // namespace

// The versions made from the low-rate signal: "low-res" (heard through band-limited
// interpolation, so it differs from the "sinc" baseline only in name: that one is not repeated)
// and the baselines.
std::vector<Version> baselineVersions(const Comparison& c, const CompareSettings& s) {
    std::vector<Version> out{Version("low-res", nullptr, double(c.rate) / s.scale / 2)};
    for (const auto& b : s.baselines)
        if (b != "sinc") out.push_back(Version(b));
    return out;
}

namespace {

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
        events.version(0, Version("ground truth"), d);
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
    c.versions.push_back(Version("ground truth", truthW.finish()));
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

}  // namespace

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
        events.version(0, Version("ground truth"), d);
    });
    Samples truth = cached(r, "ground truth", [&](SampleWriter& w) {
        readAt(s.rate, gain, growing.into(w));
        w.resize(w.written() - w.written() % size_t(s.scale));  // a whole number of low-res samples
    });
    if (truth->size() < std::max<size_t>(2048, minDegradeLength(how)))
        throw Error(r.path, "too short to compare (under 2048 samples at the target rate)");
    c.frames = truth->size();
    c.versions.push_back(Version("ground truth", truth));
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
        Growing growing(c.frames, c.rate, r, [&, partial = Version(v.name, nullptr, v.bandLimitHz)](
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

}  // namespace compare_steps

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

namespace {

// The folders loads are using now (compare/CompareSession.h, CompareCacheLease), under the lock
// dropOtherCaches holds while it lists and removes: a folder is either leased first and kept,
// or removed first and then made afresh by its load.
std::mutex& leaseMutex() {
    static std::mutex m;
    return m;
}
std::multiset<std::string>& leased() {
    static std::multiset<std::string> s;
    return s;
}
// One spelling per folder: absolute, normalised, no trailing separator.
std::string folderKey(const std::string& dir) {
    fs::path p = fs::absolute(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.string();
}

}  // namespace

CompareCacheLease::CompareCacheLease(const std::string& dir) : dir_(folderKey(dir)) {
    std::lock_guard<std::mutex> lock(leaseMutex());
    leased().insert(dir_);
}

CompareCacheLease::~CompareCacheLease() {
    std::lock_guard<std::mutex> lock(leaseMutex());
    leased().erase(leased().find(dir_));
}

void dropOtherCaches(const std::string& root, const std::string& keep) {
    std::lock_guard<std::mutex> lock(leaseMutex());
    std::error_code ec;
    const std::string k = folderKey(keep);
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string dir = folderKey(it->path().string());
        if (it->is_directory(ec) && dir != k && leased().count(dir) == 0) fs::remove_all(it->path(), ec);
    }
}

}  // namespace srlab
