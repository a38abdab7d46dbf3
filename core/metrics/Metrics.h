// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Quality metrics of docs/reference.md §2, pure functions on equal-length signals (reference y, estimate
// yh). Every metric has a stable key and a one-line definition, so tables can say which
// definition they report.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "dsp/Mel.h"
#include "dsp/Stft.h"
#include "metrics/Stoi.h"
#include "metrics/VisqolSums.h"

namespace srlab {

// 20 log10(||y|| / max(||yh - y||, 1e-8)) over the whole signal.
double snrDb(const float* y, const float* yh, size_t n);

// Kuleshov code: per `patch` samples 20 log10(rms(y) / sqrt(mean((yh-y)^2) + 1e-6) + 1e-8),
// averaged over whole patches (a signal shorter than one patch counts as one patch).
double snrPatchDb(const float* y, const float* yh, size_t n, size_t patch = 8192);

struct Lsd {
    double all = 0, hf = 0, lf = 0;
};

// Standard LSD (NU-Wave, AERO, AP-BWE): STFT nfft 2048, hop 512, periodic Hann, centred with
// reflect padding; L = log10(max(|X|^2, 1e-8)); per frame sqrt(mean_k dL^2), mean over frames.
// hf uses bins at or above the low-res Nyquist (rate / (2 scale)), lf the bins below it.
Lsd lsdStandard(const float* y, const float* yh, size_t n, int rate, int scale);

// Kuleshov code: ln(|X|^2 + 1e-8), sqrt(mean over frames of dL^2 + 1e-8) per bin, mean over
// bins, capped at 10 as that code does.
double lsdKuleshov(const float* y, const float* yh, size_t n);

// PSNR (dB) of log-mel images (128 Slaney mels, nfft 2048, hop 512) normalised to [0, 1]
// with the reference's peak and an 80 dB range.
double psnrLogMel(const float* y, const float* yh, size_t n, int rate);

double mse(const float* y, const float* yh, size_t n);
double nrmse(const float* y, const float* yh, size_t n);  // ||yh - y|| / ||y||

struct MetricSet {
    double snr = 0, snrPatch = 0, siSdr = 0, lsd = 0, lsdHf = 0, lsdLf = 0, lsdKuleshov = 0, psnrMel = 0,
           stoi = 0, estoi = 0, nrmse = 0, mse = 0;
    double visqol = 0;  // NaN where not computed (metrics/VisqolSums.h)
};

// What a reference contributes to every estimate's metrics before any estimate is scored: its
// log-mel peak (the PSNR's normalisation) and its loudest STOI frame (the silence threshold).
struct ReferencePeaks {
    float logMelTop = 0;
    double stoiTopDb = 0;
};

MetricSet computeMetrics(const std::vector<float>& y, const std::vector<float>& yh, int rate, int scale);

// One estimate's running sums for every metric of MetricSet, fed in signal order: samples (for
// the SNRs and errors) and STFT frames (for the LSDs and the log-mel PSNR). The whole-signal
// measure and the streamed one (metrics/MetricStream.h) both add up through this, in the same
// order, so they give the same numbers.
struct MetricSums {
    // visqol: add ViSQOL up too (segment by segment as the samples arrive; its cost dominates
    // everything else here, about 0.1 s per second of audio on one core); else it is NaN.
    MetricSums(size_t length, int rate, int scale, const ReferencePeaks& peaks, bool visqol = true);
    // y, yh: samples [at, at + n) of reference and estimate.
    void addSamples(const float* y, const float* yh, size_t n, size_t at);
    // Frames of both spectrograms (same frames, in order) and their log-mel images.
    void addFrames(const Spectrogram& ref, const Spectrogram& est, const std::vector<float>& refLogMel,
                   const std::vector<float>& estLogMel, float logMelTop);
    MetricSet result() const;

private:
    size_t length_, patchLen_, patches_, split_;
    double yy_ = 0, ee_ = 0, yh_ = 0, hh_ = 0;    // whole signal: y.y, e.e, y.yh, yh.yh
    StoiSums stoi_;
    std::optional<VisqolSums> visqol_;
    double patchSum_ = 0, patchYy_ = 0, patchEe_ = 0;  // the patch SNR: done patches, the open one
    double lsdAll_ = 0, lsdLf_ = 0, lsdHf_ = 0;
    size_t frames_ = 0, bins_ = 0;
    std::vector<double> kuleshov_;                // per bin, sum over frames of dL^2
    double melErr_ = 0;
    size_t melCount_ = 0;
    std::vector<double> la_, lb_;                 // one frame's logs, reused
};

// The log-mel image the PSNR compares (128 Slaney mels of the LSD's STFT, in dB).
std::vector<float> logMelImage(const MelBank& bank, const Spectrogram& s);
// The STFT every spectral metric uses (docs/reference.md §2).
const StftParams& metricStft();

// The reference's side of every metric (its spectrogram and log-mel image), computed once and
// measured against any number of estimates: one STFT per estimate instead of six. `y` must
// outlive the reference. measure() is const and may run on several threads at once.
class MetricReference {
public:
    // threads 0: all cores; visqol: as MetricSums'.
    MetricReference(const std::vector<float>& y, int rate, int scale, int threads = 0, bool visqol = true);
    MetricSet measure(const std::vector<float>& yh) const;

private:
    const std::vector<float>& y_;
    int rate_, scale_;
    bool visqol_;
    Spectrogram spec_;
    MelBank bank_;
    std::vector<float> logMel_;
    ReferencePeaks peaks_;
};

struct MetricInfo {
    const char* key;         // column name in tables and CSV
    const char* definition;  // one line, printed under tables
    double MetricSet::*field;
    bool higherIsBetter;
};
const std::vector<MetricInfo>& metricCatalogue();

}  // namespace srlab
