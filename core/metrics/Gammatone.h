// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The gammatone spectrogram of ViSQOL v3 (Google's visqol, as PyPI's visqol-python 3.8.0 ports
// it): Slaney's ERB filterbank, each band a cascade of four biquads, run over Hann-windowed
// frames with the filter state reset at every frame; each cell is the RMS of one band over one
// frame. Because every frame starts from rest, frames are filtered one at a time and only
// the per-frame energies are kept: memory is bands x frames doubles, whatever the length.
//
// Threads: a GammatoneBank is immutable after construction; build() may run on many threads.
#include <cstddef>
#include <vector>

namespace srlab {

// A mono signal read through a shift and a gain, so that ViSQOL's aligned and level-matched
// degraded signal needs no copy of a long input: sample i is src[i + skip] * gain, and zero
// where i + skip < 0 (a negative skip puts silence in front). Exactly one of f, d is set.
struct SampleView {
    const float* f = nullptr;
    const double* d = nullptr;
    size_t srcSize = 0;
    long long skip = 0;
    double gain = 1.0;

    size_t size() const { return size_t((long long)srcSize - skip); }
    double operator[](size_t i) const {
        const long long s = (long long)i + skip;
        if (s < 0) return 0.0;
        return (f ? double(f[s]) : d[s]) * gain;
    }
};

// Numpy's pairwise summation (the order np.sum/np.mean add in), so that means agree with
// visqol-python's to the last bit where it matters for ties.
double pairwiseSum(const double* a, size_t n);
// The same over at(begin), ..., at(begin + n - 1), for values not stored in an array.
template <class F>
double pairwiseSumOf(size_t begin, size_t n, const F& at) {
    if (n < 8) {
        double r = 0.0;
        for (size_t i = 0; i < n; ++i) r += at(begin + i);
        return r;
    }
    if (n <= 128) {
        double r[8];
        for (int k = 0; k < 8; ++k) r[k] = at(begin + size_t(k));
        size_t i = 8;
        for (; i < n - n % 8; i += 8)
            for (int k = 0; k < 8; ++k) r[k] += at(begin + i + size_t(k));
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) res += at(begin + i);
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwiseSumOf(begin, n2, at) + pairwiseSumOf(begin + n2, n - n2, at);
}

struct GammatoneSpectrogram {
    int bands = 0;
    size_t frames = 0;
    std::vector<double> v;  // band-major, band 0 the lowest: v[b * frames + f]
    double* row(int b) { return v.data() + size_t(b) * frames; }
    const double* row(int b) const { return v.data() + size_t(b) * frames; }
};

class GammatoneBank {
public:
    // `bands` centre frequencies from minFreq up to maxFreq (capped at rate / 2).
    GammatoneBank(int rate, int bands, double minFreq, double maxFreq);
    int bands() const { return bands_; }
    // Frames of `window` samples every `hop`; throws when x has no more than `window` samples.
    GammatoneSpectrogram build(const SampleView& x, size_t window, size_t hop) const;

private:
    int bands_, groups_;
    double T_;  // b0 of stages 2-4 (the sampling period)
    // Per band, padded to whole pairs for the vector loop: b0 of stage 1 (T over the band's
    // gain), b1 of each stage (stage 1's over the gain) and the denominator all four share.
    // Every stage's b2 is 0.
    std::vector<double> first_, b1_[4], a1_, a2_;
};

// ViSQOL's PrepareSpectrogramsForComparison: dB, a -45 dB absolute floor, a floor 45 dB under
// the louder of the two in each common frame, then both shifted so the lowest cell is 0 dB.
void prepareForComparison(GammatoneSpectrogram& ref, GammatoneSpectrogram& deg);

}  // namespace srlab
