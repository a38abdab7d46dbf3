// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Stft.h"

#include <cmath>

#include "dsp/DisplaySpectrogram.h"
#include "dsp/Mel.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;

TEST(Stft, DcSineAndNyquistLandInTheirBins) {
    const int nfft = 1024;
    StftParams p{nfft, 256, 0, true};
    const size_t n = 8192;
    std::vector<float> dc(n, 1.0f), nyq(n);
    for (size_t i = 0; i < n; ++i) nyq[i] = (i % 2) ? -1.0f : 1.0f;
    auto sin64 = sine(64.0 * 16000 / nfft, 16000, n, 1.0);  // exactly bin 64
    for (const auto& [x, bin] : {std::pair{&dc, 0}, std::pair{&nyq, nfft / 2}, std::pair{&sin64, 64}}) {
        const auto s = powerSpectrogram(x->data(), n, p);
        EXPECT_EQ(s.frames, 1 + n / 256);
        const size_t f = s.frames / 2;
        size_t best = 0;
        for (size_t k = 0; k < s.bins; ++k)
            if (s.at(f, k) > s.at(f, best)) best = k;
        EXPECT_EQ(int(best), bin);
    }
    // Parseval with a periodic Hann window: sum |X|^2 = nfft * sum (w x)^2.
    const auto s = powerSpectrogram(dc.data(), n, p);
    EXPECT_NEAR(s.at(10, 0), std::pow(nfft / 2.0, 2), 1e-2 * std::pow(nfft / 2.0, 2));
}

TEST(Stft, ThreadedEqualsSingleThreaded) {
    const auto x = noise(100003, 5);
    StftParams p{512, 128, 0, true};
    const auto a = powerSpectrogram(x.data(), x.size(), p, 1);
    const auto b = powerSpectrogram(x.data(), x.size(), p, 4);
    EXPECT_EQ(a.power, b.power);
}

TEST(Mel, SlaneyScaleAndTriangles) {
    EXPECT_NEAR(hzToMel(1000), 15.0, 1e-12);
    EXPECT_NEAR(melToHz(hzToMel(5123.0)), 5123.0, 1e-9);
    const auto bank = melFilterbank(22050, 2048, 128);
    EXPECT_EQ(bank.weights.size(), 128u * 1025u);
    // librosa.filters.mel(sr=22050, n_fft=2048)[10].max() with Slaney normalisation.
    float peak = 0;
    for (int k = 0; k < 1025; ++k) peak = std::max(peak, bank.weights[10 * 1025 + size_t(k)]);
    EXPECT_GT(peak, 0.0f);
}

}  // namespace srlab

namespace srlab {

// A display spectrogram of a version in a file reads only its frames' windows, and gives exactly
// what the in-memory producer gives: long views (sparse frames, gathered), short ones (dense),
// ranges at the ends (reflected) and inside (real samples either side).
TEST(DisplaySpectrogram, AFileBackedSignalGivesTheInMemoryResult) {
    test::TempDir d;
    std::vector<float> x(1000003);
    uint32_t s = 7;
    for (size_t i = 0; i < x.size(); ++i) {
        s = s * 1664525u + 1013904223u;
        x[i] = float(std::sin(0.001 * double(i) * double(i % 977)) * 0.5 + double(s >> 8) / double(1u << 24) * 0.1);
    }
    SampleWriter w(d / "x.f32");
    w.write(x.data(), x.size());
    const Samples file = w.finish();
    ASSERT_FALSE(file->path().empty());
    const std::pair<size_t, size_t> ranges[] = {{0, x.size()}, {0, 40000}, {123457, 900001}, {500000, 500700},
                                                {x.size() - 3000, x.size()}, {999000, x.size()}, {10, 20}};
    for (const auto& [b, e] : ranges)
        for (size_t columns : {size_t(16), size_t(400), size_t(1600)}) {
            const auto mem = makeDisplaySpectrogram(x.data(), x.size(), b, e, 44100, 46, columns, 1);
            const auto disk = makeDisplaySpectrogram(*file, b, e, 44100, 46, columns, 1);
            ASSERT_EQ(disk.frames, mem.frames) << b << ".." << e << " / " << columns;
            EXPECT_EQ(disk.bins, mem.bins);
            EXPECT_EQ(disk.startSeconds, mem.startSeconds);
            EXPECT_EQ(disk.secondsPerFrame, mem.secondsPerFrame);
            EXPECT_EQ(disk.db, mem.db) << b << ".." << e << " / " << columns;
        }
}

}  // namespace srlab

namespace srlab {

// The overview of a signal that arrives in pieces equals the whole signal's, whatever the pieces,
// for sparse (hop > window) and dense frames and for signals shorter than a window; before the
// end, the frames so far are already the final ones.
TEST(DisplaySpectrogram, TheStreamedOverviewEqualsTheWholeSignals) {
    uint32_t s = 3;
    for (size_t n : {size_t(700), size_t(5000), size_t(123457), size_t(1000003)})
        for (size_t columns : {size_t(50), size_t(1600)}) {
            std::vector<float> x(n);
            for (auto& v : x) {
                s = s * 1664525u + 1013904223u;
                v = float(double(s >> 8) / double(1u << 24) - 0.5);
            }
            const auto whole = makeDisplaySpectrogram(x, 44100, 46, columns);
            OverviewStream o(n, 44100, 46, columns);
            size_t at = 0;
            bool checkedMidway = false;
            while (at < n) {
                s = s * 1664525u + 1013904223u;
                const size_t m = std::min(n - at, size_t(1 + (s >> 8) % 70000));
                o.push(x.data() + at, m);
                at += m;
                if (!checkedMidway && at > n / 2 && at < n && o.framesDone() > 0) {
                    const auto part = o.snapshot();
                    ASSERT_EQ(part.frames, whole.frames);
                    const size_t k = o.framesDone() * whole.bins;
                    EXPECT_TRUE(std::equal(part.db.begin(), part.db.begin() + long(k), whole.db.begin())) << n;
                    checkedMidway = true;
                }
            }
            const auto streamed = o.snapshot();
            ASSERT_EQ(streamed.frames, whole.frames) << n << " / " << columns;
            EXPECT_EQ(streamed.db, whole.db) << n << " / " << columns;
            EXPECT_EQ(streamed.secondsPerFrame, whole.secondsPerFrame);
        }
}

}  // namespace srlab
