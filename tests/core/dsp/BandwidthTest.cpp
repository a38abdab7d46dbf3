// SPDX-License-Identifier: GPL-3.0-or-later
// Input bandwidth detection on made files with known cutoffs: band-limited noise under a
// dither-level floor, at several rates and cutoffs, and full-band noise.
#include "dsp/Bandwidth.h"

#include <gtest/gtest.h>

#include <random>

#include "dsp/Decimate.h"
#include "dsp/Interpolate.h"

using namespace srlab;

namespace {

std::vector<float> noise(size_t n, double amp, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, float(amp));
    std::vector<float> x(n);
    for (auto& v : x) v = g(rng);
    return x;
}

// White noise band-limited to rate / (2 r) (a sinc low-pass, as a resampler leaves it), plus a
// white floor `floorDb` below it (dither, tape hiss).
std::vector<float> bandLimited(int rate, int r, double floorDb, unsigned seed) {
    const size_t n = size_t(rate) * 3;
    const auto low = decimate(noise(n, 0.1, seed), r, DecimFilter::Sinc);
    auto x = sincUpsample(low, r, n);
    const auto hiss = noise(n, 0.1 * std::pow(10.0, floorDb / 20), seed + 1);
    for (size_t i = 0; i < n; ++i) x[i] += hiss[i];
    return x;
}

}  // namespace

TEST(Bandwidth, FindsTheEdgeOfBandLimitedContentOverANoiseFloor) {
    struct Case {
        int rate, r;
        double floorDb;
    };
    for (const Case c : {Case{44100, 2, -60}, Case{44100, 4, -70}, Case{48000, 3, -50}, Case{16000, 2, -60},
                         Case{44100, 4, -40}}) {
        SCOPED_TRACE(std::to_string(c.rate) + " Hz / " + std::to_string(c.r) + ", floor " + std::to_string(c.floorDb));
        const Bandwidth b = estimateBandwidth(bandLimited(c.rate, c.r, c.floorDb, 7), c.rate);
        const double edge = c.rate / (2.0 * c.r);
        EXPECT_FALSE(b.fullBand) << b.cutoffHz << " Hz, drop " << b.edgeDropDb;
        EXPECT_NEAR(b.cutoffHz, edge, 0.06 * edge);
        EXPECT_GE(b.edgeDropDb, 15);
        EXPECT_NEAR(b.contentRate(), c.rate / double(c.r), 0.12 * c.rate / c.r);
    }
}

TEST(Bandwidth, FullBandContentIsSaidToBe) {
    for (int rate : {16000, 44100}) {
        const Bandwidth b = estimateBandwidth(noise(size_t(rate) * 2, 0.1, 3), rate);
        EXPECT_TRUE(b.fullBand) << rate << ": " << b.cutoffHz;
        EXPECT_EQ(b.contentRate(), double(rate));
    }
    // Too short or silent: nothing to judge, so no claim of a band edge.
    EXPECT_TRUE(estimateBandwidth(std::vector<float>(100, 0.0f), 44100).fullBand);
    EXPECT_TRUE(estimateBandwidth(std::vector<float>(44100, 0.0f), 44100).fullBand);
}
