// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/Comparison.h"

#include <future>

#include <cmath>

#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "dataset/PairMaker.h"
#include "dsp/Interpolate.h"
#include "dsp/Stft.h"
#include "util/Error.h"

namespace srlab {

Comparison makeComparison(const std::string& path, const CompareSettings& s, const CancelToken& cancel) {
    if (s.scale < 1 || s.rate < 1000) throw Error(path, "invalid rate or scale");
    int inRate = 0;
    const std::vector<float> mono = readMono(path, &inRate);
    Comparison c;
    c.path = path;
    c.rate = s.rate;
    c.scale = s.scale;
    const double lowRate = double(s.rate) / s.scale;
    std::vector<float> low;
    if (inRate <= lowRate * 1.001) {  // real low-res input: nothing to compare against
        low = resample(mono, inRate, lowRate);
        c.frames = low.size() * size_t(s.scale);
    } else {
        std::vector<float> hi = toTargetRate(mono, inRate, s.rate, s.scale);
        if (hi.size() < std::max<size_t>(2048, minDecimateLength(s.filter)))
            throw Error(path, "too short to compare (under 2048 samples at the target rate)");
        low = decimate(hi, s.scale, s.filter);
        c.frames = hi.size();
        c.hasTruth = true;
        c.versions.push_back({"ground truth", std::move(hi), 0, false, {}});
    }
    cancel.throwIfCancelled();
    // The low-res version is heard through band-limited interpolation; it is labelled by its
    // band limit, and differs from the "sinc" baseline only in name when both are shown.
    c.versions.push_back({"low-res", sincUpsample(low, s.scale, c.frames), lowRate / 2, false, {}});
    for (const auto& b : s.baselines) {
        cancel.throwIfCancelled();
        if (b == "sinc") continue;  // identical to low-res as heard
        c.versions.push_back({b, upsample(low, s.scale, c.frames, parseBaseline(b)), 0, false, {}});
    }
    for (const auto& m : s.models) {
        cancel.throwIfCancelled();
        c.versions.push_back({"super-res: " + m.name, m.run(low, c.frames), 0, false, {}});
    }
    if (c.hasTruth) {
        // One thread per version: metrics dominate the time to open a long file.
        std::vector<std::future<void>> jobs;
        for (size_t i = 1; i < c.versions.size(); ++i)
            jobs.push_back(std::async(std::launch::async, [&c, &s, i] {
                c.versions[i].metrics = computeMetrics(c.versions[0].audio, c.versions[i].audio, s.rate, s.scale);
                c.versions[i].hasMetrics = true;
            }));
        for (auto& j : jobs) j.get();
        cancel.throwIfCancelled();
    }
    return c;
}

DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, int rate, double windowMs, size_t columns,
                                          int threads) {
    DisplaySpectrogram d;
    int win = std::max(16, int(std::lround(windowMs * rate / 1000.0)));
    int nfft = 1;
    while (nfft < win) nfft <<= 1;
    const int hop = std::max<int>(win / 4, int(x.size() / std::max<size_t>(columns, 1)));
    const Spectrogram s = powerSpectrogram(x.data(), x.size(), {nfft, hop, win, true}, threads);
    d.frames = s.frames;
    d.bins = s.bins;
    d.secondsPerFrame = double(hop) / rate;
    d.hzPerBin = double(rate) / nfft;
    // Power of a full-scale sine with this window is (sum w / 2)^2 = (win/4)^2: 0 dB there.
    const double ref = std::pow(win / 4.0, 2);
    d.db.resize(s.power.size());
    for (size_t i = 0; i < s.power.size(); ++i)
        d.db[i] = float(10.0 * std::log10(std::max(double(s.power[i]) / ref, 1e-14)));
    return d;
}

}  // namespace srlab
