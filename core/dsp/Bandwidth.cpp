// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Bandwidth.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "dsp/Stft.h"

namespace srlab {
namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    const size_t k = std::min(v.size() - 1, size_t(p * double(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return v[k];
}

}  // namespace

int bandwidthFft(int rate) { return rate >= 32000 ? 4096 : 2048; }

// The estimate from the frames of one or more stretches of the signal.
Bandwidth fromFrames(const Spectrogram& s, int rate) {
    Bandwidth b;
    b.nyquistHz = rate / 2.0;
    b.cutoffHz = b.nyquistHz;
    const int nfft = bandwidthFft(rate);
    if (!s.frames) return b;
    // Non-silent frames only: within 40 dB of the loudest tenth (fades and pauses would pull
    // the average toward the floor everywhere).
    std::vector<double> energy(s.frames);
    for (size_t f = 0; f < s.frames; ++f) {
        double e = 0;
        for (size_t k = 0; k < s.bins; ++k) e += s.at(f, k);
        energy[f] = e;
    }
    const double loud = percentile(energy, 0.9);
    if (loud <= 0) return b;
    std::vector<double> mean(s.bins, 0.0);
    size_t used = 0;
    for (size_t f = 0; f < s.frames; ++f)
        if (energy[f] >= loud * 1e-4) {
            for (size_t k = 0; k < s.bins; ++k) mean[k] += s.at(f, k);
            ++used;
        }
    // dB, smoothed by a running median over ~300 Hz (single tones and harmonics do not make an
    // edge; an edge survives).
    std::vector<double> db(s.bins);
    for (size_t k = 0; k < s.bins; ++k) db[k] = 10 * std::log10(std::max(mean[k] / double(used), 1e-20));
    const double hzPerBin = double(rate) / nfft;
    const long half = std::max(2L, long(std::lround(150.0 / hzPerBin)));
    std::vector<double> smooth(s.bins), window;
    for (long k = 0; k < long(s.bins); ++k) {
        window.assign(db.begin() + std::max(0L, k - half), db.begin() + std::min(long(s.bins), k + half + 1));
        smooth[size_t(k)] = percentile(window, 0.5);
    }
    const auto binOf = [&](double hz) { return size_t(std::clamp(hz / hzPerBin, 0.0, double(s.bins - 1))); };
    const std::vector<double> content(smooth.begin() + long(binOf(200)), smooth.end());
    const std::vector<double> above1k(smooth.begin() + long(binOf(1000)), smooth.end());
    const double level = percentile(content, 0.95), floor = percentile(above1k, 0.05);
    const double threshold = floor + std::max(10.0, (level - floor) / 3);
    size_t edge = s.bins - 1;
    while (edge > 0 && smooth[edge] < threshold) --edge;
    b.cutoffHz = std::min(b.nyquistHz, (double(edge) + 0.5) * hzPerBin);
    const auto meanDb = [&](double lo, double hi) {
        double sum = 0;
        size_t n = 0;
        for (size_t k = binOf(lo); k <= binOf(hi); ++k, ++n) sum += smooth[k];
        return n ? sum / double(n) : 0.0;
    };
    if (b.cutoffHz + 1000 <= b.nyquistHz) b.edgeDropDb = meanDb(b.cutoffHz - 1000, b.cutoffHz - 300) - meanDb(b.cutoffHz + 300, b.cutoffHz + 1000);
    b.fullBand = b.cutoffHz >= 0.95 * b.nyquistHz || b.edgeDropDb < 15;
    return b;
}

Bandwidth estimateBandwidth(const std::vector<float>& x, int rate) {
    const int nfft = bandwidthFft(rate);
    if (x.size() < size_t(std::max(nfft, rate / 10))) return fromFrames({}, rate);
    return fromFrames(powerSpectrogram(x.data(), x.size(), {nfft, nfft / 2, 0, false}, 0), rate);
}

Bandwidth estimateBandwidth(const SampleBuffer& x, int rate) {
    const int nfft = bandwidthFft(rate);
    // As for a file: the whole signal up to two minutes, else 24 stretches of 5 s.
    const size_t stretch = size_t(5 * rate), stretches = 24;
    if (x.size() <= stretch * stretches) return estimateBandwidth(x.copy(0, x.size()), rate);
    Spectrogram all;
    for (size_t k = 0; k < stretches; ++k) {
        const size_t at = size_t(double(x.size() - stretch) * double(k) / double(stretches - 1));
        const std::vector<float> piece = x.copy(at, stretch);
        const Spectrogram s = powerSpectrogram(piece.data(), piece.size(), {nfft, nfft / 2, 0, false}, 0);
        all.bins = s.bins;
        all.frames += s.frames;
        all.power.insert(all.power.end(), s.power.begin(), s.power.end());
    }
    return fromFrames(all, rate);
}

Bandwidth estimateBandwidthOfFile(const std::string& path) {
    auto reader = std::make_unique<AudioReader>(path);
    const int rate = reader->rate(), nfft = bandwidthFft(rate);
    const long long frames = reader->framesHint();
    // Up to two minutes: the whole file when it is that short, else 24 stretches of 5 s spread
    // evenly over it (a long average spectrum changes little past that).
    const size_t stretch = size_t(5 * rate), stretches = 24;
    Spectrogram all;
    std::vector<float> x;
    auto add = [&](size_t len) {
        x.resize(len);
        size_t got = 0;
        for (size_t n; got < len && (n = reader->read(x.data() + got, len - got)) > 0;) got += n;
        x.resize(got);
        if (x.size() < size_t(std::max(nfft, rate / 10))) return;
        const Spectrogram s = powerSpectrogram(x.data(), x.size(), {nfft, nfft / 2, 0, false}, 0);
        all.bins = s.bins;
        all.frames += s.frames;
        all.power.insert(all.power.end(), s.power.begin(), s.power.end());
    };
    const bool whole = frames <= 0 || frames <= (long long)(stretch * stretches);
    bool seeked = true;
    if (!whole)
        for (size_t k = 0; k < stretches && seeked; ++k) {
            seeked = reader->seek((long long)(double(frames - (long long)stretch) * double(k) / double(stretches - 1)));
            if (seeked) add(stretch);
        }
    if (whole || !seeked) {  // a format that cannot seek gives its first two minutes
        all = {};
        if (!whole) reader = std::make_unique<AudioReader>(path);
        add(stretch * stretches);
    }
    return fromFrames(all, rate);
}

}  // namespace srlab
