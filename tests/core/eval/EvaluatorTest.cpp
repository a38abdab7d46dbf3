// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/Evaluator.h"

#include <nlohmann/json.hpp>

#include "support/TestSupport.h"

namespace srlab {
using namespace test;

TEST(Evaluator, RanksBaselinesOnABroadbandSignal) {
    TempDir d;
    writeMonoWav(d / "a.wav", chirp(50, 7900, 16000, 32000), 16000);
    std::ofstream(d / "bad.wav") << "x";
    NullProgress quiet;
    CancelToken cancel;
    const EvalTable t = evaluateFiles({d / "a.wav", d / "bad.wav"}, 16000, 4, DecimFilter::Cheby,
                                      {baselineMethod("spline", 4), baselineMethod("linear", 4),
                                       baselineMethod("sinc", 4)},
                                      2, quiet, cancel);
    ASSERT_EQ(t.rows.size(), 3u);
    ASSERT_EQ(t.skipped.size(), 1u);
    // On a signal with no content between the low-res and target Nyquist, sinc interpolation
    // is closest in the low band.
    EXPECT_LT(t.rows[2].m.lsdLf, t.rows[1].m.lsdLf);
    const auto j = nlohmann::json::parse(t.toJson());
    EXPECT_EQ(j["means"].size(), 3u);
    EXPECT_TRUE(j["definitions"].contains("lsd_kuleshov"));
    EXPECT_NE(t.toCsv().find("file,method,snr"), std::string::npos);
}

}  // namespace srlab
