// SPDX-License-Identifier: GPL-3.0-or-later
// The signal chain and metrics against Debian's scipy/numpy on real recordings from the
// development set (tests/python/reference.py computes the reference independently).
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "audio/AudioFile.h"
#include "dsp/Decimate.h"
#include "dsp/Interpolate.h"
#include "metrics/Metrics.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;

namespace {

double maxAbsDiff(const std::vector<float>& a, const std::vector<double>& b) {
    EXPECT_EQ(a.size(), b.size());
    double m = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::abs(double(a[i]) - b[i]));
    return m;
}

void crossCheck(const std::string& wav, int scale) {
    TempDir d;
    const CommandResult py = runPython("reference.py chain '" + wav + "' " + std::to_string(scale) + " " + d.str());
    ASSERT_EQ(py.code, 0) << py.output;
    int rate = 0;
    auto hi = readMono(wav, &rate);
    hi.resize(hi.size() - hi.size() % size_t(scale));
    const auto low = decimate(hi, scale, DecimFilter::Cheby);
    const auto up = splineUpsample(low, scale, hi.size());
    EXPECT_LT(maxAbsDiff(hi, readF64(d / "hi.f64")), 1e-7) << "loaders disagree";
    EXPECT_LT(maxAbsDiff(low, readF64(d / "low_cheby.f64")), 1e-4) << "decimate vs scipy.signal.decimate";
    EXPECT_LT(maxAbsDiff(up, readF64(d / "spline.f64")), 1e-4) << "spline vs splrep/splev";

    std::ifstream in(d / "metrics.json");
    const auto ref = nlohmann::json::parse(in);
    const MetricSet m = computeMetrics(hi, up, rate, scale);
    EXPECT_NEAR(m.snr, ref["snr"].get<double>(), 1e-3);
    EXPECT_NEAR(m.snrPatch, ref["snr_patch"].get<double>(), 1e-3);
    EXPECT_NEAR(m.lsd, ref["lsd"].get<double>(), 1e-3);
    EXPECT_NEAR(m.lsdHf, ref["lsd_hf"].get<double>(), 1e-3);
    EXPECT_NEAR(m.lsdLf, ref["lsd_lf"].get<double>(), 1e-3);
    EXPECT_NEAR(m.lsdKuleshov, ref["lsd_kuleshov"].get<double>(), 1e-3);
}

}  // namespace

TEST(ScipyCrossCheck, SpeechR4) {
    SRLAB_REQUIRE_DEV_AUDIO(dir);
    crossCheck(dir + "/speech/festvox-ru__ru__ru_0001.wav", 4);
}

TEST(ScipyCrossCheck, SpeechR2) {
    SRLAB_REQUIRE_DEV_AUDIO(dir);
    crossCheck(dir + "/speech/festvox-ru__ru__ru_0262.wav", 2);
}

TEST(ScipyCrossCheck, MusicR4) {
    SRLAB_REQUIRE_DEV_AUDIO(dir);
    crossCheck(dir + "/music/colobot-common-sounds__Constructive.wav", 4);
}

}  // namespace srlab
