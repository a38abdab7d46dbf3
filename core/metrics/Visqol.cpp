// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/Visqol.h"

#include <libsvm/svm.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "metrics/Gammatone.h"
#include "metrics/VisqolAlign.h"
#include "metrics/VisqolMatch.h"

namespace srlab {
namespace {

struct Mode {
    int rate, bands;
    size_t patch;
    double maxFreq;
    bool speech;
};

Mode modeOf(VisqolMode m) {
    if (m == VisqolMode::Speech) return {16000, 21, 20, 8000.0, true};
    return {48000, 32, 30, 48000 / 2.0, false};
}

constexpr double kMinFreq = 50.0, kWindowSeconds = 0.08, kOverlap = 0.25;
constexpr int kSearchPatches = 60;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("ViSQOL: " + what); }
[[noreturn]] void unscorable(const std::string& what, bool degraded) { throw VisqolUnscorable("ViSQOL: " + what, degraded); }

std::string seconds(size_t n, int rate) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", double(n) / rate);
    return buf;
}

void checkSignal(const float* x, size_t n, const char* name) {
    const bool degraded = std::string(name) == "degraded";
    if (!x || n == 0) unscorable(std::string("the ") + name + " signal is empty", degraded);
    bool sound = false;
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(x[i]))
            unscorable(std::string("the ") + name + " signal has a NaN or infinite sample at " + std::to_string(i), degraded);
        sound = sound || x[i] != 0.0f;
    }
    if (!sound) unscorable(std::string("the ") + name + " signal is silent (all zeros)", degraded);
}

// dB SPL as visqol-python computes it (20 log10(rms / 20 uPa)), for the level matching.
double splDb(const SampleView& x) {
    const auto square = [&x](size_t i) { return x[i] * x[i]; };
    const double meanSq = pairwiseSumOf(0, x.size(), square) / double(x.size());
    return 20.0 * std::log10(std::sqrt(meanSq) / 2e-5);
}

// Audio mode: a patch every `patch` frames from half a patch in (ImagePatchCreator).
std::vector<size_t> imagePatches(size_t frames, size_t patch) {
    const size_t init = patch / 2;
    const size_t maxIndex = init < frames - patch ? frames - patch : init + 1;
    std::vector<size_t> starts;
    for (size_t i = init; i < maxIndex; i += patch) starts.push_back(i - 1);
    return starts;
}

// Speech mode: the patches where an RMS voice detector hears speech (VadPatchCreator, RmsVad).
// Quirks kept from Google's code: the first patch's frame index doubles as the sample offset
// where detection starts, and the reference is normalised by its maximum, not its peak.
std::vector<size_t> voicedPatches(size_t frames, const float* ref, size_t n, size_t patch, size_t hop) {
    const size_t first = patch / 2 - 1;
    const size_t count = frames >= first ? (frames - first) / patch : 0;
    const size_t end = std::min(n, first + count * patch * hop);
    double top = -INFINITY;
    for (size_t i = 0; i < n; ++i) top = std::max(top, double(ref[i]));
    std::vector<int> loud;  // per chunk of `hop` samples: RMS of the 16-bit levels >= 5000
    std::vector<double> chunk(hop);
    for (size_t s = first; s + hop <= end; s += hop) {
        for (size_t i = 0; i < hop; ++i) {
            double v = top == 0 ? 0.0 : double(ref[s + i]) / top * double(1 << 15);
            v = std::max(-1.0 * (1 << 15), std::min(1.0 * ((1 << 15) - 1), v));
            const double level = double((long)v);  // int(): towards zero, as the int16 cast
            chunk[i] = level * level;
        }
        loud.push_back(std::sqrt(pairwiseSum(chunk.data(), hop) / double(hop)) < 5000.0 ? 0 : 1);
    }
    std::vector<int> vad{1, 1};  // the first two chunks count as speech
    for (size_t i = 2; i < loud.size(); ++i) vad.push_back(loud[i] || loud[i - 1] || loud[i - 2] ? 1 : 0);
    std::vector<size_t> starts;
    for (size_t i = 0; i < count; ++i) {
        int voiced = 0;
        for (size_t k = i * patch; k < std::min(vad.size(), i * patch + patch); ++k) voiced += vad[k];
        if (voiced >= 1) starts.push_back(first + i * patch);
    }
    return starts;
}

// ComparisonPatchesSelector::Slice: samples [start, end) seconds, silence put *in front* when
// the end runs past the signal (Google's code joins it there; visqol-python keeps that).
std::vector<double> slice(const SampleView& x, double start, double end, int rate) {
    const long long n = (long long)x.size();
    const long long from = std::max(0LL, (long long)(start * rate)), to = std::min(n - 1, (long long)(end * rate));
    const double over = end * rate - double(n);
    std::vector<double> out(over > 0 ? size_t((long long)over) : 0, 0.0);
    for (long long i = from; i < to; ++i) out.push_back(x[size_t(i)]);
    return out;
}

SampleView viewOf(const std::vector<double>& v) {
    SampleView s;
    s.d = v.data(), s.srcSize = v.size();
    return s;
}

// Alignment::AlignAndTruncate on two slices; returns the lag in seconds.
double alignAndTruncate(std::vector<double>& ref, std::vector<double>& deg, EnvelopeAligner& aligner, int rate) {
    const long long lag = aligner.bestLag(viewOf(ref), viewOf(deg));
    double lagSeconds = 0;
    if (lag != 0 && double(std::llabs(lag)) <= double(ref.size()) / 2.0) {
        lagSeconds = double(lag) / double(rate);
        if (lag < 0)
            deg.erase(deg.begin(), deg.begin() + std::min<long long>(-lag, (long long)deg.size()));
        else
            deg.insert(deg.begin(), size_t(lag), 0.0);
    }
    if (ref.size() > deg.size()) {
        ref.resize(deg.size());
    } else if (ref.size() < deg.size()) {
        const long long skip = (long long)(lagSeconds * rate);
        if (skip > 0) {
            ref.erase(ref.begin(), ref.begin() + std::min<long long>(skip, (long long)ref.size()));
            std::vector<double> d;
            for (size_t i = size_t(skip); i < std::min(deg.size(), size_t(skip) + ref.size()); ++i) d.push_back(deg[i]);
            deg.swap(d);
        } else {
            deg.resize(ref.size());
        }
    }
    const size_t n = std::min(ref.size(), deg.size());
    ref.resize(n), deg.resize(n);
    return lagSeconds;
}

// FinelyAlignAndRecreatePatches: each matched pair realigned on its own audio and rescored
// from fresh spectrograms; the better score of the two is kept.
void realign(std::vector<PatchMatch>& matches, const SampleView& ref, const SampleView& deg, const GammatoneBank& bank,
             size_t window, size_t hop, int rate, EnvelopeAligner& aligner) {
    for (auto& m : matches) {
        if (m.lost()) continue;
        auto r = slice(ref, m.refStart, m.refEnd, rate), d = slice(deg, m.degStart, m.degEnd, rate);
        if (r.empty() || d.empty()) continue;  // visqol-python skips the pair (its alignment raises)
        const double lag = alignAndTruncate(r, d, aligner, rate);
        if (r.size() <= window || d.size() <= window) continue;
        GammatoneSpectrogram rs = bank.build(viewOf(r), window, hop), ds = bank.build(viewOf(d), window, hop);
        prepareForComparison(rs, ds);
        PatchMatch n = patchSimilarity(rs.v.data(), ds.v.data(), rs.bands, rs.frames);
        if (n.similarity < m.similarity) continue;
        n.refStart = m.refStart + (lag > 0 ? lag : 0.0);
        n.degStart = m.degStart - (lag > 0 ? 0.0 : lag);
        n.refEnd = n.refStart + double(r.size()) / rate;
        n.degEnd = n.degStart + double(d.size()) / rate;
        m = std::move(n);
    }
}

// libsvm's loader switches the process locale while it parses, so loads are serialised and
// each model is loaded once; prediction only reads the model and runs unlocked.
std::shared_ptr<const svm_model> svrModel(const std::string& path) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const svm_model>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(path); it != cache.end()) return it->second;
    svm_model* raw = svm_load_model(path.c_str());
    if (!raw) fail("cannot load the SVR model " + (path.empty() ? std::string("(no path given)") : path));
    std::shared_ptr<const svm_model> model(raw, [](const svm_model* m) {
        auto* p = const_cast<svm_model*>(m);
        svm_free_and_destroy_model(&p);
    });
    if (svm_get_svm_type(raw) != NU_SVR && svm_get_svm_type(raw) != EPSILON_SVR)
        fail("the SVR model " + path + " is not a regression model");
    return cache[path] = model;
}

double svrMos(const std::vector<double>& fvnsim, const svm_model* model) {
    std::vector<svm_node> x(fvnsim.size() + 1);
    for (size_t i = 0; i < fvnsim.size(); ++i) x[i] = {int(i + 1), fvnsim[i]};
    x.back() = {-1, 0.0};
    return std::clamp(svm_predict(model, x.data()), 1.0, 5.0);
}

// SpeechSimilarityToQualityMapper: an exponential fitted on TCD-VOIP, scaled to reach 5.
double speechMos(double nsimMean) {
    const double mos = -262.847869 + std::exp(0.0154302525 * (nsimMean - -361.063949));
    return std::clamp(mos * 1.245063, 1.0, 5.0);
}

}  // namespace

int visqolRate(VisqolMode mode) { return modeOf(mode).rate; }

void preloadVisqolModel(const std::string& svrModelPath) { svrModel(svrModelPath); }

VisqolResult visqol(const float* ref, size_t nRef, const float* deg, size_t nDeg, VisqolMode mode,
                    const std::string& svrModelPath) {
    const Mode md = modeOf(mode);
    const size_t window = size_t(std::round(md.rate * kWindowSeconds)), hop = size_t(double(window) * kOverlap);
    checkSignal(ref, nRef, "reference");
    checkSignal(deg, nDeg, "degraded");
    const auto model = md.speech ? nullptr : svrModel(svrModelPath);  // a bad path fails before the work
    const size_t minFrames = md.speech ? md.patch / 2 - 1 + md.patch : md.patch + md.patch / 2;
    const size_t minSamples = window + (minFrames - 1) * hop;
    if (nRef < minSamples)
        unscorable("the reference is too short (" + seconds(nRef, md.rate) + "; " + (md.speech ? "speech" : "audio") +
                       " mode needs at least " + seconds(minSamples, md.rate) + " at " + std::to_string(md.rate) + " Hz)",
                   false);

    // Global alignment (visqol_manager.run_from_signals), then level matching to the reference.
    SampleView refView{ref, nullptr, nRef, 0, 1.0}, degView{deg, nullptr, nDeg, 0, 1.0};
    EnvelopeAligner aligner;
    long long lag = aligner.bestLag(refView, degView);
    if (lag == 0 || double(std::llabs(lag)) > double(nRef) / 2.0) lag = 0;
    degView.skip = -lag;
    if (degView.skip >= (long long)nDeg || degView.size() <= window)
        unscorable("the degraded signal is too short (" + seconds(nDeg, md.rate) + ") to compare once aligned", true);
    const double degSpl = splDb(degView);
    if (!std::isfinite(degSpl)) unscorable("the degraded signal is silent once aligned to the reference", true);
    degView.gain = std::pow(10.0, (splDb(refView) - degSpl) / 20.0);

    const GammatoneBank bank(md.rate, md.bands, kMinFreq, md.maxFreq);
    GammatoneSpectrogram refSpec = bank.build(refView, window, hop), degSpec = bank.build(degView, window, hop);
    prepareForComparison(refSpec, degSpec);
    const auto starts =
        md.speech ? voicedPatches(refSpec.frames, ref, nRef, md.patch, hop) : imagePatches(refSpec.frames, md.patch);
    if (starts.empty())
        unscorable("no voice activity in the reference (speech mode scores only where there is speech)", false);

    const double frameSeconds = double(hop) / double(md.rate);
    auto matches = matchPatches(refSpec, starts, degSpec, md.patch, frameSeconds, kSearchPatches);
    realign(matches, refView, degView, bank, window, hop, md.rate, aligner);

    VisqolResult r;
    r.fvnsim.assign(size_t(md.bands), 0.0);
    for (const auto& m : matches)
        for (size_t b = 0; b < r.fvnsim.size(); ++b) r.fvnsim[b] += m.bandMeans[b];
    for (double& v : r.fvnsim) v /= double(matches.size());
    r.vnsim = pairwiseSum(r.fvnsim.data(), r.fvnsim.size()) / double(r.fvnsim.size());
    r.mos = md.speech ? speechMos(r.vnsim) : svrMos(r.fvnsim, model.get());
    if (r.vnsim < 0.15) r.mos = 1.0;  // AlterForSimilarityExtremes
    return r;
}

}  // namespace srlab
