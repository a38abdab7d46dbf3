// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/Metrics.h"
#include "metrics/MetricStream.h"

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "audio/AudioFile.h"
#include "dsp/Decimate.h"
#include "dsp/Interpolate.h"
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
    EXPECT_EQ(metricCatalogue().size(), 13u);
    EXPECT_THROW(computeMetrics(y, std::vector<float>(10), 16000, 4), Error);
}

}  // namespace srlab

namespace srlab {
using namespace test;

// The streamed metrics equal the whole-signal measure bit for bit, whatever the pieces, at
// lengths where frames meet block edges: one block of frames exactly (2^19 samples, its last
// frame reflected at the end), one sample either side, and signals shorter than a frame.
TEST(MetricStream, EqualsTheWholeSignalMeasureAtEveryEdge) {
    std::mt19937 g(11);
    for (size_t n : {size_t(1025), size_t(2047), size_t(2048), size_t(4096), (size_t(1) << 19) - 1, size_t(1) << 19,
                     (size_t(1) << 19) + 1, size_t(1300000)}) {
        SCOPED_TRACE(n);
        const auto y = chirp(60, 7000, 16000, n);
        auto a = y, b = noise(n, unsigned(n), 0.05);
        for (size_t i = 0; i < n; ++i) a[i] = 0.9f * y[i] + b[i], b[i] = 0.5f * y[i];
        const MetricReference reference(y, 16000, 4);
        const MetricSet wa = reference.measure(a), wb = reference.measure(b);
        ReferencePass peak(16000);
        std::uniform_int_distribution<size_t> len(1, 300000);
        for (size_t at = 0; at < n;) {
            const size_t k = std::min(len(g), n - at);
            peak.push(y.data() + at, k);
            at += k;
        }
        MetricStream s(n, 16000, 4, 2, peak.finish(n));
        // The estimates run behind the reference and each other, as streams do.
        size_t ra = 0, ea = 0, eb = 0;
        while (eb < n) {
            const size_t k = std::min(len(g), n - ra);
            if (k) s.pushReference(y.data() + ra, k), ra += k;
            const size_t ka = std::min(len(g), ra - ea);
            s.pushEstimate(0, a.data() + ea, ka), ea += ka;
            const size_t kb = std::min(len(g) / 2 + 1, ea - eb);
            s.pushEstimate(1, b.data() + eb, kb), eb += kb;
        }
        const auto got = s.finish();
        // Bit for bit; NaN (ViSQOL of a signal too short to score) on both sides.
        const auto same = [](double u, double v) { return (std::isnan(u) && std::isnan(v)) || u == v; };
        for (const auto& info : metricCatalogue()) {
            EXPECT_TRUE(same(got[0].*info.field, wa.*info.field)) << info.key << ": " << got[0].*info.field << " vs " << wa.*info.field;
            EXPECT_TRUE(same(got[1].*info.field, wb.*info.field)) << info.key << ": " << got[1].*info.field << " vs " << wb.*info.field;
        }
    }
}

}  // namespace srlab

namespace srlab {
using namespace test;

// SI-SDR, STOI and ESTOI agree with PyPI's reference implementations (fast_bss_eval, pystoi) on
// real speech at 16 kHz and music at 44.1 kHz against the spline baseline, an estimate with
// added noise, and a quieter copy with a little noise (SI-SDR's scale invariance; STOI's
// normalisation).
TEST(Metrics, PerceptualMetricsAgreeWithPyPIsReferences) {
    SRLAB_REQUIRE_DEV_AUDIO(audio);
    if (!std::getenv("SRLAB_REF_PYTHON")) {
        if (std::getenv("CI")) FAIL() << "SRLAB_REF_PYTHON is not set in CI (scripts/test.sh sets it)";
        GTEST_SKIP() << "set SRLAB_REF_PYTHON to the python of scripts/reference-venv.sh";
    }
    TempDir d;
    struct Case {
        std::string file;
        double seconds;
    };
    std::vector<Case> cases;
    for (const char* kind : {"speech", "music"}) {
        std::vector<std::string> files;
        for (const auto& e : std::filesystem::directory_iterator(audio + "/" + kind)) files.push_back(e.path().string());
        std::sort(files.begin(), files.end());
        cases.push_back({files.front(), kind == std::string("speech") ? 4.0 : 6.0});
    }
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file);
        int rate = 0;
        auto y = readMono(c.file, &rate);
        y.resize(std::min(y.size(), size_t(c.seconds * rate)));
        const auto low = decimate(y, 4, DecimFilter::Cheby);
        std::vector<std::vector<float>> estimates{splineUpsample(low, 4, y.size()), noise(y.size(), 3, 0.02),
                                                  noise(y.size(), 4, 0.001)};
        for (size_t i = 0; i < y.size(); ++i) estimates[1][i] += y[i], estimates[2][i] += 0.3f * y[i];
        const MetricReference ref(y, rate, 4);
        writeAudio(d / "y.wav", y, rate);
        for (size_t k = 0; k < estimates.size(); ++k) {
            SCOPED_TRACE(k);
            writeAudio(d / "yh.wav", estimates[k], rate);
            const auto r = runReferencePython("perceptual_check.py " + (d / "y.wav") + " " + (d / "yh.wav"));
            ASSERT_EQ(r.code, 0) << r.output;
            const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
            const MetricSet m = ref.measure(estimates[k]);
            EXPECT_NEAR(m.stoi, j["stoi"].get<double>(), 1e-3);
            EXPECT_NEAR(m.estoi, j["estoi"].get<double>(), 1e-3);
            EXPECT_NEAR(m.siSdr, j["si_sdr"].get<double>(), 1e-3);
        }
    }
}

}  // namespace srlab
