// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Inference with a trained checkpoint (docs/reference.md §4): any length and input rate, in
// chunks of the model's patch length that overlap and are crossfaded, so the result matches a
// single pass away from the file's edges and has no seams. A file streams through (read,
// resampled, interpolated, run and written block by block), so memory does not grow with its
// length, and the result is the same as the whole signal's. No libtorch in this header.
#include <memory>
#include <string>
#include <vector>

#include "audio/AudioStream.h"
#include "eval/Evaluator.h"
#include "runs/ModelConfig.h"
#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab {

class ModelUpsampler {
public:
    // Loads a checkpoint folder (or its model.pt). device: auto | cpu | cuda. threads 0 = all.
    explicit ModelUpsampler(const std::string& checkpoint, const std::string& device = "auto", int threads = 0);
    ~ModelUpsampler();
    ModelUpsampler(const ModelUpsampler&) = delete;
    ModelUpsampler& operator=(const ModelUpsampler&) = delete;

    const ModelConfig& config() const;
    const std::string& checkpoint() const;
    double lowRate() const { return double(config().rate) / config().scale; }
    // chunk 0 = the training patch length; overlap 0 = a quarter of the chunk.
    void setChunking(size_t chunk, size_t overlap);
    ChunkPlan chunking() const;
    // "fp32" (default) or "bf16": bfloat16 weights and activations for the U-Net models, about
    // twice as fast on CPUs with AVX512-BF16, at ~-50 dB relative precision (the tests require
    // an error under -30 dB of the float32 output). Throws Error for spectral models (their
    // STFTs need float32).
    void setPrecision(const std::string& precision);
    // Low-band consistency (docs/reference.md §4.1), on by default: the output keeps the input's
    // own band below its edge and takes only the band above from the network. edgeHz 0: the
    // edge is detected per signal (from its first 30 s); else that edge (clamped to 0.95 x the
    // low-rate Nyquist). Off: the network's output as is.
    void setLowBand(bool keepInput, double edgeHz = 0);
    bool keepsLowBand() const;

    // Low-res samples at lowRate() -> exactly n samples at config().rate. Thread-safe.
    std::vector<float> run(const std::vector<float>& low, size_t n, const CancelToken* cancel = nullptr) const;
    // run() as a stream (the cancel token must outlive it). One stream per thread.
    std::unique_ptr<MethodStream> stream(const CancelToken* cancel = nullptr) const;
    // The same network on the whole signal at once (the reference chunking is checked against),
    // with the same low-band consistency.
    std::vector<float> runSinglePass(const std::vector<float>& low, size_t n) const;
    // A source at any rate, read to its end: resampled to lowRate(), interpolated and run a
    // block of chunks at a time; `sink` gets round(frames * rate / inRate) samples at
    // config().rate, in order, and that count is returned. Progress is in seconds of output.
    size_t upsample(AudioSource& source, const SampleSink& sink, ProgressSink* progress = nullptr,
                    const CancelToken* cancel = nullptr) const;
    // The same for a signal in memory.
    std::vector<float> upsample(const std::vector<float>& audio, int inRate, ProgressSink* progress = nullptr,
                                const CancelToken* cancel = nullptr) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

// A model as an evaluation method beside the baselines.
Method modelMethod(std::shared_ptr<const ModelUpsampler> model, const std::string& name);

}  // namespace srlab
