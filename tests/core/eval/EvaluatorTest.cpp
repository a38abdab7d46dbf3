// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/Evaluator.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "audio/AudioFile.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

TEST(Evaluator, RanksBaselinesOnABroadbandSignal) {
    TempDir d;
    writeMonoWav(d / "a.wav", chirp(50, 7900, 16000, 32000), 16000);
    std::ofstream(d / "bad.wav") << "x";
    NullProgress quiet;
    CancelToken cancel;
    const EvalTable t = evaluateFiles({d / "a.wav", d / "bad.wav"}, 16000, 4, Degradation::fixed(DecimFilter::Cheby),
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

// The matrix scores each case as its own one-case evaluation would, reads every file once,
// and a codec case scores near the same case without the codec (it was aligned before scoring).
TEST(Evaluator, TheRobustnessMatrixEqualsItsCasesOneByOne) {
    TempDir d;
    std::vector<float> x = chirp(50, 7900, 16000, 48000);
    for (size_t i = 0; i < x.size(); ++i) x[i] *= 0.5f + 0.3f * float(std::sin(double(i) * 0.001));
    writeMonoWav(d / "a.wav", x, 16000);
    NullProgress quiet;
    CancelToken cancel;
    const std::vector<Method> methods{baselineMethod("spline", 4), baselineMethod("sinc", 4)};
    const std::vector<Degradation> cases{Degradation::parse("cheby"), Degradation::parse("ellip:6/min"),
                                         Degradation::parse("soxr"), Degradation::parse("soxr+vorbis:0.2")};
    const EvalMatrix m = evaluateMatrix({d / "a.wav"}, 16000, 4, cases, methods, 2, quiet, cancel);
    ASSERT_EQ(m.cases.size(), cases.size());
    for (size_t c = 0; c < cases.size(); ++c) {
        SCOPED_TRACE(cases[c].toString());
        const EvalTable one = evaluateFiles({d / "a.wav"}, 16000, 4, cases[c], methods, 1, quiet, cancel);
        ASSERT_EQ(m.cases[c].rows.size(), 2u);
        EXPECT_EQ(m.cases[c].filter, cases[c].toString());
        for (size_t r = 0; r < 2; ++r) EXPECT_DOUBLE_EQ(m.cases[c].rows[r].m.snr, one.rows[r].m.snr);
    }
    EXPECT_GT(m.cases[3].codecKbps, 1.0);
    EXPECT_EQ(m.cases[2].codecKbps, 0.0);
    // Aligned before scoring, a codec's small low-band error hardly moves the SNR, which the
    // missing high band dominates here (a copy one low-res sample off would lose dBs).
    EXPECT_NEAR(m.cases[3].rows[0].m.snr, m.cases[2].rows[0].m.snr, 0.5);
    const auto text = m.toText();
    EXPECT_NE(text.find("ellip:6/min"), std::string::npos);
    EXPECT_NE(text.find("mean over cases"), std::string::npos);
    const auto j = nlohmann::json::parse(m.toJson());
    EXPECT_EQ(j["cases"].size(), 4u);
    EXPECT_TRUE(j["mean_over_cases"].contains("spline"));
    EXPECT_NE(m.toCsv().find("\"soxr+vorbis:0.2\""), std::string::npos);
}

TEST(Evaluator, AMatrixFileIsReadAndItsBadLineNamed) {
    TempDir d;
    writeText(d / "m.txt", "# my cases\ncheby\n  butter:4/min  # a causal one\n\nsoxr+mp3:0.5\n");
    const auto cases = loadDegradationMatrix(d / "m.txt");
    ASSERT_EQ(cases.size(), 3u);
    EXPECT_EQ(cases[1].toString(), "butter:4/min");
    EXPECT_GT(loadDegradationMatrix("DEFAULT").size(), 20u);
    writeText(d / "bad.txt", "cheby\nlanczos:3\n");
    try {
        loadDegradationMatrix(d / "bad.txt");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.txt:2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(loadDegradationMatrix(d / "none.txt"), Error);
}

// A file streams through evaluation (read, resampled 44.1 -> 16 kHz, degraded a segment at a
// time, interpolated and scored block by block) to the numbers of the whole-file path, for
// every degradation that streams: 140 s cross three degradation segments, thousands of STFT
// blocks and the resampler's and spline's pieces. A short file, all of whose five STFT frames
// are reflected at an edge, too.
TEST(Evaluator, StreamedFilesScoreAsWholeFilesDo) {
    TempDir d;
    const size_t n = 140 * 44100;
    auto x = chirp(40, 20000, 44100, n, 0.4);
    const auto hiss = noise(n, 4, 0.02);
    for (size_t i = 0; i < n; ++i) x[i] = x[i] * (0.6f + 0.4f * float(std::sin(double(i) * 3e-5))) + hiss[i];
    writeAudio(d / "long.wav", x, 44100);
    writeAudio(d / "short.wav", std::vector<float>(x.begin() + 1000, x.begin() + 1000 + 6000), 44100);
    std::vector<Degradation> cases;
    for (const char* c : {"cheby", "sinc", "butter:6", "ellip:6@0.9", "kaiser@0.95", "soxr+gain:-4"})
        cases.push_back(Degradation::parse(c));
    const std::vector<Method> methods = {baselineMethod("spline", 4), baselineMethod("linear", 4),
                                         baselineMethod("sinc", 4)};
    NullProgress quiet;
    CancelToken cancel;
    const auto files = std::vector<std::string>{d / "long.wav", d / "short.wav"};
    // Without ViSQOL (whose streamed and whole sums are tested to agree in Visqol.* and
    // MetricStream.*): with it, this test took 177 s instead of 25.
    const auto streamed = evaluateMatrix(files, 16000, 4, cases, methods, 2, quiet, cancel, EvalMode::Auto, false);
    const auto whole = evaluateMatrix(files, 16000, 4, cases, methods, 2, quiet, cancel, EvalMode::Whole, false);
    for (size_t c = 0; c < cases.size(); ++c) {
        SCOPED_TRACE(cases[c].toString());
        ASSERT_EQ(streamed.cases[c].rows.size(), 6u);
        ASSERT_EQ(whole.cases[c].rows.size(), 6u);
        for (size_t r = 0; r < 6; ++r)
            for (const auto& info : metricCatalogue()) {
                const double a = streamed.cases[c].rows[r].m.*info.field, b = whole.cases[c].rows[r].m.*info.field;
                if (std::isnan(b)) {
                    EXPECT_TRUE(std::isnan(a)) << info.key;
                    continue;
                }
                EXPECT_NEAR(a, b, 1e-6 * std::max(1.0, std::abs(b)))
                    << streamed.cases[c].rows[r].file << " " << streamed.cases[c].rows[r].method << " " << info.key;
            }
    }
}

}  // namespace srlab
