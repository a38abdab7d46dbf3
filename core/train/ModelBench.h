// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Speed of the networks on this machine: training steps per second, inference real-time
// factor and single forward latency. No libtorch in this header.
#include <cstdint>
#include <string>
#include <vector>

namespace srlab {

struct ModelBenchResult {
    std::string arch, preset;
    int64_t parameters = 0;
    double trainStepsPerS = 0;  // batch x dim patches, forward + backward + Adam
    double realTimeFactor = 0;  // inference seconds per second of audio (lower is faster)
    double forwardMs = 0;       // one forward pass on `dim` samples, batch 1
};

// Each figure is the median of repeated timings after a warm-up. bf16 times inference with
// bfloat16 weights and activations (oneDNN uses AVX512-BF16 where the CPU has it).
ModelBenchResult benchModel(const std::string& arch, const std::string& preset, int rate, int dim, int batch,
                            int threads, bool withTraining = true, bool bf16 = false);

}  // namespace srlab
