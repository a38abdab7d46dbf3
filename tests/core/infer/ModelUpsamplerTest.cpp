// SPDX-License-Identifier: GPL-3.0-or-later
#include "infer/ModelUpsampler.h"

#include <algorithm>
#include <cmath>

#include "audio/AudioFile.h"
#include "audio/AudioStream.h"
#include "audio/Resampler.h"
#include "dsp/Interpolate.h"
#include "core/train/TrainFixture.h"
#include "train/Checkpoint.h"
#include "train/ChunkedInference.h"
#include "train/Trainer.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

TEST(ModelUpsampler, ChunkedOutputMatchesASinglePassWithoutSeams) {
    TempDir d;
    ModelUpsampler model(trainTinyCheckpoint(d) + "/model.pt", "cpu", 1);
    model.setChunking(4096, 1024);
    const auto low = harmonics(180, 4000, 12345);
    const size_t n = low.size() * 4;
    auto chunked = model.run(low, n);
    auto single = model.runSinglePass(low, n);
    ASSERT_EQ(chunked.size(), n);
    ASSERT_EQ(single.size(), n);
    double worst = 0, peak = 0;
    for (size_t i = 2048; i + 2048 < n; ++i) {
        worst = std::max(worst, double(std::abs(chunked[i] - single[i])));
        peak = std::max(peak, double(std::abs(single[i])));
    }
    EXPECT_LT(worst, 1e-3 * peak) << "worst " << worst << " of peak " << peak;
    // bfloat16 inference stays within bf16 precision of the float32 result.
    ModelUpsampler bf(d / "run/checkpoints/best", "cpu", 1);
    bf.setPrecision("bf16");
    auto half = bf.runSinglePass(low, n);
    double err = 0, ref = 0;
    for (size_t i = 0; i < n; ++i) err += double(half[i] - single[i]) * (half[i] - single[i]), ref += double(single[i]) * single[i];
    EXPECT_LT(10 * std::log10(err / ref), -30.0);
    EXPECT_THROW(bf.setPrecision("fp8"), Error);
    // Any input rate: 11025 Hz in -> resampled to 4 kHz -> 16 kHz out, duration kept.
    auto y = model.upsample(harmonics(200, 11025, 11025), 11025);
    EXPECT_EQ(y.size(), 16000u);
}

// Whole-signal chunked inference as it is defined (docs/reference.md §4) and was computed before
// inference streamed: every chunk of the whole signal, raised-cosine crossfades, sums.
std::vector<float> referenceChunked(const ChunkForward& forward, const std::vector<float>& x, ChunkPlan plan) {
    const size_t n = x.size(), W = plan.chunk, O = plan.overlap, H = W - O;
    const size_t chunks = n <= W ? 1 : 1 + (n - W + H - 1) / H;
    std::vector<float> out(n, 0.0f);
    for (size_t c = 0; c < chunks; ++c) {
        const size_t s = c * H, len = std::min(W, n - s);
        auto t = torch::zeros({1, 1, int64_t(W)});
        std::copy(x.begin() + long(s), x.begin() + long(s + len), t.data_ptr<float>());
        const auto y = forward(t);
        for (size_t i = 0; i < len; ++i) {
            float w = 1.0f;
            const auto up = [&](size_t k) { return float(0.5 - 0.5 * std::cos(M_PI * (double(k) + 0.5) / double(O))); };
            if (c > 0 && i < O) w = up(i);
            if (c + 1 < chunks && i >= W - O) w = 1.0f - up(i - (W - O));
            out[s + i] += w * y.data_ptr<float>()[i];
        }
    }
    return out;
}

float worstDifference(const std::vector<float>& a, const std::vector<float>& b) {
    float worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

// Chunks see their neighbours' samples (the roll), so a wrong cut or crossfade shows.
TEST(ChunkedStream, PiecesOfAnySizeGiveTheWholeSignalsResult) {
    const ChunkForward forward = [](const torch::Tensor& t) { return torch::tanh(3 * t + t.roll(1, -1)).contiguous(); };
    const ChunkPlan plan{1024, 256};
    std::mt19937 g(3);
    for (size_t n : {size_t(1), size_t(1024), size_t(1025), size_t(100003)})
        for (bool parallel : {false, true}) {
            SCOPED_TRACE("n=" + std::to_string(n) + (parallel ? " parallel" : ""));
            const auto x = noise(n, unsigned(n));
            const auto expected = referenceChunked(forward, x, plan);
            std::vector<float> got;
            const SampleSink append = [&](const float* s, size_t k) { got.insert(got.end(), s, s + k); };
            ChunkedStream stream(forward, plan, 4, parallel, 2);
            std::uniform_int_distribution<size_t> len(1, 30000);
            for (size_t at = 0; at < n;) {
                const size_t k = std::min(len(g), n - at);
                stream.push(x.data() + at, k, append);
                at += k;
            }
            stream.finish(append);
            ASSERT_EQ(got.size(), n);
            EXPECT_LE(worstDifference(got, expected), 1e-6f);
            EXPECT_EQ(runChunked(forward, x, plan, 4, parallel, 2), got);
        }
}

// A file streamed through the model (read, resampled 11025 -> 4000 Hz, interpolated, chunked,
// block by block) equals the whole-file chain on the whole signal: 15 s cross three spline
// stretches, the resampler's blocks and 156 chunks in three blocks.
TEST(ModelUpsampler, AFileStreamsToTheWholeFilePathsResult) {
    TempDir d;
    const std::string ck = trainTinyCheckpoint(d);
    auto x = harmonics(150, 11025, 15 * 11025);
    const auto hiss = noise(x.size(), 9, 0.01);
    for (size_t i = 0; i < x.size(); ++i) x[i] += hiss[i];
    writeAudio(d / "in.wav", x, 11025);

    auto net = loadModel(ck);
    net->eval();
    torch::NoGradGuard noGrad;
    const ChunkForward forward = [&](const torch::Tensor& t) { return net->infer(t).contiguous(); };
    const size_t n = size_t(std::llround(double(x.size()) * 16000 / 11025));
    const auto expected = referenceChunked(forward, splineUpsample(resample(x, 11025, 4000), 4, n), {2048, 512});

    ModelUpsampler model(ck, "cpu", 2);
    model.setChunking(2048, 512);
    model.setLowBand(false);  // the network's chain alone (low-band consistency streams on its own tests)
    AudioReader reader(d / "in.wav");
    std::vector<float> got;
    const size_t made = model.upsample(reader, [&](const float* s, size_t k) { got.insert(got.end(), s, s + k); });
    ASSERT_EQ(made, n);
    ASSERT_EQ(got.size(), n);
    float peak = 0;
    for (float v : expected) peak = std::max(peak, std::abs(v));
    EXPECT_LE(worstDifference(got, expected), 1e-6f * std::max(1.0f, peak));
    EXPECT_EQ(model.upsample(x, 11025), got);  // the in-memory call is the same stream
    // As an evaluation method: the low-rate stream in pieces gives run() on the whole signal.
    const auto low = resample(x, 11025, 4000);
    const auto whole = model.run(low, low.size() * 4);
    CancelToken cancel;
    auto shared = std::make_shared<ModelUpsampler>(ck, "cpu", 2);
    shared->setChunking(2048, 512);
    shared->setLowBand(false);
    // The Method goes at once: its stream keeps the model alive.
    const auto stream = modelMethod(std::move(shared), "m").stream(cancel);
    std::vector<float> streamed;
    const SampleSink append = [&](const float* s, size_t k) { streamed.insert(streamed.end(), s, s + k); };
    for (size_t at = 0; at < low.size(); at += 7777) stream->push(low.data() + at, std::min<size_t>(7777, low.size() - at), append);
    stream->finish(low.size() * 4, append);
    ASSERT_EQ(streamed.size(), whole.size());
    EXPECT_LE(worstDifference(streamed, whole), 1e-6f * std::max(1.0f, peak));
}

}  // namespace srlab
