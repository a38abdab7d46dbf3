// SPDX-License-Identifier: GPL-3.0-or-later
// Other systems' outputs as versions (docs/reference.md §6.4): matched to the truth by name,
// resampled, delay found and removed, length trimmed or padded; what cannot be matched is one
// line naming the file.
#include "eval/ExternalOutput.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;
namespace fs = std::filesystem;

namespace {
// The truth's samples through an output stream, as the evaluator reads them.
std::vector<float> lined(const std::string& output, const std::string& truth, int rate, size_t n, OutputAlignment* a) {
    auto s = externalOutputStream(output, truth, rate, 4, n, a);
    std::vector<float> y;
    const SampleSink add = [&y](const float* p, size_t k) { y.insert(y.end(), p, p + k); };
    const std::vector<float> low(n / 4, 0.0f);
    for (size_t i = 0; i < low.size(); i += 1000) s->push(low.data() + i, std::min<size_t>(1000, low.size() - i), add);
    s->finish(n, add);
    return y;
}
}  // namespace

TEST(ExternalOutput, ADelayedLongerOutputAtAnotherRateIsLinedUp) {
    TempDir d;
    const int rate = 16000;
    const auto x = chirp(100, 6000, rate, rate * 3);
    writeAudio(d / "song.wav", x, rate);
    for (int delay : {-300, 0, 36, 501}) {  // at 48 kHz (whole samples at 16 kHz): -6.25 to +10.4 ms
        SCOPED_TRACE(delay);
        auto y = resample(x, rate, 48000);
        if (delay > 0) y.insert(y.begin(), size_t(delay), 0.0f);
        else y.erase(y.begin(), y.begin() + (-delay));
        y.resize(y.size() + 960, 0.0f);  // 20 ms longer
        writeAudio(d / "song_sys.wav", y, 48000);
        OutputAlignment a;
        const auto got = lined(d / "song_sys.wav", d / "song.wav", rate, x.size(), &a);
        EXPECT_NEAR(double(a.delay), delay / 3.0, 1.0);
        ASSERT_EQ(got.size(), x.size());
        double err = 0, ref = 0;
        for (size_t i = 2000; i + 2000 < x.size(); ++i) err += (got[i] - x[i]) * (got[i] - x[i]), ref += x[i] * x[i];
        EXPECT_LT(10 * std::log10(err / ref), -40.0);
    }
}

TEST(ExternalOutput, OutputsAreFoundByNameAndWhatCannotBeMatchedIsNamed) {
    TempDir d;
    const int rate = 16000;
    const auto x = chirp(100, 6000, rate, rate * 2);
    writeAudio(d / "a.wav", x, rate);
    fs::create_directories(d / "out");
    writeAudio(d / "out/a-enhanced.flac", x, rate);
    EXPECT_EQ(findOutputFor(d / "a.wav", d / "out"), d / "out/a-enhanced.flac");
    writeAudio(d / "out/a.wav", x, rate);
    EXPECT_EQ(findOutputFor(d / "a.wav", d / "out"), d / "out/a.wav");  // the exact name wins
    const auto message = [&](const std::function<void()>& f) {
        try {
            f();
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message([&] { findOutputFor(d / "b.wav", d / "out"); }).find("has no output in"), std::string::npos);
    // Shorter than 10 ms, silent, or of another length: one line naming the output.
    writeAudio(d / "short.wav", std::vector<float>(100, 0.1f), rate);
    EXPECT_NE(message([&] { lined(d / "short.wav", d / "a.wav", rate, x.size(), nullptr); }).find("shorter than 10 ms"),
              std::string::npos);
    writeAudio(d / "silent.wav", std::vector<float>(x.size(), 0.0f), rate);
    const auto silent = message([&] { lined(d / "silent.wav", d / "a.wav", rate, x.size(), nullptr); });
    EXPECT_NE(silent.find("silent.wav"), std::string::npos) << silent;
    EXPECT_NE(silent.find("is silent"), std::string::npos) << silent;
    auto longer = x;
    longer.resize(x.size() * 2, 0.1f);
    writeAudio(d / "long.wav", longer, rate);
    const auto wrong = message([&] { lined(d / "long.wav", d / "a.wav", rate, x.size(), nullptr); });
    EXPECT_NE(wrong.find("not an output of it"), std::string::npos) << wrong;
    // The evaluator skips such a file with that line and scores the others.
    writeAudio(d / "b.wav", x, rate);
    writeAudio(d / "out/b.wav", std::vector<float>(x.size(), 0.0f), rate);
    NullProgress quiet;
    CancelToken cancel;
    const auto notes = std::make_shared<OutputNotes>();
    const EvalTable t = evaluateFiles({d / "a.wav", d / "b.wav"}, rate, 4, Degradation::parse("cheby"),
                                      {baselineMethod("spline", 4), externalMethod("sys", d / "out", notes)}, 1, quiet, cancel);
    ASSERT_EQ(t.skipped.size(), 1u);
    EXPECT_NE(t.skipped[0].second.find("is silent"), std::string::npos) << t.skipped[0].second;
    ASSERT_EQ(t.rows.size(), 2u);
    EXPECT_GT(t.rows[1].m.snr, 60.0);  // the output is the truth itself
    EXPECT_EQ(notes->lines().size(), 1u);
}

}  // namespace srlab
