// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Decimate.h"

#include <cmath>
#include <random>

#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

namespace {
double rms(const std::vector<float>& x, size_t from, size_t to) {
    double s = 0;
    for (size_t i = from; i < to; ++i) s += double(x[i]) * x[i];
    return std::sqrt(s / double(to - from));
}
}  // namespace

TEST(Cheby1, MatchesScipyDesignForR4) {
    // scipy.signal.cheby1(8, 0.05, 0.2, output='sos'): DC gain 1/sqrt(1+eps^2) (even order).
    const auto sos = cheby1Lowpass(8, 0.05, 0.2);
    ASSERT_EQ(sos.size(), 4u);
    double dc = 1;
    for (const auto& s : sos) dc *= (s.b0 + s.b1 + s.b2) / (1 + s.a1 + s.a2);
    EXPECT_NEAR(dc, 1 / std::sqrt(std::pow(10.0, 0.005)), 1e-9);
    for (const auto& s : sos) EXPECT_LT(s.a2, 1.0);  // stable poles
}

TEST(Decimate, ChebyPassesLowAndRejectsAboveNewNyquist) {
    const int rate = 16000, r = 4;
    for (size_t n : {16000u, 16001u, 16002u, 16003u}) {  // odd lengths catch tail handling
        const auto pass = decimate(sine(500, rate, n), r, DecimFilter::Cheby);
        const auto stop = decimate(sine(3000, rate, n), r, DecimFilter::Cheby);  // above 2 kHz
        ASSERT_EQ(pass.size(), (n + 3) / 4);
        EXPECT_NEAR(rms(pass, 100, pass.size() - 100), 0.5 / std::sqrt(2), 0.01);
        EXPECT_LT(rms(stop, 100, stop.size() - 100), 1e-3);
    }
}

TEST(Decimate, ZeroPhase) {
    // A symmetric pulse stays symmetric about its centre after zero-phase filtering.
    std::vector<double> x(1001, 0.0);
    x[500] = 1;
    const auto y = sosfiltfilt(cheby1Lowpass(8, 0.05, 0.2), x);
    for (size_t k = 1; k < 100; ++k) EXPECT_NEAR(y[500 - k], y[500 + k], 1e-12);
}

TEST(Decimate, SincIsSharpAndNoneIsStride) {
    const int rate = 16000, r = 4;
    const auto pass = decimate(sine(1700, rate, 16000), r, DecimFilter::Sinc);
    const auto stop = decimate(sine(2300, rate, 16000), r, DecimFilter::Sinc);
    EXPECT_NEAR(rms(pass, 200, pass.size() - 200), 0.5 / std::sqrt(2), 0.01);
    EXPECT_LT(rms(stop, 200, stop.size() - 200), 1e-3);
    const auto x = noise(1027, 3);
    const auto y = decimate(x, r, DecimFilter::None);
    ASSERT_EQ(y.size(), 257u);
    for (size_t j = 0; j < y.size(); ++j) EXPECT_EQ(y[j], x[j * 4]);
}

TEST(Decimate, TooShortForChebyIsAnError) {
    EXPECT_THROW(decimate(std::vector<float>(20, 0.1f), 4, DecimFilter::Cheby), Error);
    EXPECT_NO_THROW(decimate(std::vector<float>(minDecimateLength(DecimFilter::Cheby), 0.1f), 4, DecimFilter::Cheby));
    EXPECT_THROW(parseDecimFilter("butter"), Error);
}

// Long inputs run in parallel chunks; each chunk's warm-up must settle into the exact state, so
// the result equals one sequential pass (r = 8 has the slowest-decaying poles).
TEST(Decimate, ParallelChunksEqualOneSequentialPass) {
    std::mt19937 rng(5);
    std::normal_distribution<float> g(0.0f, 0.3f);
    std::vector<float> x(size_t(5) << 20);
    for (float& v : x) v = g(rng);
    for (int r : {2, 8}) {
        const auto one = decimate(x, r, DecimFilter::Cheby, 1);
        const auto four = decimate(x, r, DecimFilter::Cheby, 4);
        ASSERT_EQ(one.size(), four.size());
        float worst = 0;
        for (size_t i = 0; i < one.size(); ++i) worst = std::max(worst, std::abs(one[i] - four[i]));
        EXPECT_LT(worst, 1e-6f) << "r=" << r;
    }
}

}  // namespace srlab
