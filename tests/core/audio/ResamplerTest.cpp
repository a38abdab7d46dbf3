// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Resampler.h"

#include <cmath>

#include "support/TestSupport.h"

namespace srlab {
using namespace test;

TEST(Resampler, KeepsTimeAlignmentAndRemovesImages) {
    // 1 kHz at 44.1 kHz -> 16 kHz: output must be the same sine sampled at 16 kHz (no delay).
    const auto x = sine(1000, 44100, 44100);
    const auto y = resample(x, 44100, 16000);
    ASSERT_EQ(y.size(), 16000u);
    const auto ref = sine(1000, 16000, 16000);
    double err = 0;
    for (size_t i = 1000; i < 15000; ++i) err = std::max(err, double(std::abs(y[i] - ref[i])));
    EXPECT_LT(err, 1e-3);
    // 10 kHz is above 8 kHz Nyquist: it must vanish, not alias.
    const auto z = resample(sine(10000, 44100, 44100), 44100, 16000);
    double e = 0;
    for (size_t i = 1000; i < 15000; ++i) e += double(z[i]) * z[i];
    EXPECT_LT(std::sqrt(e / 14000), 1e-3);
}

TEST(Resampler, OddLengthsRoundTheOutputLength) {
    for (size_t n : {1021u, 1024u, 1027u, 1028u})
        EXPECT_EQ(resample(noise(n, 1), 48000, 16000).size(), size_t(std::llround(n / 3.0)));
}

}  // namespace srlab
