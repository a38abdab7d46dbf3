// SPDX-License-Identifier: GPL-3.0-or-later
// Low-band consistency (docs/reference.md §4.1): the crossover's response, the mixer streamed in
// pieces of any size equals the whole-signal mix, the input's band is kept and the model's band
// above the edge is kept, and the edge is found where a low-pass left it.
#include "dsp/LowBand.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>

#include "dsp/Decimate.h"
#include "dsp/Interpolate.h"
#include "eval/LowBandMethod.h"
#include "metrics/Metrics.h"

using namespace srlab;

namespace {

std::vector<float> noise(size_t n, double amp, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, float(amp));
    std::vector<float> x(n);
    for (auto& v : x) v = g(rng);
    return x;
}

double gainAt(const std::vector<float>& h, double f, double rate) {
    std::complex<double> s = 0;
    const double c = double(h.size() / 2);
    for (size_t i = 0; i < h.size(); ++i) s += double(h[i]) * std::polar(1.0, -2 * M_PI * f / rate * (double(i) - c));
    return std::abs(s);
}

// The power of x in [lo, hi) Hz by a Blackman-windowed DFT over every 7th bin (slow but plain;
// the window keeps the other band's leakage 58 dB down).
double bandPower(const std::vector<float>& x, double rate, double lo, double hi) {
    const size_t n = x.size();
    double p = 0;
    for (size_t k = size_t(std::ceil(lo * double(n) / rate)); double(k) < hi * double(n) / rate; k += 7) {
        std::complex<double> s = 0;
        for (size_t i = 0; i < n; ++i) {
            const double t = 2 * M_PI * double(i) / double(n - 1);
            const double w = 0.42 - 0.5 * std::cos(t) + 0.08 * std::cos(2 * t);
            s += w * double(x[i]) * std::polar(1.0, -2 * M_PI * double(k) * double(i) / double(n));
        }
        p += std::norm(s);
    }
    return p;
}

}  // namespace

TEST(LowBand, TheCrossoverPassesTheInputBandAndStopsAboveTheEdge) {
    for (double rate : {16000.0, 44100.0, 48000.0}) {
        const LowBandEdge e = lowBandEdgeAt(0.8 * rate / 8, rate / 4);
        const auto h = lowBandTaps(rate, e);
        ASSERT_EQ(h.size() % 2, 1u);
        EXPECT_NEAR(gainAt(h, 0, rate), 1.0, 1e-6);
        for (double f = 0; f < e.edgeHz - e.widthHz; f += 37) EXPECT_NEAR(gainAt(h, f, rate), 1.0, 2e-3) << f;
        for (double f = e.edgeHz; f < rate / 2; f += 97) EXPECT_LT(gainAt(h, f, rate), 2e-3) << f;
        // Half-way through the crossfade the two bands have equal weight.
        EXPECT_NEAR(gainAt(h, e.edgeHz - e.widthHz / 2, rate), 0.5, 0.02);
    }
}

TEST(LowBand, StreamedInPiecesOfAnySizeEqualsTheWholeMix) {
    const double lowRate = 4000;
    const int r = 4;
    const auto low = noise(9000, 0.2, 1);
    const auto est = noise(low.size() * r, 0.2, 2);
    const LowBandEdge e = lowBandEdgeAt(1600, lowRate);
    const auto whole = keepLowBand(low, r, lowRate, est, e);
    ASSERT_EQ(whole.size(), est.size());
    const auto x = sincUpsample(low, r, est.size());
    std::mt19937 rng(3);
    LowBandMixer mix(lowBandTaps(lowRate * r, e));
    std::vector<float> out;
    const SampleSink sink = [&out](const float* s, size_t k) { out.insert(out.end(), s, s + k); };
    size_t xi = 0, yi = 0;
    while (xi < x.size() || yi < est.size()) {
        const size_t a = std::min(x.size() - xi, size_t(rng() % 3000));
        mix.pushInput(x.data() + xi, a, sink);
        xi += a;
        const size_t b = std::min(est.size() - yi, size_t(rng() % 5000));
        mix.pushModel(est.data() + yi, b, sink);
        yi += b;
    }
    mix.finish(sink);
    ASSERT_EQ(out.size(), whole.size());
    for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], whole[i]) << i;
}

// The mixer filters by FFT (overlap-save); each output equals the direct sum y + h * (x - y),
// in double, to float precision: for the crossovers of both shipped models' rates and a MUSHRA
// anchor's longer one, over lengths shorter than one block, a block exactly and many blocks.
TEST(LowBand, TheMixIsTheDirectFilterSum) {
    const std::vector<std::vector<float>> filters{lowBandTaps(44100, lowBandEdgeAt(0, 44100 / 4.0)),
                                                  lowBandTaps(16000, lowBandEdgeAt(0, 4000)),
                                                  lowBandTaps(48000, LowBandEdge{3587.5, 175})};
    for (const auto& h : filters) {
        const size_t half = h.size() / 2;
        for (size_t n : {size_t(700), size_t(4096 - h.size() + 1), size_t(50000)}) {
            const auto x = noise(n, 0.2, 11), y = noise(n, 0.2, 12);
            LowBandMixer mix(h);
            std::vector<float> out;
            const SampleSink sink = [&out](const float* s, size_t k) { out.insert(out.end(), s, s + k); };
            mix.pushInput(x.data(), n, sink);
            mix.pushModel(y.data(), n, sink);
            mix.finish(sink);
            ASSERT_EQ(out.size(), n);
            double worst = 0;
            for (size_t o = 0; o < n; ++o) {
                double s = y[o];
                for (size_t i = 0; i < h.size(); ++i) {
                    const long long j = (long long)o - (long long)half + (long long)i;
                    if (j >= 0 && j < (long long)n) s += double(h[i]) * (double(x[size_t(j)]) - double(y[size_t(j)]));
                }
                worst = std::max(worst, std::abs(s - double(out[o])));
            }
            EXPECT_LT(worst, 1e-5) << h.size() << " taps, " << n << " samples";  // signals of 0.2 rms
        }
    }
}

TEST(LowBand, KeepsTheInputBandBelowTheEdgeAndTheModelBandAboveIt) {
    // Truth: full-band noise at 16 kHz; low-res by the published filter (edge at 0.8 x 2 kHz).
    const int rate = 16000, r = 4;
    const auto truth = noise(size_t(rate) * 2, 0.1, 4);
    const auto low = decimate(truth, r, DecimFilter::Cheby);
    // A "model" that gets the high band right and ruins the low band.
    const auto wrongLow = noise(truth.size(), 0.05, 5);
    std::vector<float> est(truth.size());
    for (size_t i = 0; i < est.size(); ++i) est[i] = truth[i] + wrongLow[i];
    const LowBandEdge e = detectLowBandEdge(low.data(), low.size(), rate / r);
    EXPECT_TRUE(e.detected);
    // Between the filter's passband edge (1600 Hz) and its -6 dB point (1707 Hz, forward and back).
    EXPECT_GE(e.edgeHz, 1600);
    EXPECT_LE(e.edgeHz, 1720);
    const auto kept = keepLowBand(low, r, rate / double(r), est, e);
    const auto sinc = sincUpsample(low, r, truth.size());
    // Below the crossfade: the input's band (its sinc interpolation), not the model's.
    // Away from the ends, where the signal stops (is zero-padded) under the filter.
    const size_t from = 4000, to = kept.size() - 4000;
    std::vector<float> diffSinc, diffEst, sincIn, estIn;
    for (size_t i = from; i < to; ++i) {
        diffSinc.push_back(kept[i] - sinc[i]), diffEst.push_back(kept[i] - est[i]);
        sincIn.push_back(sinc[i]), estIn.push_back(est[i]);
    }
    const double lo = e.edgeHz - e.widthHz;
    EXPECT_LT(bandPower(diffSinc, rate, 50, lo - 60), 1e-5 * bandPower(sincIn, rate, 50, lo - 60));
    // Above the edge: the model's band.
    EXPECT_LT(bandPower(diffEst, rate, e.edgeHz + 60, 7900), 1e-5 * bandPower(estIn, rate, e.edgeHz + 60, 7900));
    // And the SNR is the sinc baseline's or better: the model's ruined band is gone.
    EXPECT_GT(snrDb(truth.data(), kept.data(), truth.size()), snrDb(truth.data(), sinc.data(), truth.size()) - 0.05);
}

TEST(LowBand, AFullBandInputUsesTheNominalEdge) {
    const double lowRate = 11025;
    const auto low = noise(size_t(lowRate) * 2, 0.1, 6);
    const LowBandEdge e = detectLowBandEdge(low.data(), low.size(), lowRate);
    EXPECT_FALSE(e.detected);
    EXPECT_DOUBLE_EQ(e.edgeHz, 0.95 * lowRate / 2);
    // Silence and a single sample work too.
    const std::vector<float> quiet(10, 0.0f);
    EXPECT_DOUBLE_EQ(detectLowBandEdge(quiet.data(), quiet.size(), lowRate).edgeHz, 0.95 * lowRate / 2);
    const auto one = keepLowBand({0.5f}, 4, lowRate, {0.1f, 0.2f, 0.3f, 0.4f});
    EXPECT_EQ(one.size(), 4u);
}

// Music's own spectrum is no low-pass: a tonal recording (sparse harmonics, deep valleys between
// them) falling 12 dB per octave, made low-res by a resampler that keeps its band whole, keeps
// the nominal edge (a fixed drop below a reference level cut such input at 0.7 x the Nyquist and
// handed 1.5 kHz of right input band to the network). The same recording through the published
// Chebyshev filter (pass band to 0.8 x the Nyquist) has its edge just above that pass band.
TEST(LowBand, ASlopedTonalRecordingIsNotMistakenForALowPass) {
    const int rate = 44100, r = 4;
    const double lowRate = rate / double(r);
    const auto tones = [](int at, double seconds) {
        std::vector<float> x(size_t(at * seconds));
        const auto hiss = noise(x.size(), 1e-5, 9);
        for (size_t i = 0; i < x.size(); ++i) {
            double v = 0;
            for (int h = 1; h * 431.0 < at / 2.0; ++h) v += 0.3 / (h * h) * std::sin(2 * M_PI * 431.0 * h * double(i) / at + h);
            x[i] = float(v) + hiss[i];
        }
        return x;
    };
    const auto whole = tones(int(lowRate), 8);  // made at the low rate: its band is whole
    const LowBandEdge full = detectLowBandEdge(whole.data(), whole.size(), lowRate);
    EXPECT_GE(full.edgeHz, 0.93 * lowRate / 2);  // the nominal 0.95, or its last harmonic's 0.94
    const auto cheby = decimate(tones(rate, 8), r, DecimFilter::Cheby);
    const LowBandEdge e = detectLowBandEdge(cheby.data(), cheby.size(), lowRate);
    EXPECT_TRUE(e.detected);
    EXPECT_GE(e.edgeHz, 0.8 * lowRate / 2);
    EXPECT_LE(e.edgeHz, 0.88 * lowRate / 2);
}

TEST(LowBand, AStreamedMethodEqualsItsWholeRunAndDetectsFromThe30SecondProbe) {
    const int r = 2;
    const double lowRate = 4000;
    // A "model": the spline baseline plus a tone above the edge, as a stream.
    Method m = baselineMethod("spline", r);
    const Method lb = withLowBand(m, r, lowRate);
    // 40 s: longer than the probe, so the stream holds 30 s back and then runs on.
    auto low = decimate(noise(size_t(lowRate) * r * 40, 0.1, 7), r, DecimFilter::Cheby);
    const size_t n = low.size() * r;
    CancelToken cancel;
    const auto whole = lb.run(low, n, cancel);
    ASSERT_EQ(whole.size(), n);
    auto s = lb.stream(cancel);
    std::vector<float> out;
    const SampleSink sink = [&out](const float* p, size_t k) { out.insert(out.end(), p, p + k); };
    for (size_t i = 0; i < low.size(); i += 4321) s->push(low.data() + i, std::min<size_t>(4321, low.size() - i), sink);
    s->finish(n, sink);
    ASSERT_EQ(out.size(), n);
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(out[i], whole[i]) << i;
    const auto& edge = dynamic_cast<LowBandStream&>(*s).edge();
    EXPECT_TRUE(edge.detected);
    EXPECT_GE(edge.edgeHz, 0.8 * lowRate / 2);
    EXPECT_LE(edge.edgeHz, 0.86 * lowRate / 2);
}
