// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Degradation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "util/Error.h"

namespace srlab {
namespace {

constexpr int kRate = 44100, kScale = 4;
constexpr double kNyquistLow = kRate / 2.0 / kScale;

std::vector<float> tone(double hz, size_t n, int rate = kRate) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = 0.5f * float(std::sin(2 * M_PI * hz * double(i) / rate));
    return x;
}

// Level in dB of a 0.5-amplitude tone at `hz` after `d` (middle half of the low-res output, so
// filter edges do not count). Above the new Nyquist this is the level of its alias.
double levelDb(const Degradation& d, double hz) {
    auto x = tone(hz, kRate * 2);
    const auto y = degrade(x, kRate, kScale, d).low;
    double s = 0;
    size_t n = 0;
    for (size_t i = y.size() / 4; i < 3 * y.size() / 4; ++i, ++n) s += double(y[i]) * y[i];
    return 10 * std::log10(s / double(n) / 0.125);
}

}  // namespace

TEST(Degradation, TextFormRoundTripsAndBadTextIsNamed) {
    for (const char* t : {"cheby", "sinc", "none", "ellip:6@0.95/min", "butter:4+mp3:0.5", "soxr+opus:0.9",
                          "bessel:3+gain:-3+noise:-70+vorbis:0.25", "kaiser@0.85"}) {
        SCOPED_TRACE(t);
        EXPECT_EQ(Degradation::parse(t).toString(), t);
    }
    EXPECT_EQ(Degradation::parse("cheby1:8/zero").toString(), "cheby1:8");
    for (const char* bad : {"", "lanczos", "butter:40", "butter:x", "ellip@3", "soxr+flac:0.5", "soxr+mp3:2",
                            "soxr+mp3", "cheby1:8/max", "soxr+noise:6"}) {
        SCOPED_TRACE(bad);
        try {
            Degradation::parse(bad);
            ADD_FAILURE() << "accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("degradation '" + std::string(bad) + "'"), std::string::npos) << e.what();
        }
    }
}

// Each family passes the band it keeps and stops what would alias, as its design says.
TEST(Degradation, EveryFilterFamilyKeepsThePassBandAndStopsAliases) {
    for (const char* t : {"cheby", "sinc", "butter:8", "cheby1:8", "cheby2:8", "ellip:8", "kaiser@0.95", "soxr",
                          "ellip:8/min", "cheby1:6/min"}) {
        SCOPED_TRACE(t);
        const auto d = Degradation::parse(t);
        EXPECT_NEAR(levelDb(d, 0.5 * kNyquistLow), 0.0, 0.5);
        // One pass (minimum phase) attenuates half as many dB as forward-backward.
        EXPECT_LT(levelDb(d, 1.4 * kNyquistLow), d.minPhase ? -20.0 : -40.0);
    }
    // Bessel and low orders roll off gently: monotone, and aliases are let through in part.
    for (const char* t : {"bessel:8", "butter:2"}) {
        SCOPED_TRACE(t);
        const auto d = Degradation::parse(t);
        const double a = levelDb(d, 0.5 * kNyquistLow), b = levelDb(d, 0.9 * kNyquistLow), c = levelDb(d, 1.4 * kNyquistLow);
        EXPECT_GT(a, b);
        EXPECT_GT(b, c);
        EXPECT_GT(c, -40.0);
        EXPECT_LT(c, -6.0);
    }
    // A lower cutoff cuts earlier.
    EXPECT_LT(levelDb(Degradation::parse("butter:8@0.7"), 0.8 * kNyquistLow),
              levelDb(Degradation::parse("butter:8"), 0.8 * kNyquistLow) - 10.0);
}

// Forward-backward filtering has no delay; one causal pass has its bulk delay compensated.
TEST(Degradation, NeitherPhaseDelays) {
    std::vector<float> click(kRate / 2 - kRate / 2 % kScale, 0.0f);
    click[kRate / 4] = 1.0f;
    auto peakAt = [&](const char* t) {
        auto x = click;
        const auto y = degrade(x, kRate, kScale, Degradation::parse(t)).low;
        return std::max_element(y.begin(), y.end()) - y.begin();
    };
    EXPECT_EQ(peakAt("ellip:8"), kRate / 4 / kScale);
    EXPECT_EQ(peakAt("butter:6"), kRate / 4 / kScale);
    // One causal pass disperses the click; its bulk delay is taken out (as resamplers do).
    EXPECT_NEAR(double(peakAt("ellip:8/min")), kRate / 4 / kScale, 2.0);
}

TEST(Degradation, GainGoesToBothSidesAndNoiseToTheLowResOnly) {
    auto x = tone(1000, kRate);
    const auto clean = x;
    const auto d = degrade(x, kRate, kScale, Degradation::parse("soxr+gain:-6"));
    EXPECT_NEAR(x[1234] / clean[1234], std::pow(10.0, -6.0 / 20.0), 1e-5);
    auto silent = std::vector<float>(kRate, 0.0f);
    const auto n = degrade(silent, kRate, kScale, Degradation::parse("soxr+noise:-60")).low;
    double s = 0;
    for (float v : n) s += double(v) * v;
    EXPECT_NEAR(10 * std::log10(s / double(n.size())), -60.0, 0.5);
    for (float v : silent) EXPECT_EQ(v, 0.0f);
    // The noise is the same every time (a chain is reproducible).
    auto again = std::vector<float>(kRate, 0.0f);
    EXPECT_EQ(degrade(again, kRate, kScale, Degradation::parse("soxr+noise:-60")).low, n);
}

// Each codec round trip comes back aligned with what went in, and a higher compression level
// spends fewer bits.
TEST(Degradation, CodecRoundTripsAreAlignedAndCostWhatTheirQualitySays) {
    std::vector<float> x(kRate * 3);
    for (size_t i = 0; i < x.size(); ++i)  // a chord with a slow swell: something to code
        x[i] = float((0.2 * std::sin(2 * M_PI * 440 * i / kRate) + 0.15 * std::sin(2 * M_PI * 1234 * i / kRate) +
                      0.1 * std::sin(2 * M_PI * 3100 * i / kRate)) *
                     (0.6 + 0.4 * std::sin(2 * M_PI * 0.7 * i / kRate)));
    for (const char* codec : {"mp3", "opus", "vorbis"}) {
        SCOPED_TRACE(codec);
        auto hi = x;
        const auto ref = degrade(hi, kRate, kScale, Degradation::parse("soxr")).low;
        auto hiA = x, hiB = x;
        const auto good = degrade(hiA, kRate, kScale, Degradation::parse(std::string("soxr+") + codec + ":0.3"));
        const auto poor = degrade(hiB, kRate, kScale, Degradation::parse(std::string("soxr+") + codec + ":0.95"));
        ASSERT_EQ(good.low.size(), ref.size());
        EXPECT_GT(good.codecKbps, poor.codecKbps);
        EXPECT_GT(poor.codecKbps, 4.0);
        double e = 0, s = 0;
        for (size_t i = ref.size() / 10; i < ref.size() * 9 / 10; ++i) {
            e += double(good.low[i] - ref[i]) * (good.low[i] - ref[i]);
            s += double(ref[i]) * ref[i];
        }
        // Aligned: one sample off scores ~2 dB here, a whole-period error below 0 dB.
        EXPECT_GT(10 * std::log10(s / e), 6.0);
    }
}

TEST(Degradation, CodecsWorkAtEveryLowRateSRLabUses) {
    for (int lowRate : {4000, 8000, 11025, 16000}) {
        for (const char* codec : {"mp3", "opus", "vorbis"}) {
            SCOPED_TRACE(std::to_string(lowRate) + " " + codec);
            auto hi = tone(lowRate / 8.0, size_t(lowRate) * 4 * 2, lowRate * 4);
            const auto out = degrade(hi, lowRate * 4, 4, Degradation::parse(std::string("soxr+") + codec + ":0.5"));
            EXPECT_EQ(out.low.size(), hi.size() / 4);
            EXPECT_GT(out.codecKbps, 0.0);
        }
    }
}

TEST(Degradation, TheZooIsReproducibleFromItsSeedAndCoversItsFamilies) {
    const auto zoo = DegradationZoo::parse("zoo");
    EXPECT_EQ(zoo.draw(42), zoo.draw(42));
    std::set<std::string> texts, families;
    int codecs = 0, minPhase = 0;
    for (uint64_t seed = 0; seed < 400; ++seed) {
        const auto d = zoo.draw(seed);
        EXPECT_EQ(Degradation::parse(d.toString()), d);  // recorded text is the whole chain
        texts.insert(d.toString());
        families.insert(d.filter);
        codecs += !d.codec.empty();
        minPhase += d.minPhase;
        if (d.filter != "soxr") {
            EXPECT_GE(d.cutoff, zoo.minCutoff);
            EXPECT_LE(d.cutoff, zoo.maxCutoff);
        }
    }
    EXPECT_GT(texts.size(), 300u);  // soxr has no parameters of its own: repeats are expected
    EXPECT_EQ(families.size(), zoo.filters.size());
    EXPECT_GT(codecs, 80);  // p = 0.3 of 400
    EXPECT_LT(codecs, 160);
    EXPECT_GT(minPhase, 60);
    const auto narrow = DegradationZoo::parse("zoo,codec=0,noise=0,gain=0,filters=butter|ellip,orders=4-6");
    for (uint64_t seed = 0; seed < 50; ++seed) {
        const auto d = narrow.draw(seed);
        EXPECT_TRUE(d.codec.empty() && d.noiseDbfs < -200 && d.gainDb == 0);
        EXPECT_TRUE(d.filter == "butter" || d.filter == "ellip");
        EXPECT_GE(d.order, 4);
        EXPECT_LE(d.order, 6);
    }
    EXPECT_EQ(DegradationZoo::parse(narrow.toString()).toString(), narrow.toString());
    EXPECT_TRUE(DegradationZoo::parse("zoo,per=patch").perPatch);
    EXPECT_FALSE(DegradationZoo::parse("zoo,per=file").perPatch);
    EXPECT_EQ(DegradationZoo::parse(DegradationZoo::parse("zoo,per=patch").toString()).perPatch, true);
    for (const char* bad : {"zo", "zoo,codec=2", "zoo,filters=lanczos", "zoo,orders=0-20", "zoo,colour=red", "zoo,codecs=flac",
                            "zoo,per=file-ish"}) {
        SCOPED_TRACE(bad);
        EXPECT_THROW(DegradationZoo::parse(bad), Error);
    }
}

TEST(Degradation, TheDefaultMatrixCoversFamiliesResamplersAndCodecs) {
    std::set<std::string> families, codecs;
    for (const auto& d : defaultDegradationMatrix()) {
        families.insert(d.filter);
        if (!d.codec.empty()) codecs.insert(d.codec);
    }
    for (const char* f : {"cheby", "sinc", "butter", "cheby1", "cheby2", "ellip", "bessel", "kaiser", "soxr"})
        EXPECT_TRUE(families.count(f)) << f;
    EXPECT_EQ(codecs.size(), 3u);
}

TEST(Degradation, TooShortInputIsRefusedNotCrashed) {
    std::vector<float> x(8, 0.1f);
    EXPECT_THROW(degrade(x, kRate, kScale, Degradation::parse("ellip:8")), Error);
    EXPECT_NO_THROW(degrade(x, kRate, kScale, Degradation::parse("ellip:8/min")));
    std::vector<float> odd(10, 0.1f);
    EXPECT_THROW(degrade(odd, kRate, kScale, Degradation::parse("soxr")), Error);
}

}  // namespace srlab
