// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A network over a signal of any length (docs/reference.md §4): chunks of the plan's length
// that overlap and are crossfaded with complementary raised-cosine ramps (the weights sum to
// one), so the result matches a single pass away from the edges and has no seams. Shared by
// whole-file inference (infer/ModelUpsampler) and the trainer's audio snapshots. Internal to
// srlab_ml (includes torch).
//
// Threads: on the CPU, batches of chunks run side by side on the shared pool with one torch
// thread each; `forward` must then be safe to call from several threads at once.
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "runs/ModelConfig.h"
#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab {

// (m, 1, W) chunks of the input -> (m, 1, W) estimates on the CPU, float32.
using ChunkForward = std::function<torch::Tensor(const torch::Tensor&)>;

// `x`: the model's input at the high rate (the baseline), n samples. Inputs no longer than one
// chunk run as one zero-padded chunk. parallel: batches on the pool (CPU models).
std::vector<float> runChunked(const ChunkForward& forward, const std::vector<float>& x, ChunkPlan plan,
                              size_t batch, bool parallel, int threads, ProgressSink* progress = nullptr,
                              const CancelToken* cancel = nullptr);

}  // namespace srlab
