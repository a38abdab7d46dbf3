// SPDX-License-Identifier: GPL-3.0-or-later
// alignmentLag (core/audio/Codec.cpp) finds every lag by FFT; it must choose what the direct
// normalised sums choose, including lags at the ends of the range and ties.
#include "audio/Codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace srlab {
namespace {

// The definition, summed directly over the same loudest stretch the function picks.
int directLag(const std::vector<float>& ref, const std::vector<float>& dec, int maxLag, size_t start, size_t len) {
    double best = -1e300;
    int lag = 0;
    for (int a = 0; a <= 2 * maxLag; ++a) {
        const int l = (a % 2 ? 1 : -1) * ((a + 1) / 2);
        double s = 0, e = 0;
        for (size_t i = 0; i < len; ++i) {
            const double y = dec[size_t(ptrdiff_t(start + i) + l)];
            s += double(ref[start + i]) * y;
            e += y * y;
        }
        const double score = e > 0 ? s / std::sqrt(e) : 0;
        if (score > best * (1 + 1e-9) + 1e-300) {
            best = score;
            lag = l;
        }
    }
    return lag;
}

TEST(AlignmentLag, FindsTheDelayOfNoisyFilteredCopies) {
    std::mt19937 rng(11);
    std::normal_distribution<float> g(0.0f, 1.0f);
    for (int delay : {0, 1, -1, 37, -200, 250, -250}) {
        SCOPED_TRACE(delay);
        const size_t n = 20000;
        std::vector<float> ref(n), dec(n, 0.0f);
        for (auto& v : ref) v = g(rng);
        for (size_t i = 0; i < n; ++i) {  // dec[i + delay] = a smoothed, noisy ref[i]
            const ptrdiff_t j = ptrdiff_t(i) + delay;
            if (j >= 0 && j < ptrdiff_t(n)) dec[size_t(j)] = 0.6f * ref[i] + 0.3f * (i ? ref[i - 1] : 0.0f) + 0.2f * g(rng);
        }
        EXPECT_EQ(alignmentLag(ref, dec, 250), delay);
        // n is short enough that the whole middle is the stretch: compare with the direct sums.
        EXPECT_EQ(alignmentLag(ref, dec, 250), directLag(ref, dec, 250, 250, n - 500));
    }
}

TEST(AlignmentLag, PeriodicSignalsTieTowardsTheSmallestLag) {
    std::vector<float> ref(4096), dec(4096);
    for (size_t i = 0; i < ref.size(); ++i) ref[i] = dec[i] = float(std::sin(2 * M_PI * double(i) / 64.0));
    EXPECT_EQ(alignmentLag(ref, dec, 200), 0);  // 64 and 128 fit as well
    EXPECT_EQ(alignmentLag(std::vector<float>(100, 0.0f), std::vector<float>(100, 0.0f), 10), 0);
    EXPECT_EQ(alignmentLag(std::vector<float>(10, 1.0f), std::vector<float>(10, 1.0f), 4), 0);  // too short
}

}  // namespace
}  // namespace srlab
