// SPDX-License-Identifier: GPL-3.0-or-later
// The signal chain's kernels, one thread each, in samples per second of output (Google
// Benchmark): what a file's every sample goes through in upsampling, evaluation and Compare.
// Figures and the command that made them: docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "dsp/Degradation.h"
#include "dsp/Interpolate.h"
#include "dsp/LowBand.h"
#include "dsp/Stft.h"
#include "metrics/Visqol.h"
#include "metrics/VisqolSums.h"

namespace {

std::vector<float> noise(size_t n, unsigned seed) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.f, 0.1f);
    std::vector<float> x(n);
    for (float& v : x) v = d(g);
    return x;
}

constexpr size_t kPiece = size_t(1) << 16;  // samples per push, as the streams are fed

// Low-band consistency at a model's rate (first arg: 44100 music x4, 16000 speech x4), both
// streams fed in pieces of the second arg's samples (0: the whole signal at once, as keepLowBand
// does): the crossover filter runs over every output sample.
void LowBandMix(benchmark::State& state) {
    const int rate = int(state.range(0));
    const size_t n = size_t(rate) * 10;
    const size_t piece = state.range(1) > 0 ? size_t(state.range(1)) : n;
    const auto x = noise(n, 1), y = noise(n, 2);
    const auto taps = srlab::lowBandTaps(rate, srlab::lowBandEdgeAt(0, rate / 4.0));
    state.counters["taps"] = double(taps.size());
    for (auto _ : state) {
        srlab::LowBandMixer mix(taps);
        double sum = 0;
        const srlab::SampleSink sink = [&](const float* s, size_t k) { sum += s[k - 1]; };
        for (size_t at = 0; at < n; at += piece) {
            const size_t k = std::min(piece, n - at);
            mix.pushInput(x.data() + at, k, sink);
            mix.pushModel(y.data() + at, k, sink);
        }
        mix.finish(sink);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(LowBandMix)->Args({44100, 65536})->Args({44100, 0})->Args({16000, 65536})->Unit(benchmark::kMillisecond);

// The same mix as a direct sum (eight partial sums, which the compiler vectorises): what the
// mixer computed before it filtered by FFT, for the ratio.
void LowBandMixDirect(benchmark::State& state) {
    const int rate = int(state.range(0));
    const size_t n = size_t(rate) * 10;
    const auto x = noise(n, 1), y = noise(n, 2);
    const auto h = srlab::lowBandTaps(rate, srlab::lowBandEdgeAt(0, rate / 4.0));
    const size_t len = h.size(), half = len / 2;
    for (auto _ : state) {
        std::vector<float> d(n + 2 * half, 0.0f), out(n);
        for (size_t i = 0; i < n; ++i) d[half + i] = x[i] - y[i];
        for (size_t o = 0; o < n; ++o) {
            float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
            size_t i = 0;
            for (; i + 8 <= len; i += 8)
                for (size_t q = 0; q < 8; ++q) s[q] += h[i + q] * d[o + i + q];
            float acc = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
            for (; i < len; ++i) acc += h[i] * d[o + i];
            out[o] = y[o] + acc;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(LowBandMixDirect)->Arg(44100)->Unit(benchmark::kMillisecond);

// A baseline streamed from 11025 Hz to 44100 Hz (arg: 0 spline, 1 sinc).
void Baseline(benchmark::State& state) {
    const srlab::Baseline b = state.range(0) == 0 ? srlab::Baseline::Spline : srlab::Baseline::Sinc;
    const size_t m = 11025 * 10;
    const auto low = noise(m, 3);
    for (auto _ : state) {
        srlab::BaselineStream s(b, 4);
        double sum = 0;
        const srlab::SampleSink sink = [&](const float* v, size_t k) { sum += v[k - 1]; };
        for (size_t at = 0; at < m; at += kPiece / 4) s.push(low.data() + at, std::min(kPiece / 4, m - at), sink);
        s.finish(m * 4, sink);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(m * 4));
}
BENCHMARK(Baseline)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The published degradation (Chebyshev 8 + decimation), 44100 Hz x4, streamed.
void Degrade(benchmark::State& state) {
    const size_t n = 44100 * 10;
    const auto hi = noise(n, 4);
    const srlab::Degradation d = srlab::Degradation::parse("cheby");
    for (auto _ : state) {
        srlab::DegradeStream s(n, 44100, 4, d);
        double sum = 0;
        const srlab::SampleSink sink = [&](const float* v, size_t k) { sum += v[k - 1]; };
        for (size_t at = 0; at < n; at += kPiece) s.push(hi.data() + at, std::min(kPiece, n - at), sink);
        s.finish(sink);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(Degrade)->Unit(benchmark::kMillisecond);

// The power spectrogram the metrics use (2048-point frames, hop 512), 44100 Hz.
void Spectrogram(benchmark::State& state) {
    const size_t n = 44100 * 10;
    const auto x = noise(n, 5);
    for (auto _ : state) {
        auto s = srlab::powerSpectrogram(x.data(), n, {2048, 512, 0, false});
        benchmark::DoNotOptimize(s.frames);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(Spectrogram)->Unit(benchmark::kMillisecond);

// ViSQOL of one 10 s pair at its own rate (arg: 48000 audio mode, 16000 speech mode).
void Visqol(benchmark::State& state) {
    const int rate = int(state.range(0));
    const srlab::VisqolMode mode = rate == 48000 ? srlab::VisqolMode::Audio : srlab::VisqolMode::Speech;
    const size_t n = size_t(rate) * 10;
    auto ref = noise(n, 6), deg = ref;
    const auto hiss = noise(n, 7);
    for (size_t i = 0; i < n; ++i) deg[i] += 0.1f * hiss[i];
    const std::string model = mode == srlab::VisqolMode::Audio ? srlab::visqolModelPath() : std::string();
    for (auto _ : state) benchmark::DoNotOptimize(srlab::visqol(ref.data(), n, deg.data(), n, mode, model).mos);
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));
}
BENCHMARK(Visqol)->Arg(48000)->Arg(16000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
