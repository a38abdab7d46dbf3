// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/Metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "dsp/Mel.h"
#include "dsp/Stft.h"
#include "metrics/LogSpectra.h"
#include "util/Error.h"

namespace srlab {
namespace {

const StftParams kLsdStft{2048, 512, 0, true};

void checkSizes(const float* y, const float* yh, size_t n) {
    if (!y || !yh || n == 0) throw Error("metrics", "empty signal");
}

}  // namespace

double snrDb(const float* y, const float* yh, size_t n) {
    checkSizes(y, yh, n);
    double num = 0, den = 0;
    for (size_t i = 0; i < n; ++i) {
        num += double(y[i]) * y[i];
        const double d = double(yh[i]) - y[i];
        den += d * d;
    }
    return 20.0 * std::log10(std::sqrt(num) / std::max(std::sqrt(den), 1e-8));
}

double snrPatchDb(const float* y, const float* yh, size_t n, size_t patch) {
    checkSizes(y, yh, n);
    const size_t count = std::max<size_t>(1, n / patch);
    const size_t len = n < patch ? n : patch;
    double sum = 0;
    for (size_t p = 0; p < count; ++p) {
        double e = 0, s = 0;
        for (size_t i = p * len; i < (p + 1) * len; ++i) {
            const double d = double(yh[i]) - y[i];
            e += d * d;
            s += double(y[i]) * y[i];
        }
        sum += 20.0 * std::log10(std::sqrt(s / len) / std::sqrt(e / len + 1e-6) + 1e-8);
    }
    return sum / double(count);
}

namespace {

Lsd lsdOf(const Spectrogram& a, const Spectrogram& b, int scale) {
    // First bin at or above the low-res Nyquist: k * rate / nfft >= rate / (2 scale).
    const size_t split = std::min(a.bins, size_t(std::ceil(double(kLsdStft.nfft) / (2.0 * scale))));
    Lsd out;
    std::vector<double> la(a.bins), lb(a.bins);
    for (size_t f = 0; f < a.frames; ++f) {
        log10Floored(a.power.data() + f * a.bins, a.bins, 1e-8, la.data());
        log10Floored(b.power.data() + f * b.bins, b.bins, 1e-8, lb.data());
        double all = 0, lo = 0, hi = 0;
        for (size_t k = 0; k < a.bins; ++k) {
            const double d2 = (la[k] - lb[k]) * (la[k] - lb[k]);
            all += d2;
            (k < split ? lo : hi) += d2;
        }
        out.all += std::sqrt(all / double(a.bins));
        if (split > 0) out.lf += std::sqrt(lo / double(split));
        if (split < a.bins) out.hf += std::sqrt(hi / double(a.bins - split));
    }
    const double frames = double(std::max<size_t>(a.frames, 1));
    out.all /= frames;
    out.lf /= frames;
    out.hf /= frames;
    return out;
}

double lsdKuleshovOf(const Spectrogram& a, const Spectrogram& b) {
    std::vector<double> perBin(a.bins, 0.0), la(a.bins), lb(a.bins);
    for (size_t f = 0; f < a.frames; ++f) {
        lnPlus(a.power.data() + f * a.bins, a.bins, 1e-8, la.data());
        lnPlus(b.power.data() + f * b.bins, b.bins, 1e-8, lb.data());
        for (size_t k = 0; k < a.bins; ++k) perBin[k] += (la[k] - lb[k]) * (la[k] - lb[k]);
    }
    double sum = 0;
    for (double v : perBin) sum += std::sqrt(v / double(std::max<size_t>(a.frames, 1)) + 1e-8);
    return std::min(sum / double(a.bins), 10.0);
}

std::vector<float> logMelOf(const MelBank& bank, const Spectrogram& s) {
    std::vector<float> m = applyMel(bank, s);
    for (float& v : m) v = 10.0f * std::log10(std::max(v, 1e-10f));
    return m;
}

// PSNR of [0,1]-normalised log-mel images; `top` is the reference's peak.
double psnrOf(const std::vector<float>& a, float top, const std::vector<float>& b) {
    if (a.empty()) throw Error("metrics", "signal too short for a mel spectrogram");
    const double range = 80.0;
    double err = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double na = std::clamp((a[i] - top + range) / range, 0.0, 1.0);
        const double nb = std::clamp((b[i] - top + range) / range, 0.0, 1.0);
        err += (na - nb) * (na - nb);
    }
    err /= double(a.size());
    return 10.0 * std::log10(1.0 / std::max(err, 1e-12));
}

float peak(const std::vector<float>& v) { return v.empty() ? 0.0f : *std::max_element(v.begin(), v.end()); }

}  // namespace

Lsd lsdStandard(const float* y, const float* yh, size_t n, int rate, int scale) {
    checkSizes(y, yh, n);
    if (scale < 1 || rate <= 0) throw Error("metrics", "invalid rate or scale for LSD");
    return lsdOf(powerSpectrogram(y, n, kLsdStft), powerSpectrogram(yh, n, kLsdStft), scale);
}

double lsdKuleshov(const float* y, const float* yh, size_t n) {
    checkSizes(y, yh, n);
    return lsdKuleshovOf(powerSpectrogram(y, n, kLsdStft), powerSpectrogram(yh, n, kLsdStft));
}

double psnrLogMel(const float* y, const float* yh, size_t n, int rate) {
    checkSizes(y, yh, n);
    const MelBank bank = melFilterbank(rate, kLsdStft.nfft, 128);
    const auto a = logMelOf(bank, powerSpectrogram(y, n, kLsdStft));
    return psnrOf(a, peak(a), logMelOf(bank, powerSpectrogram(yh, n, kLsdStft)));
}

double mse(const float* y, const float* yh, size_t n) {
    checkSizes(y, yh, n);
    double e = 0;
    for (size_t i = 0; i < n; ++i) e += (double(yh[i]) - y[i]) * (double(yh[i]) - y[i]);
    return e / double(n);
}

double nrmse(const float* y, const float* yh, size_t n) {
    checkSizes(y, yh, n);
    double e = 0, s = 0;
    for (size_t i = 0; i < n; ++i) {
        e += (double(yh[i]) - y[i]) * (double(yh[i]) - y[i]);
        s += double(y[i]) * y[i];
    }
    return std::sqrt(e) / std::max(std::sqrt(s), 1e-12);
}

MetricSums::MetricSums(size_t length, int rate, int scale, const ReferencePeaks& peaks, bool visqol)
    : length_(length), patchLen_(std::min<size_t>(length, 8192)), patches_(std::max<size_t>(1, length / 8192)),
      stoi_(rate, peaks.stoiTopDb) {
    split_ = size_t(std::ceil(double(kLsdStft.nfft) / (2.0 * scale)));
    if (visqol) visqol_.emplace(length, rate);
}

void MetricSums::addSamples(const float* y, const float* yh, size_t n, size_t at) {
    if (visqol_) visqol_->add(y, yh, n);
    // In runs that end at Kuleshov patch boundaries (whole patches of patchLen_ samples; a short
    // signal is one patch): no division per sample. Every sum is added to sample by sample, so
    // how the signal was cut into calls does not change a bit of it.
    for (size_t i = 0; i < n;) {
        const size_t p = (at + i) / patchLen_;
        const bool inPatch = p < patches_;
        const size_t end = inPatch ? std::min(n, (p + 1) * patchLen_ - at) : n;
        for (; i < end; ++i) {
            const double d = double(yh[i]) - y[i], yy = double(y[i]) * y[i], e = d * d;
            yy_ += yy;
            ee_ += e;
            yh_ += double(y[i]) * yh[i];
            hh_ += double(yh[i]) * yh[i];
            if (inPatch) {
                patchYy_ += yy;
                patchEe_ += e;
            }
        }
        if (inPatch && at + i == (p + 1) * patchLen_) {
            const double len = double(patchLen_);
            patchSum_ += 20.0 * std::log10(std::sqrt(patchYy_ / len) / std::sqrt(patchEe_ / len + 1e-6) + 1e-8);
            patchYy_ = patchEe_ = 0;
        }
    }
    stoi_.add(y, yh, n);
}

void MetricSums::addFrames(const Spectrogram& a, const Spectrogram& b, const std::vector<float>& am,
                           const std::vector<float>& bm, float top) {
    if (a.frames == 0) return;
    if (bins_ == 0) {
        bins_ = a.bins;
        split_ = std::min(split_, bins_);
        kuleshov_.assign(bins_, 0.0);
        la_.resize(bins_);
        lb_.resize(bins_);
    }
    for (size_t f = 0; f < a.frames; ++f) {
        // Standard LSD: log10 power floored at 1e-8, RMS over bins; below/above the low-res Nyquist.
        log10Floored(a.power.data() + f * bins_, bins_, 1e-8, la_.data());
        log10Floored(b.power.data() + f * bins_, bins_, 1e-8, lb_.data());
        double all = 0, lo = 0, hi = 0;
        for (size_t k = 0; k < bins_; ++k) {
            const double d2 = (la_[k] - lb_[k]) * (la_[k] - lb_[k]);
            all += d2;
            (k < split_ ? lo : hi) += d2;
        }
        lsdAll_ += std::sqrt(all / double(bins_));
        if (split_ > 0) lsdLf_ += std::sqrt(lo / double(split_));
        if (split_ < bins_) lsdHf_ += std::sqrt(hi / double(bins_ - split_));
        // Kuleshov LSD: ln(power + 1e-8), summed per bin over time.
        lnPlus(a.power.data() + f * bins_, bins_, 1e-8, la_.data());
        lnPlus(b.power.data() + f * bins_, bins_, 1e-8, lb_.data());
        for (size_t k = 0; k < bins_; ++k) kuleshov_[k] += (la_[k] - lb_[k]) * (la_[k] - lb_[k]);
    }
    frames_ += a.frames;
    // Log-mel PSNR: images normalised to [0, 1] with the reference's peak and an 80 dB range.
    const double range = 80.0;
    for (size_t i = 0; i < am.size(); ++i) {
        const double na = std::clamp((am[i] - top + range) / range, 0.0, 1.0);
        const double nb = std::clamp((bm[i] - top + range) / range, 0.0, 1.0);
        melErr_ += (na - nb) * (na - nb);
    }
    melCount_ += am.size();
}

MetricSet MetricSums::result() const {
    if (melCount_ == 0) throw Error("metrics", "signal too short for a mel spectrogram");
    MetricSet m;
    m.snr = 20.0 * std::log10(std::sqrt(yy_) / std::max(std::sqrt(ee_), 1e-8));
    m.snrPatch = patchSum_ / double(patches_);
    const double frames = double(std::max<size_t>(frames_, 1));
    m.lsd = lsdAll_ / frames;
    m.lsdLf = lsdLf_ / frames;
    m.lsdHf = lsdHf_ / frames;
    double sum = 0;
    for (double v : kuleshov_) sum += std::sqrt(v / frames + 1e-8);
    m.lsdKuleshov = std::min(sum / double(std::max<size_t>(bins_, 1)), 10.0);
    m.psnrMel = 10.0 * std::log10(1.0 / std::max(melErr_ / double(melCount_), 1e-12));
    // SI-SDR: the estimate's projection on the reference, a y, against the rest:
    // a = <yh, y> / |y|^2, |yh - a y|^2 = |yh|^2 - a^2 |y|^2.
    const double a = yy_ > 0 ? yh_ / yy_ : 0, target = a * a * yy_;
    m.siSdr = 10.0 * std::log10(std::max(target, 1e-20) / std::max(hh_ - target, 1e-20));
    const StoiResult st = stoi_.result();
    m.stoi = st.stoi;
    m.estoi = st.estoi;
    m.nrmse = std::sqrt(ee_) / std::max(std::sqrt(yy_), 1e-12);
    m.mse = ee_ / double(length_);
    m.visqol = visqol_ ? visqol_->result() : std::numeric_limits<double>::quiet_NaN();
    return m;
}

std::vector<float> logMelImage(const MelBank& bank, const Spectrogram& s) { return logMelOf(bank, s); }
const StftParams& metricStft() { return kLsdStft; }

MetricReference::MetricReference(const std::vector<float>& y, int rate, int scale, int threads, bool visqol)
    : y_(y), rate_(rate), scale_(scale), visqol_(visqol) {
    checkSizes(y.data(), y.data(), y.size());
    if (scale < 1 || rate <= 0) throw Error("metrics", "invalid rate or scale for LSD");
    spec_ = powerSpectrogram(y.data(), y.size(), kLsdStft, threads);
    bank_ = melFilterbank(rate, kLsdStft.nfft, 128);
    logMel_ = logMelOf(bank_, spec_);
    peaks_.logMelTop = peak(logMel_);
    StoiTop top(rate);
    top.push(y.data(), y.size());
    peaks_.stoiTopDb = top.finish();
}

MetricSet MetricReference::measure(const std::vector<float>& yh) const {
    if (y_.size() != yh.size())
        throw Error("metrics", "reference has " + std::to_string(y_.size()) + " samples, estimate " +
                                   std::to_string(yh.size()));
    const size_t n = y_.size();
    // All cores: when several estimates are measured at once (a parallelFor over versions),
    // the nested loop runs on whichever pool threads are free, so the last one is not alone.
    const Spectrogram s = powerSpectrogram(yh.data(), n, kLsdStft, 0);
    MetricSums sums(n, rate_, scale_, peaks_, visqol_);
    sums.addSamples(y_.data(), yh.data(), n, 0);
    sums.addFrames(spec_, s, logMel_, logMelOf(bank_, s), peaks_.logMelTop);
    return sums.result();
}

MetricSet computeMetrics(const std::vector<float>& y, const std::vector<float>& yh, int rate, int scale) {
    if (y.size() != yh.size())
        throw Error("metrics", "reference has " + std::to_string(y.size()) + " samples, estimate " +
                                   std::to_string(yh.size()));
    return MetricReference(y, rate, scale).measure(yh);
}

const std::vector<MetricInfo>& metricCatalogue() {
    static const std::vector<MetricInfo> cat = {
        {"snr", "SNR dB, whole utterance: 20log10(|y|/|yh-y|)", &MetricSet::snr, true},
        {"snr_patch", "SNR dB, Kuleshov patch variant (8192-sample patches, averaged)", &MetricSet::snrPatch, true},
        {"si_sdr", "SI-SDR dB: 10log10(|a y|^2/|yh - a y|^2), a = <yh,y>/|y|^2 (no mean removed)", &MetricSet::siSdr, true},
        {"lsd", "LSD standard: log10 power, STFT 2048/512 Hann, RMS over bins, mean over frames", &MetricSet::lsd, false},
        {"lsd_hf", "LSD standard over bins at/above the low-res Nyquist", &MetricSet::lsdHf, false},
        {"lsd_lf", "LSD standard over bins below the low-res Nyquist", &MetricSet::lsdLf, false},
        {"lsd_kuleshov", "LSD Kuleshov code: ln power, RMS over time per bin, mean over bins (~2.3x standard)", &MetricSet::lsdKuleshov, false},
        {"psnr_mel", "PSNR dB of [0,1]-normalised log-mel (128 mels, 80 dB range)", &MetricSet::psnrMel, true},
        {"stoi", "STOI (Taal 2011, as pystoi): 10 kHz, 1/3-octave bands, 384 ms segments; for speech", &MetricSet::stoi, true},
        {"estoi", "ESTOI (Jensen & Taal 2016, as pystoi); for speech", &MetricSet::estoi, true},
        {"visqol", "ViSQOL v3 MOS-LQO (as visqol-python): audio mode at 48 kHz above 16 kHz, speech mode at 16 kHz; mean over <= 30 s segments", &MetricSet::visqol, true},
        {"nrmse", "|yh-y|/|y|", &MetricSet::nrmse, false},
        {"mse", "mean (yh-y)^2", &MetricSet::mse, false},
    };
    return cat;
}

}  // namespace srlab
