// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/Comparison.h"

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include <cmath>

#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "dataset/PairMaker.h"
#include "dataset/PairSpec.h"
#include "dsp/Interpolate.h"
#include "dsp/Stft.h"
#include "util/Error.h"

namespace srlab {

namespace {

// Runs the jobs on one worker per core, in order (so put the longest first), and rethrows the
// first error after all have stopped.
void runAll(std::vector<std::function<void()>> jobs) {
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::exception_ptr first;
    auto worker = [&] {
        for (size_t i; (i = next++) < jobs.size();) try {
                jobs[i]();
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu);
                if (!first) first = std::current_exception();
            }
    };
    const size_t n = std::min<size_t>(jobs.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (size_t t = 1; t < n; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (first) std::rethrow_exception(first);
}

}  // namespace

double rmsOf(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) s += double(v) * v;
    return std::sqrt(s / double(std::max<size_t>(1, x.size())));
}

Comparison makeVersions(const std::string& path, const CompareSettings& s, const CancelToken& cancel,
                        const VersionReady& ready) {
    if (s.scale < 1 || s.rate < 1000) throw Error(path, "invalid rate or scale");
    checkScaleFitsRate(s.rate, s.scale, "target");
    int inRate = 0;
    std::vector<float> mono = readMono(path, &inRate);
    Comparison c;
    c.path = path;
    c.rate = s.rate;
    c.scale = s.scale;
    const double lowRate = double(s.rate) / s.scale;
    std::vector<std::function<void()>> jobs;
    auto announce = [&](size_t i) {
        c.versions[i].rms = rmsOf(*c.versions[i].audio);
        if (ready) ready(i, c.versions[i]);
    };
    if (inRate <= lowRate * 1.001) {  // real low-res input: nothing to compare against
        c.low = resample(mono, inRate, lowRate);
        c.frames = c.low.size() * size_t(s.scale);
    } else {
        std::vector<float> hi = toTargetRate(std::move(mono), inRate, s.rate, s.scale);
        if (hi.size() < std::max<size_t>(2048, minDecimateLength(s.filter)))
            throw Error(path, "too short to compare (under 2048 samples at the target rate)");
        c.frames = hi.size();
        c.hasTruth = true;
        c.versions.push_back({"ground truth", makeSamples(std::move(hi)), 0, false, {}});
        // The truth can be drawn while the low-res signal is derived from it.
        auto truthShown = std::async(std::launch::async, announce, 0);
        c.low = decimate(*c.versions[0].audio, s.scale, s.filter);
        truthShown.get();
    }
    cancel.throwIfCancelled();
    // The low-res version is heard through band-limited interpolation; it is labelled by its
    // band limit, and differs from the "sinc" baseline only in name when both are shown.
    const size_t first = c.versions.size();
    c.versions.push_back({"low-res", {}, lowRate / 2, false, {}});
    for (const auto& b : s.baselines)
        if (b != "sinc") c.versions.push_back({b, {}, 0, false, {}});  // "sinc" is the low-res version
    for (size_t i = first; i < c.versions.size(); ++i)
        jobs.push_back([&c, &s, &cancel, &announce, i, first] {
            cancel.throwIfCancelled();
            Version& v = c.versions[i];
            v.audio = makeSamples(
                i == first ? sincUpsample(c.low, s.scale, c.frames) : upsample(c.low, s.scale, c.frames, parseBaseline(v.name)));
            announce(i);
        });
    runAll(std::move(jobs));
    cancel.throwIfCancelled();
    return c;
}

Version methodVersion(const Comparison& c, const Method& m) {
    Version v{"super-res: " + m.name, makeSamples(m.run(c.low, c.frames)), 0, false, {}};
    v.rms = rmsOf(*v.audio);
    return v;
}

void addMetrics(Comparison& c, const CancelToken& cancel) {
    if (!c.hasTruth) return;
    const MetricReference reference(*c.versions[0].audio, c.rate, c.scale);
    std::vector<std::function<void()>> jobs;
    for (size_t i = 1; i < c.versions.size(); ++i)
        if (!c.versions[i].hasMetrics)
            jobs.push_back([&c, &reference, &cancel, i] {
                cancel.throwIfCancelled();
                c.versions[i].metrics = reference.measure(*c.versions[i].audio);
                c.versions[i].hasMetrics = true;
            });
    runAll(std::move(jobs));
    cancel.throwIfCancelled();
}

DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, size_t begin, size_t end, int rate,
                                          double windowMs, size_t columns, int threads) {
    DisplaySpectrogram d;
    int win = std::max(16, int(std::lround(windowMs * rate / 1000.0)));
    int nfft = 1;
    while (nfft < win) nfft <<= 1;
    end = std::min(end, x.size());
    begin = std::min(begin, end);
    const int hop = std::max<int>(win / 4, int((end - begin) / std::max<size_t>(columns, 1)));
    // Frames near the ends of a range see real samples beyond it, not padding.
    const size_t b = begin - std::min<size_t>(begin, size_t(nfft / 2)), e = std::min(x.size(), end + size_t(nfft / 2));
    if (e - b < 2) return d;
    const bool inside = b + size_t(nfft / 2) == begin && e == end + size_t(nfft / 2);
    const Spectrogram s = inside ? powerSpectrogram(x.data() + b, e - b, {nfft, hop, win, false}, threads)
                                 : powerSpectrogram(x.data() + begin, end - begin, {nfft, hop, win, true}, threads);
    d.frames = s.frames;
    d.bins = s.bins;
    d.startSeconds = double(begin) / rate;
    d.secondsPerFrame = double(hop) / rate;
    d.hzPerBin = double(rate) / nfft;
    // Power of a full-scale sine with this window is (sum w / 2)^2 = (win/4)^2: 0 dB there.
    // Single-precision log: display values need 0.01 dB, and this is most of a view's cost.
    const float scale = float(1.0 / std::pow(win / 4.0, 2));
    d.db.resize(s.power.size());
    for (size_t i = 0; i < s.power.size(); ++i) d.db[i] = 10.0f * std::log10(std::max(s.power[i] * scale, 1e-14f));
    return d;
}

DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, int rate, double windowMs, size_t columns,
                                          int threads) {
    return makeDisplaySpectrogram(x, 0, x.size(), rate, windowMs, columns, threads);
}

}  // namespace srlab
