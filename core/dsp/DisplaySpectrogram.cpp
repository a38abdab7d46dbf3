// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/DisplaySpectrogram.h"

#include <algorithm>
#include <cmath>

#include "dsp/Stft.h"

namespace srlab {

DisplaySpectrogram makeDisplaySpectrogram(const float* x, size_t n, size_t begin, size_t end, int rate,
                                          double windowMs, size_t columns, int threads) {
    DisplaySpectrogram d;
    int win = std::max(16, int(std::lround(windowMs * rate / 1000.0)));
    int nfft = 1;
    while (nfft < win) nfft <<= 1;
    end = std::min(end, n);
    begin = std::min(begin, end);
    const int hop = std::max<int>(win / 4, int((end - begin) / std::max<size_t>(columns, 1)));
    const size_t b = begin - std::min<size_t>(begin, size_t(nfft / 2)), e = std::min(n, end + size_t(nfft / 2));
    if (e - b < 2) return d;
    const bool inside = b + size_t(nfft / 2) == begin && e == end + size_t(nfft / 2);
    const Spectrogram s = inside ? powerSpectrogram(x + b, e - b, {nfft, hop, win, false}, threads)
                                 : powerSpectrogram(x + begin, end - begin, {nfft, hop, win, true}, threads);
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

DisplaySpectrogram makeDifferenceSpectrogram(const float* a, const float* b, size_t n, size_t begin, size_t end,
                                             int rate, double windowMs, size_t columns, int threads) {
    DisplaySpectrogram d = makeDisplaySpectrogram(a, n, begin, end, rate, windowMs, columns, threads);
    const DisplaySpectrogram ref = makeDisplaySpectrogram(b, n, begin, end, rate, windowMs, columns, threads);
    for (size_t i = 0; i < d.db.size() && i < ref.db.size(); ++i) d.db[i] -= ref.db[i];
    return d;
}

}  // namespace srlab
