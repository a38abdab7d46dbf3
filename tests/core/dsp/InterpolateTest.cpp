// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Interpolate.h"

#include <cmath>

#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

TEST(Spline, ReproducesCubicsIncludingExtrapolation) {
    // A not-a-knot spline through samples of a cubic is that cubic, everywhere.
    auto f = [](double t) { return 0.1 + 0.02 * t - 3e-4 * t * t + 1e-6 * t * t * t; };
    for (size_t m : {4u, 5u, 9u, 50u}) {
        const int r = 3;
        std::vector<float> low(m);
        for (size_t j = 0; j < m; ++j) low[j] = float(f(double(j * r)));
        const size_t n = m * r;  // last r-1 samples are past the final knot
        const auto y = splineUpsample(low, r, n);
        for (size_t i = 0; i < n; ++i) EXPECT_NEAR(y[i], f(double(i)), 2e-5) << "m=" << m << " i=" << i;
    }
}

TEST(Spline, FewPointsFallBackToThePolynomial) {
    EXPECT_EQ(splineUpsample({0.5f}, 4, 4), std::vector<float>(4, 0.5f));
    const auto lin = splineUpsample({0.0f, 1.0f}, 2, 4);
    EXPECT_FLOAT_EQ(lin[1], 0.5f);
    EXPECT_FLOAT_EQ(lin[3], 1.5f);
    const auto quad = splineUpsample({0.0f, 1.0f, 4.0f}, 1, 4);  // t^2
    EXPECT_FLOAT_EQ(quad[3], 9.0f);
}

TEST(Linear, InterpolatesAndHoldsTheLastValue) {
    const auto y = linearUpsample({0.0f, 1.0f, -1.0f}, 4, 12);
    EXPECT_FLOAT_EQ(y[2], 0.5f);
    EXPECT_FLOAT_EQ(y[6], 0.0f);
    EXPECT_FLOAT_EQ(y[11], -1.0f);
}

TEST(SincUpsample, RecoversABandLimitedSine) {
    const auto hi = sine(1500, 16000, 16000);
    std::vector<float> low(4000);
    for (size_t j = 0; j < low.size(); ++j) low[j] = hi[j * 4];
    const auto y = sincUpsample(low, 4, hi.size());
    ASSERT_EQ(y.size(), hi.size());
    double e = 0;
    for (size_t i = 500; i < 15500; ++i) e = std::max(e, double(std::abs(y[i] - hi[i])));
    EXPECT_LT(e, 2e-3);
    EXPECT_THROW(upsample(low, 4, 16000, Baseline::None), Error);
}

}  // namespace srlab

namespace srlab {
using namespace test;

// A stream of knots in pieces of any size gives the whole signal's spline, including the
// extrapolated tail, at lengths from one knot to several stretches.
TEST(SplineStream, PiecesGiveTheWholeSignalsSpline) {
    std::mt19937 g(7);
    for (size_t m : {size_t(1), size_t(3), size_t(4), size_t(5), size_t(1000),
                     SplineStream::kStretch + SplineStream::kMargin, SplineStream::kStretch + SplineStream::kMargin + 1,
                     size_t(70001)})
        for (int r : {2, 4})
            for (long extra : {-1L, 0L, 3L}) {
                SCOPED_TRACE("m=" + std::to_string(m) + " r=" + std::to_string(r) + " extra=" + std::to_string(extra));
                const auto low = noise(m, unsigned(m));
                const size_t n = size_t(std::max(1L, long(m) * r + extra));
                const auto expected = splineUpsample(low, r, n);
                std::vector<float> got;
                const SampleSink append = [&](const float* s, size_t k) { got.insert(got.end(), s, s + k); };
                SplineStream stream(r);
                std::uniform_int_distribution<size_t> len(1, 40000);
                for (size_t at = 0; at < m;) {
                    const size_t k = std::min(len(g), m - at);
                    stream.push(low.data() + at, k, append);
                    at += k;
                }
                stream.finish(n, append);
                ASSERT_EQ(got.size(), n);
                float worst = 0;
                for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(got[i] - expected[i]));
                EXPECT_LE(worst, 1e-6f);
            }
}

}  // namespace srlab
