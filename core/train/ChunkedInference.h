// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A network over a signal of any length (docs/reference.md §4): chunks of the plan's length
// that overlap and are crossfaded with complementary raised-cosine ramps (the weights sum to
// one), so the result matches a single pass away from the edges and has no seams. The signal
// may come as a stream: chunks run as soon as their input is there and output is passed on as
// soon as no later chunk can touch it, so memory is a block of chunks whatever the length,
// and the result does not depend on how the input was cut. Shared by whole-file and streamed
// inference (infer/ModelUpsampler) and the trainer's audio snapshots. Internal to srlab_ml
// (includes torch).
//
// Threads: one thread pushes. On the CPU, the batches of a block run side by side on the
// shared pool with one torch thread each; `forward` must then be safe to call from several
// threads at once.
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "audio/AudioStream.h"
#include "runs/ModelConfig.h"
#include "util/CancelToken.h"

namespace srlab {

// (m, 1, W) chunks of the input -> (m, 1, W) estimates on the CPU, float32.
using ChunkForward = std::function<torch::Tensor(const torch::Tensor&)>;

class ChunkedStream {
public:
    // batch: chunks per forward call; parallel: batches on the pool (CPU models).
    ChunkedStream(ChunkForward forward, ChunkPlan plan, size_t batch, bool parallel, int threads,
                  const CancelToken* cancel = nullptr);
    // The model's input at the high rate (the baseline), in pieces of any size.
    void push(const float* x, size_t n, const SampleSink& sink);
    // Runs what is left; the output then has exactly as many samples as the input. An input no
    // longer than one chunk runs as one zero-padded chunk.
    void finish(const SampleSink& sink);
    size_t emitted() const { return emitted_; }

private:
    // Runs chunks [first, end) of a stream whose length is `total` (0: not known yet, and every
    // chunk here has a successor), adds them into acc_ and passes on what is final.
    void runBlock(size_t first, size_t end, size_t total, const SampleSink& sink);
    bool ready(size_t chunk) const { return pushed_ > chunk * hop_ + plan_.chunk; }

    ChunkForward forward_;
    ChunkPlan plan_;
    size_t hop_, batch_, block_;
    bool parallel_;
    int threads_;
    const CancelToken* cancel_;
    std::vector<float> rampUp_;
    std::vector<float> x_;    // input from xBase_ on
    std::vector<float> acc_;  // output sums from emitted_ on
    size_t xBase_ = 0, pushed_ = 0, next_ = 0, emitted_ = 0;
};

// The whole signal at once: `x` (n samples) -> n samples.
std::vector<float> runChunked(const ChunkForward& forward, const std::vector<float>& x, ChunkPlan plan,
                              size_t batch, bool parallel, int threads, const CancelToken* cancel = nullptr);

}  // namespace srlab
