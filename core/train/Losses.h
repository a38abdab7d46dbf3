// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Training objectives (docs/reference.md §3): "mse" (published), "mrstft" (multi-resolution STFT: spectral
// convergence + L1 of log magnitudes at three resolutions), and "mse+mrstft", where the MSE is
// normalised by the batch's power (1/SNR) so the two terms have comparable scale.
#include <torch/torch.h>

#include <string>

namespace srlab {

struct LossSpec {
    std::string name = "mse";
    double stftWeight = 1.0;  // weight of the MR-STFT term in "mse+mrstft"
    int rate = 16000;         // picks STFT resolutions (doubled above 24 kHz)
};

void validateLossName(const std::string& name);  // throws Error
torch::Tensor computeLoss(const LossSpec& spec, const torch::Tensor& est, const torch::Tensor& ref);
torch::Tensor multiResolutionStftLoss(const torch::Tensor& est, const torch::Tensor& ref, int rate);

}  // namespace srlab
