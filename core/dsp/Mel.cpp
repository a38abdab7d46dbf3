// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Mel.h"

#include <algorithm>
#include <cmath>

#include "util/Error.h"

namespace srlab {
namespace {
constexpr double kFsp = 200.0 / 3, kMinLogHz = 1000.0, kMinLogMel = kMinLogHz / kFsp;
const double kLogStep = std::log(6.4) / 27.0;
}  // namespace

double hzToMel(double hz) {
    return hz < kMinLogHz ? hz / kFsp : kMinLogMel + std::log(hz / kMinLogHz) / kLogStep;
}

double melToHz(double mel) {
    return mel < kMinLogMel ? mel * kFsp : kMinLogHz * std::exp(kLogStep * (mel - kMinLogMel));
}

MelBank melFilterbank(int rate, int nfft, int nMels, double fmin, double fmax) {
    if (fmax < 0) fmax = rate / 2.0;
    if (nMels < 1 || fmin < 0 || fmax <= fmin) throw Error("mel", "invalid mel filterbank parameters");
    MelBank b;
    b.nMels = nMels;
    b.bins = nfft / 2 + 1;
    b.weights.assign(size_t(nMels) * size_t(b.bins), 0.0f);
    std::vector<double> pts(size_t(nMels + 2));
    const double m0 = hzToMel(fmin), m1 = hzToMel(fmax);
    for (int i = 0; i < nMels + 2; ++i) pts[size_t(i)] = melToHz(m0 + (m1 - m0) * i / (nMels + 1));
    for (int m = 0; m < nMels; ++m) {
        const double lo = pts[size_t(m)], mid = pts[size_t(m + 1)], hi = pts[size_t(m + 2)];
        const double enorm = 2.0 / (hi - lo);
        for (int k = 0; k < b.bins; ++k) {
            const double f = double(k) * rate / nfft;
            const double w = std::max(0.0, std::min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
            b.weights[size_t(m) * size_t(b.bins) + size_t(k)] = float(w * enorm);
        }
    }
    return b;
}

std::vector<float> applyMel(const MelBank& bank, const Spectrogram& spec) {
    if (int(spec.bins) != bank.bins) throw Error("mel", "filterbank and spectrogram sizes differ");
    // Each triangle covers a few bins: sum over its non-zero span only.
    std::vector<std::pair<size_t, size_t>> span(size_t(bank.nMels), {0, 0});
    for (int m = 0; m < bank.nMels; ++m) {
        const float* w = bank.weights.data() + size_t(m) * spec.bins;
        size_t lo = 0, hi = spec.bins;
        while (lo < hi && w[lo] == 0.0f) ++lo;
        while (hi > lo && w[hi - 1] == 0.0f) --hi;
        span[size_t(m)] = {lo, hi};
    }
    std::vector<float> out(spec.frames * size_t(bank.nMels), 0.0f);
    for (size_t f = 0; f < spec.frames; ++f) {
        const float* p = spec.power.data() + f * spec.bins;
        for (int m = 0; m < bank.nMels; ++m) {
            const float* w = bank.weights.data() + size_t(m) * spec.bins;
            double acc = 0;
            for (size_t k = span[size_t(m)].first; k < span[size_t(m)].second; ++k) acc += double(w[k]) * p[k];
            out[f * size_t(bank.nMels) + size_t(m)] = float(acc);
        }
    }
    return out;
}

}  // namespace srlab
