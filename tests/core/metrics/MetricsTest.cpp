// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/Metrics.h"

#include <cmath>

#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

TEST(Metrics, SnrOfKnownErrorAndFloor) {
    const auto y = sine(440, 16000, 16000, 1.0);
    std::vector<float> yh(y);
    for (auto& v : yh) v *= 1.1f;  // error = 0.1 y -> 20 dB
    EXPECT_NEAR(snrDb(y.data(), yh.data(), y.size()), 20.0, 1e-4);
    // Identical signals hit the 1e-8 floor instead of infinity.
    EXPECT_TRUE(std::isfinite(snrDb(y.data(), y.data(), y.size())));
    EXPECT_NEAR(nrmse(y.data(), yh.data(), y.size()), 0.1, 1e-6);
}

TEST(Metrics, LsdIsZeroForIdenticalAndSplitsBands) {
    const auto y = noise(32000, 1);
    const Lsd same = lsdStandard(y.data(), y.data(), y.size(), 16000, 4);
    EXPECT_EQ(same.all, 0.0);
    // Remove everything above 2 kHz: LF stays near 0, HF grows.
    std::vector<float> lp(y.size(), 0.0f);
    for (size_t i = 4; i < y.size(); ++i) lp[i] = 0.25f * (y[i] + y[i - 1] + y[i - 2] + y[i - 3]);
    const Lsd l = lsdStandard(y.data(), lp.data(), y.size(), 16000, 4);
    EXPECT_GT(l.hf, l.lf);
    EXPECT_GT(l.all, 0.0);
    // Kuleshov's definition (natural log, RMS over time) runs about 2.3x larger.
    const double k = lsdKuleshov(y.data(), lp.data(), y.size());
    EXPECT_GT(k, 1.5 * l.all);
}

TEST(Metrics, PsnrMelAndCatalogue) {
    const auto y = chirp(100, 7000, 16000, 16000);
    EXPECT_GT(psnrLogMel(y.data(), y.data(), y.size(), 16000), 100.0);
    auto z = y;
    for (auto& v : z) v *= 0.5f;
    const double p = psnrLogMel(y.data(), z.data(), y.size(), 16000);
    EXPECT_GT(p, 10.0);
    EXPECT_LT(p, 60.0);
    EXPECT_EQ(metricCatalogue().size(), 9u);
    EXPECT_THROW(computeMetrics(y, std::vector<float>(10), 16000, 4), Error);
}

}  // namespace srlab
