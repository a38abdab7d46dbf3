// SPDX-License-Identifier: GPL-3.0-or-later
// A model's versions in Compare (compare/CompareSteps.h): over the view first, then the whole file.
#include "compare/CompareSteps.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "audio/AudioFile.h"
#include "dataset/PairMaker.h"
#include "dataset/PairSpec.h"
#include "dataset/SourceWindow.h"
#include "dsp/Degradation.h"

namespace fs = std::filesystem;

namespace srlab::compare_steps {

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
    Version v(versionName(m), nullptr, 0, m.source);
    v.audio = w.finish();
    return v;
}

}  // namespace srlab::compare_steps
