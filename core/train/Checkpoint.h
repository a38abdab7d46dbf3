// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A checkpoint is a folder written atomically (temp folder + rename):
//   model.pt    pickled dict name -> tensor (Python: torch.load("model.pt"))
//   model.json  the ModelConfig plus step, epoch and validation metrics
//   state.pt    optimiser(s), discriminator, RNG and loader position, for exact resume
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <string>

#include "model/Nets.h"
#include "runs/ModelConfig.h"  // CheckpointMeta, readCheckpointMeta, checkpointDir

namespace srlab {

struct TrainState {
    torch::optim::Optimizer* optimizer = nullptr;
    torch::optim::Optimizer* discOptimizer = nullptr;  // may be null
};

void saveCheckpoint(const std::string& dir, SrNet& net, const CheckpointMeta& meta, const TrainState& state);
// Reads model.json and model.pt from a checkpoint folder (or the model.pt path itself).
std::shared_ptr<SrNet> loadModel(const std::string& checkpoint, CheckpointMeta* meta = nullptr);
void loadWeights(const std::string& dir, SrNet& net);
// Restores optimisers, discriminator and RNG; returns the loader position.
CheckpointMeta loadTrainState(const std::string& dir, SrNet& net, const TrainState& state);

}  // namespace srlab
