// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One optimisation step: the generator's forward pass (in bf16 autocast when asked), its loss
// (the configured objective, the model's own terms, the adversarial term), backward, gradient
// averaging across ranks, the gradient norm, the schedule's learning rate and the optimiser
// step; then, for models with a discriminator, its least-squares GAN step.
//
// Threads: the training thread only.
#include <torch/torch.h>

#include <string>

#include "model/Nets.h"
#include "runs/TrainConfig.h"
#include "train/Losses.h"

namespace srlab {

class DataParallel;

class OptimStep {
public:
    // Everything is borrowed and must outlive the step; disc, discOpt and dp may be null.
    OptimStep(SrNet& net, torch::nn::Module* disc, torch::optim::Adam& opt, torch::optim::Adam* discOpt,
              const TrainConfig& cfg, const LossSpec& loss, DataParallel* dp, int world, bool bf16);
    // Optimiser step number `step` (0-based) of `total`, on a batch already on the device;
    // returns the global batch's loss. A loss that is not finite throws Error naming `runDir`.
    double run(const torch::Tensor& x, const torch::Tensor& y, int64_t step, int64_t total, const std::string& runDir);
    double lastLr() const { return lr_; }
    double lastGradNorm() const { return gradNorm_; }

private:
    void ganStep(const torch::Tensor& est, const torch::Tensor& y);
    SrNet& net_;
    torch::nn::Module* disc_;
    torch::optim::Adam& opt_;
    torch::optim::Adam* discOpt_;
    const TrainConfig& cfg_;
    LossSpec loss_;
    DataParallel* dp_;
    int world_;
    bool bf16_;
    double lr_ = NAN, gradNorm_ = NAN;
};

}  // namespace srlab
