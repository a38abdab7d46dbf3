// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/LowBand.h"
#include "dsp/Kaiser.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <mutex>
#include <string>

#include "dsp/Bandwidth.h"
#include "dsp/Interpolate.h"
#include "dsp/Stft.h"
#include "util/Error.h"
#include "util/FftwPlanner.h"

namespace srlab {
namespace {

constexpr double kNominal = 0.95;   // of the Nyquist: sinc interpolation's passband (SOXR_VHQ)
constexpr double kWidth = 0.05;     // crossfade, of fc
constexpr double kMinWidthHz = 20;
constexpr double kAttenuationDb = 60;  // of the model's low band (and the input's high band)
constexpr size_t kMaxTaps = 16385;
constexpr double kDropDb = 20;       // within 10 % of the Nyquist: a low-pass, not a spectrum's own slope
constexpr double kSteepDb = 1.5;     // per 1 % of the Nyquist: still in the low-pass's roll-off
constexpr double kLowestEdge = 0.5;  // of `top`: the walk stops there

}  // namespace

LowBandEdge lowBandEdgeAt(double edgeHz, double lowRate) {
    const double nominal = kNominal * lowRate / 2;
    LowBandEdge e;
    e.edgeHz = edgeHz > 0 ? std::min(edgeHz, nominal) : nominal;
    e.widthHz = std::max(kMinWidthHz, kWidth * e.edgeHz);
    e.widthHz = std::min(e.widthHz, e.edgeHz / 2);
    return e;
}

LowBandEdge detectLowBandEdge(const float* low, size_t m, double lowRate) {
    const double nominal = kNominal * lowRate / 2;
    // 1. Where the content meets the floor, by SRLab's bandwidth detection, run at 4x the low
    //    rate on the band-limited interpolation: the detector judges an edge by the level up to
    //    1 kHz either side of it, which the low rate's Nyquist would cut off; above it the
    //    interpolation is empty, so a full-band input shows its edge there.
    const int r = 4;
    const std::vector<float> x(low, low + m);
    const Bandwidth b = estimateBandwidth(sincUpsample(x, r, m * r), int(std::lround(lowRate * r)));
    const double top = b.fullBand ? nominal : std::min(nominal, b.cutoffHz);
    // 2. `top` may lie well past where the low-pass began (a full-band verdict takes the nominal
    //    edge), and the input's band is right only up to where its level starts to fall. The
    //    long-term spectrum's envelope (a morphological closing over 10 % of the Nyquist: the
    //    valleys between a tonal recording's harmonics filled, a step left where it is) shows the
    //    low-pass as a drop of 20 dB or more within 10 % of the Nyquist, far steeper than music's
    //    or speech's own slope (which a fixed drop below a reference level was mistaken for).
    //    From the drop nearest `top` the envelope is walked down while it still rises by more
    //    than kSteepDb per 1 % of the Nyquist: where it flattens is the knee, the filter's pass
    //    band. The edge is where the level has fallen 3 dB from the knee (the crossfade below it
    //    keeps the input's intact band); with no drop, `top`.
    double edge = top;
    const int nfft = 1024;
    if (m >= size_t(nfft)) {
        const Spectrogram s = powerSpectrogram(x.data(), m, {nfft, nfft / 2, 0, false});
        std::vector<double> level(s.bins, 0.0);
        for (size_t f = 0; f < s.frames; ++f)
            for (size_t k = 0; k < s.bins; ++k) level[k] += s.at(f, k);
        const double hzPerBin = lowRate / nfft;
        const size_t pct = std::max<size_t>(1, size_t(std::lround(0.01 * double(s.bins))));  // 1 % of the Nyquist
        std::vector<double> raw(s.bins);
        for (size_t k = 0; k < s.bins; ++k) raw[k] = 10 * std::log10(level[k] / double(s.frames) + 1e-20);
        const auto running = [&](const std::vector<double>& v, size_t half, bool max) {
            std::vector<double> out(v.size());
            for (size_t k = 0; k < v.size(); ++k) {
                const auto a = v.begin() + long(k >= half ? k - half : 0), b = v.begin() + long(std::min(v.size(), k + half + 1));
                out[k] = max ? *std::max_element(a, b) : *std::min_element(a, b);
            }
            return out;
        };
        const std::vector<double> db = running(running(raw, 5 * pct, true), 5 * pct, false);
        const auto bin = [&](double hz) { return std::min(s.bins - 1, size_t(std::lround(hz / hzPerBin))); };
        const size_t kTop = bin(top), kLow = bin(kLowestEdge * top), span = 10 * pct;
        size_t knee = 0;
        for (size_t k = kTop; k >= kLow + span && knee == 0; --k)
            if (db[k - span] - db[k] >= kDropDb) knee = k - span;
        if (knee > 0) {
            while (knee > kLow + pct && db[knee - pct] - db[knee] > kSteepDb) --knee;
            for (size_t k = knee; k <= kTop; ++k)
                if (db[k] < db[knee] - 3) {
                    edge = std::max(kLowestEdge * top, double(k) * hzPerBin);
                    break;
                }
        }
    }
    LowBandEdge e = lowBandEdgeAt(edge, lowRate);
    e.detected = edge < nominal;
    return e;
}

std::vector<float> lowBandTaps(double rate, const LowBandEdge& e) {
    // Kaiser's formulas: beta for the attenuation, length for a transition of w.
    const double a = kAttenuationDb, beta = 0.1102 * (a - 8.7);
    const double dw = 2 * M_PI * e.widthHz / rate;
    size_t len = size_t(std::ceil((a - 8) / (2.285 * dw))) + 1;
    len = std::min(kMaxTaps, len | 1);
    const long half = long(len / 2);
    const double fc = (e.edgeHz - e.widthHz / 2) / rate;  // cycles per sample, half gain
    std::vector<double> h(len);
    double sum = 0;
    const double i0b = besselI0(beta);
    for (long i = -half; i <= half; ++i) {
        const double t = double(i) / double(half);
        const double win = besselI0(beta * std::sqrt(std::max(0.0, 1 - t * t))) / i0b;
        const double s = i == 0 ? 2 * fc : std::sin(2 * M_PI * fc * double(i)) / (M_PI * double(i));
        h[size_t(i + half)] = s * win;
        sum += s * win;
    }
    std::vector<float> out(len);
    for (size_t i = 0; i < len; ++i) out[i] = float(h[i] / sum);  // DC gain exactly 1
    return out;
}

namespace {

struct FftwFree {
    void operator()(void* p) const { fftwf_free(p); }
};

// One pair of plans per size, made on first use under the process's planner lock and kept;
// every mixer executes them on its own fftwf_malloc'd buffers (same alignment as planned).
struct Plans {
    fftwf_plan forward, inverse;
};
Plans plansFor(size_t n) {
    static std::map<size_t, Plans> plans;
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    auto it = plans.find(n);
    if (it != plans.end()) return it->second;
    std::unique_ptr<float, FftwFree> re(fftwf_alloc_real(n));
    std::unique_ptr<fftwf_complex, FftwFree> spec(fftwf_alloc_complex(n / 2 + 1));
    const std::string why = "FFTW could not plan a transform of size " + std::to_string(n);
    if (!re || !spec) throw Error("low band", why);
    Plans p{fftwf_plan_dft_r2c_1d(int(n), re.get(), spec.get(), FFTW_ESTIMATE),
            fftwf_plan_dft_c2r_1d(int(n), spec.get(), re.get(), FFTW_ESTIMATE)};
    if (!p.forward || !p.inverse) {
        if (p.forward) fftwf_destroy_plan(p.forward);
        if (p.inverse) fftwf_destroy_plan(p.inverse);
        throw Error("low band", why);
    }
    return plans[n] = p;
}

}  // namespace

void LowBandMixer::Queue::pop(size_t n) {
    head += n;
    if (head > 65536 && head * 2 > v.size()) {  // the consumed part is the larger: drop it in one move
        v.erase(v.begin(), v.begin() + long(head));
        head = 0;
    }
}

struct LowBandMixer::Fft {
    Plans plans;
    std::unique_ptr<float, FftwFree> re;
    std::unique_ptr<fftwf_complex, FftwFree> spec;
    std::vector<float> filterRe, filterIm;  // the taps' spectrum, divided by the size (FFTW does not scale)
};

LowBandMixer::LowBandMixer(std::vector<float> taps)
    : len_(taps.size()), half_(taps.size() / 2), dBase_(-static_cast<long long>(half_)) {
    if (len_ == 0) throw Error("low band", "the crossover filter has no taps");
    const std::vector<float> zeros(half_, 0.0f);
    d_.push(zeros.data(), half_);
    // Four filter lengths per block at least (then the overlap costs under a third), 4096 at least.
    fftSize_ = 4096;
    while (fftSize_ < 4 * len_) fftSize_ *= 2;
    hop_ = fftSize_ - len_ + 1;
    fft_ = std::make_unique<Fft>();
    fft_->plans = plansFor(fftSize_);
    fft_->re.reset(fftwf_alloc_real(fftSize_));
    fft_->spec.reset(fftwf_alloc_complex(fftSize_ / 2 + 1));
    if (!fft_->re || !fft_->spec) throw Error("low band", "out of memory for the crossover's FFT buffers");
    // Overlap-save convolves: the taps go in reversed, so the block computes sum h[i] d[o - half + i].
    float* re = fft_->re.get();
    std::fill(re, re + fftSize_, 0.0f);
    for (size_t i = 0; i < len_; ++i) re[i] = taps[len_ - 1 - i];
    fftwf_execute_dft_r2c(fft_->plans.forward, re, fft_->spec.get());
    const size_t bins = fftSize_ / 2 + 1;
    fft_->filterRe.resize(bins);
    fft_->filterIm.resize(bins);
    const float scale = 1.0f / float(fftSize_);
    for (size_t k = 0; k < bins; ++k) {
        fft_->filterRe[k] = fft_->spec.get()[k][0] * scale;
        fft_->filterIm[k] = fft_->spec.get()[k][1] * scale;
    }
}

LowBandMixer::~LowBandMixer() = default;

void LowBandMixer::pushInput(const float* x, size_t n, const SampleSink& out) {
    xq_.push(x, n);
    pair(out);
}

void LowBandMixer::pushModel(const float* y, size_t n, const SampleSink& out) {
    yq_.push(y, n);
    pair(out);
}

void LowBandMixer::pair(const SampleSink& out) {
    const size_t k = std::min(xq_.size(), yq_.size());
    if (k == 0) return;
    const float* x = xq_.data();
    const float* y = yq_.data();
    for (size_t i = 0; i < k; ++i) d_.v.push_back(x[i] - y[i]);
    y_.push(y, k);
    xq_.pop(k);
    yq_.pop(k);
    paired_ += k;
    // A whole block needs d up to half a filter past its last output.
    while (paired_ >= outNext_ + hop_ + half_) block(hop_, out);
}

void LowBandMixer::finish(const SampleSink& out) {
    xq_.clear();
    yq_.clear();
    while (outNext_ < paired_) block(std::min(hop_, paired_ - outNext_), out);  // d is zero past the end
}

void LowBandMixer::block(size_t count, const SampleSink& out) {
    // d from index outNext_ - half_ on, fftSize_ of them (zeros where d is not: past the end).
    const size_t from = size_t((long long)outNext_ - (long long)half_ - dBase_);
    const size_t have = std::min(fftSize_, d_.size() - std::min(d_.size(), from));
    float* re = fft_->re.get();
    std::copy(d_.data() + from, d_.data() + from + have, re);
    std::fill(re + have, re + fftSize_, 0.0f);
    fftwf_complex* spec = fft_->spec.get();
    fftwf_execute_dft_r2c(fft_->plans.forward, re, spec);
    const float* hr = fft_->filterRe.data();
    const float* hi = fft_->filterIm.data();
    for (size_t k = 0; k < fft_->filterRe.size(); ++k) {  // written out: std::complex's multiply checks for NaN
        const float a = spec[k][0], b = spec[k][1];
        spec[k][0] = a * hr[k] - b * hi[k];
        spec[k][1] = a * hi[k] + b * hr[k];
    }
    fftwf_execute_dft_c2r(fft_->plans.inverse, spec, re);
    // The circular wrap spoils the first len_ - 1 results; output j is result j + len_ - 1.
    float* o = re + len_ - 1;
    const float* y = y_.data();
    for (size_t j = 0; j < count; ++j) o[j] += y[j];
    out(o, count);
    outNext_ += count;
    y_.pop(count);
    // Keep d from the next block's first input on.
    const long long keepFrom = (long long)outNext_ - (long long)half_;
    d_.pop(size_t(keepFrom - dBase_));
    dBase_ = keepFrom;
}

std::vector<float> keepLowBand(const std::vector<float>& low, int scale, double lowRate,
                               const std::vector<float>& estimate, LowBandEdge e) {
    if (e.edgeHz <= 0) e = detectLowBandEdge(low.data(), low.size(), lowRate);
    const std::vector<float> x = sincUpsample(low, scale, estimate.size());
    LowBandMixer mix(lowBandTaps(lowRate * scale, e));
    std::vector<float> out;
    out.reserve(estimate.size());
    const SampleSink sink = [&out](const float* s, size_t k) { out.insert(out.end(), s, s + k); };
    mix.pushInput(x.data(), x.size(), sink);
    mix.pushModel(estimate.data(), estimate.size(), sink);
    mix.finish(sink);
    return out;
}

}  // namespace srlab
