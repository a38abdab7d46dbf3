// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/Visqol.h"
#include "metrics/VisqolSums.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "dsp/Decimate.h"
#include "dsp/Interpolate.h"
#include "metrics/Metrics.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;

namespace {

// The repository's SVR model, found as the product finds it (metrics/VisqolSums.h).
std::string svrModel() { return visqolModelPath(); }

// Speech-like: a gliding 100-140 Hz harmonic voice in 0.2 s syllables with 0.1 s pauses, which
// speech mode's voice detector hears.
std::vector<float> voice(int rate, double seconds) {
    std::vector<float> x(size_t(seconds * rate));
    double phase = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / rate, f0 = 120 + 20 * std::sin(2 * M_PI * 0.7 * t);
        phase += 2 * M_PI * f0 / rate;
        const double s = std::fmod(t, 0.3), env = s < 0.2 ? std::sin(M_PI * s / 0.2) : 0.0;
        double v = 0;
        for (int h = 1; h * f0 < 0.45 * rate && h <= 40; ++h) v += std::sin(h * phase) / h;
        x[i] = float(0.3 * env * v);
    }
    return x;
}

// Music-like and broadband: decaying chords every 0.5 s over a noise hi-hat every 0.25 s, so
// that added noise masks it gradually rather than swamping empty high bands at once.
std::vector<float> chordsAndHat(int rate, double seconds) {
    std::vector<float> x(size_t(seconds * rate));
    const auto hat = noise(x.size(), 1, 1.0);
    const double roots[] = {220, 247, 262, 294, 330, 196};
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / rate, tn = std::fmod(t, 0.5);
        double v = 0;
        for (double ratio : {1.0, 1.25, 1.5, 2.0})
            for (int h = 1; h <= 8; ++h) v += std::sin(2 * M_PI * roots[int(t / 0.5) % 6] * ratio * h * t) / (h * h);
        x[i] = float(0.15 * std::exp(-3 * tn) * v + 0.05 * std::exp(-30 * std::fmod(t, 0.25)) * hat[i]);
    }
    return x;
}

std::vector<float> synthetic(VisqolMode mode) {
    const int rate = visqolRate(mode);
    return mode == VisqolMode::Speech ? voice(rate, 3.0) : chordsAndHat(rate, 3.0);
}

VisqolResult run(const std::vector<float>& ref, const std::vector<float>& deg, VisqolMode mode) {
    return visqol(ref.data(), ref.size(), deg.data(), deg.size(), mode, svrModel());
}

void expectThrowWith(const std::function<void()>& f, const std::string& part) {
    try {
        f();
        ADD_FAILURE() << "no exception; expected one saying \"" << part << "\"";
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(part), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
        EXPECT_EQ(what.rfind("ViSQOL: ", 0), 0u) << what;
    }
}

}  // namespace

TEST(Visqol, IdenticalSignalsScoreTheTop) {
    const auto s = synthetic(VisqolMode::Speech);
    const VisqolResult speech = run(s, s, VisqolMode::Speech);
    EXPECT_NEAR(speech.vnsim, 1.0, 1e-12);
    EXPECT_EQ(speech.fvnsim.size(), 21u);
    EXPECT_NEAR(speech.mos, 5.0, 1e-12);  // the exponential fit clipped at 5
    const auto a = synthetic(VisqolMode::Audio);
    const VisqolResult audio = run(a, a, VisqolMode::Audio);
    EXPECT_NEAR(audio.vnsim, 1.0, 1e-12);
    EXPECT_EQ(audio.fvnsim.size(), 32u);
    EXPECT_NEAR(audio.mos, 4.7321, 1e-3);  // Google's SVR at perfect similarity: its ceiling
}

TEST(Visqol, MoreNoiseScoresLower) {
    for (const auto mode : {VisqolMode::Speech, VisqolMode::Audio}) {
        SCOPED_TRACE(mode == VisqolMode::Speech ? "speech" : "audio");
        const auto y = synthetic(mode);
        std::vector<double> mos, vnsim;
        for (double amp : mode == VisqolMode::Speech ? std::vector<double>{0.001, 0.003, 0.01}
                                                     : std::vector<double>{0.0003, 0.001, 0.003}) {
            auto z = noise(y.size(), 7, amp);
            for (size_t i = 0; i < y.size(); ++i) z[i] += y[i];
            const VisqolResult r = run(y, z, mode);
            mos.push_back(r.mos), vnsim.push_back(r.vnsim);
        }
        for (size_t k = 1; k < mos.size(); ++k) {
            EXPECT_GT(mos[k - 1], mos[k] + 0.1) << k;
            EXPECT_GT(vnsim[k - 1], vnsim[k]) << k;
        }
    }
}

TEST(Visqol, ConcurrentCallsAgree) {
    const auto y = synthetic(VisqolMode::Audio);
    auto z = noise(y.size(), 3, 0.001);
    for (size_t i = 0; i < y.size(); ++i) z[i] += y[i];
    const double alone = run(y, z, VisqolMode::Audio).mos;
    std::vector<double> got(3);
    std::vector<std::thread> threads;
    for (size_t k = 0; k < got.size(); ++k) threads.emplace_back([&, k] { got[k] = run(y, z, VisqolMode::Audio).mos; });
    for (auto& t : threads) t.join();
    for (double m : got) EXPECT_EQ(m, alone);
}

TEST(Visqol, RejectsWhatItCannotScore) {
    const auto y = synthetic(VisqolMode::Audio);
    const auto speech = synthetic(VisqolMode::Speech);
    const std::vector<float> silent(y.size(), 0.0f);
    const auto audio = [&](const std::vector<float>& r, const std::vector<float>& d) {
        return [&r, &d] { run(r, d, VisqolMode::Audio); };
    };
    expectThrowWith([&] { visqol(nullptr, 0, y.data(), y.size(), VisqolMode::Audio, svrModel()); },
                    "reference signal is empty");
    const std::vector<float> halfSecond(y.begin(), y.begin() + 24000);
    expectThrowWith(audio(halfSecond, halfSecond), "too short");
    const std::vector<float> speechHalf(speech.begin(), speech.begin() + 8000);
    expectThrowWith([&] { run(speechHalf, speechHalf, VisqolMode::Speech); }, "too short");
    expectThrowWith(audio(silent, y), "reference signal is silent");
    expectThrowWith(audio(y, silent), "degraded signal is silent");
    auto nan = y;
    nan[1234] = NAN;
    expectThrowWith(audio(y, nan), "NaN or infinite sample at 1234");
    const std::vector<float> blip(y.begin(), y.begin() + 2000);  // 42 ms: shorter than a frame
    expectThrowWith(audio(y, blip), "degraded signal is too short");
    expectThrowWith([&] { visqol(y.data(), y.size(), y.data(), y.size(), VisqolMode::Audio, "/nonexistent/model.txt"); },
                    "cannot load the SVR model");
    // A broken model is an error, not a signal ViSQOL cannot score (which VisqolSums skips).
    try {
        visqol(y.data(), y.size(), y.data(), y.size(), VisqolMode::Audio, "/nonexistent/model.txt");
    } catch (const VisqolUnscorable&) {
        ADD_FAILURE() << "a missing model reads as an unscorable signal";
    } catch (const std::runtime_error&) {
    }
    try {
        run(silent, y, VisqolMode::Audio);
        ADD_FAILURE();
    } catch (const VisqolUnscorable& e) {
        EXPECT_FALSE(e.degraded);
    }
    try {
        run(y, silent, VisqolMode::Audio);
        ADD_FAILURE();
    } catch (const VisqolUnscorable& e) {
        EXPECT_TRUE(e.degraded);
    }
    // Lengths may differ, as ViSQOL allows: a degraded signal 1.5 s short still scores.
    const std::vector<float> shorter(y.begin(), y.end() - 72000);
    EXPECT_GT(run(y, shorter, VisqolMode::Audio).mos, 1.0);
}

// MOS-LQO agrees with PyPI's visqol-python 3.8.0 (scripts/reference-venv.sh) on real speech in
// speech mode at 16 kHz and on music resampled to 48 kHz in audio mode: the reference itself,
// a low-passed copy (decimated by 4 and spline-upsampled back), and a noisy copy (20 dB SNR)
// arriving 2.5 ms late, which ViSQOL's alignment has to find.
TEST(Visqol, AgreesWithVisqolPython) {
    SRLAB_REQUIRE_DEV_AUDIO(audio);
    if (!std::getenv("SRLAB_REF_PYTHON")) {
        if (std::getenv("CI")) FAIL() << "SRLAB_REF_PYTHON is not set in CI (scripts/test.sh sets it)";
        GTEST_SKIP() << "set SRLAB_REF_PYTHON to the python of scripts/reference-venv.sh";
    }
    TempDir d;
    for (const auto mode : {VisqolMode::Speech, VisqolMode::Audio}) {
        const bool speech = mode == VisqolMode::Speech;
        std::vector<std::string> files;
        for (const auto& e : std::filesystem::directory_iterator(audio + (speech ? "/speech" : "/music")))
            files.push_back(e.path().string());
        std::sort(files.begin(), files.end());
        SCOPED_TRACE(files.front());
        int rate = 0;
        auto y = readMono(files.front(), &rate);
        // 4 s of speech from the start; 6 s of music from 10 s in, past any intro.
        const size_t from = speech ? 0 : std::min(y.size() / 2, size_t(10 * rate));
        y = std::vector<float>(y.begin() + long(from),
                               y.begin() + long(std::min(y.size(), from + size_t((speech ? 4 : 6) * rate))));
        const int target = visqolRate(mode);
        if (rate != target) y = resample(y, rate, target);
        double power = 0;
        for (float v : y) power += double(v) * v;
        auto late = noise(y.size() + size_t(0.0025 * target), 5, 0.1 * std::sqrt(power / double(y.size())));
        for (size_t i = 0; i < y.size(); ++i) late[i + late.size() - y.size()] += y[i];
        const std::vector<std::vector<float>> estimates{
            y, splineUpsample(decimate(y, 4, DecimFilter::Cheby), 4, y.size()), late};
        writeAudio(d / "ref.wav", y, target);
        for (size_t k = 0; k < estimates.size(); ++k) {
            SCOPED_TRACE(k);
            writeAudio(d / "deg.wav", estimates[k], target);
            const auto r = runReferencePython("visqol_check.py " + (d / "ref.wav") + " " + (d / "deg.wav") +
                                              (speech ? " speech" : " audio"));
            ASSERT_EQ(r.code, 0) << r.output;
            const auto j = nlohmann::json::parse(r.output.substr(r.output.find('{')));
            const VisqolResult m = visqol(y.data(), y.size(), estimates[k].data(), estimates[k].size(), mode, svrModel());
            EXPECT_NEAR(m.mos, j["mos"].get<double>(), 1e-3);
            EXPECT_NEAR(m.vnsim, j["vnsim"].get<double>(), 1e-4);
            const auto fvnsim = j["fvnsim"].get<std::vector<double>>();
            ASSERT_EQ(m.fvnsim.size(), fvnsim.size());
            for (size_t b = 0; b < fvnsim.size(); ++b) EXPECT_NEAR(m.fvnsim[b], fvnsim[b], 1e-4) << "band " << b;
        }
    }
}

// A long pair is the mean of ViSQOL over equal segments of at most 30 s, however it is fed;
// a pair of 30 s or less is ViSQOL itself; one too short to score is NaN. MetricSet carries it.
TEST(Visqol, LongSignalsAreTheMeanOverEqualSegments) {
    const int rate = 16000;  // speech mode, no resampling: the segments' own ViSQOL is exact
    const auto y = voice(rate, 70.0);
    auto z = noise(y.size(), 9, 0.003);
    for (size_t i = 0; i < y.size(); ++i) z[i] += y[i];
    double mean = 0;
    for (size_t s = 0; s < 3; ++s) {  // 70 s: three segments of 23.3 s
        const size_t a = y.size() * s / 3, b = y.size() * (s + 1) / 3;
        mean += visqol(y.data() + a, b - a, z.data() + a, b - a, VisqolMode::Speech, "").mos / 3;
    }
    VisqolSums whole(y.size(), rate), pieces(y.size(), rate);
    whole.add(y.data(), z.data(), y.size());
    for (size_t at = 0; at < y.size(); at += 12345) pieces.add(y.data() + at, z.data() + at, std::min<size_t>(12345, y.size() - at));
    EXPECT_NEAR(whole.result(), mean, 1e-12);
    EXPECT_EQ(pieces.result(), whole.result());

    const std::vector<float> y20(y.begin(), y.begin() + 20 * rate), z20(z.begin(), z.begin() + 20 * rate);
    VisqolSums one(y20.size(), rate);
    one.add(y20.data(), z20.data(), y20.size());
    EXPECT_EQ(one.result(), visqol(y20.data(), y20.size(), z20.data(), z20.size(), VisqolMode::Speech, "").mos);
    EXPECT_EQ(computeMetrics(y20, z20, rate, 4).visqol, one.result());

    // A silent stretch of the estimate (a truncated output's zero padding) scores ViSQOL's worst.
    auto cut = z;
    std::fill(cut.begin() + long(2 * y.size() / 3), cut.end(), 0.0f);
    VisqolSums padded(y.size(), rate);
    padded.add(y.data(), cut.data(), y.size());
    double two = 0;
    for (size_t s = 0; s < 2; ++s) {
        const size_t a = y.size() * s / 3, b = y.size() * (s + 1) / 3;
        two += visqol(y.data() + a, b - a, cut.data() + a, b - a, VisqolMode::Speech, "").mos;
    }
    EXPECT_NEAR(padded.result(), (two + 1.0) / 3, 1e-12);

    const std::vector<float> blip(y.begin(), y.begin() + rate / 4);  // 0.25 s: no segment scores
    VisqolSums none(blip.size(), rate);
    none.add(blip.data(), blip.data(), blip.size());
    EXPECT_TRUE(std::isnan(none.result()));
    EXPECT_TRUE(std::isnan(computeMetrics(blip, blip, rate, 4).visqol));
}

}  // namespace srlab
