// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/Losses.h"

#include "model/Spectral.h"
#include "util/Error.h"

namespace srlab {

void validateLossName(const std::string& name) {
    if (name != "mse" && name != "mrstft" && name != "mse+mrstft")
        throw Error("loss", "unknown loss '" + name + "' (mse, mrstft, mse+mrstft)");
}

torch::Tensor multiResolutionStftLoss(const torch::Tensor& est, const torch::Tensor& ref, int rate) {
    const int k = rate > 24000 ? 2 : 1;
    const int sizes[3][2] = {{256 * k, 64 * k}, {512 * k, 128 * k}, {1024 * k, 256 * k}};
    torch::Tensor total = torch::zeros({}, est.options());
    for (const auto& s : sizes) {
        if (s[0] > est.size(-1)) continue;
        auto e = stftOf(est, s[0], s[1]).abs().clamp_min(1e-7);
        auto r = stftOf(ref, s[0], s[1]).abs().clamp_min(1e-7);
        auto convergence = torch::norm(r - e) / torch::norm(r).clamp_min(1e-7);
        auto logMag = torch::mean(torch::abs(torch::log(r) - torch::log(e)));
        total = total + convergence + logMag;
    }
    return total / 3.0;
}

torch::Tensor computeLoss(const LossSpec& spec, const torch::Tensor& est, const torch::Tensor& ref) {
    if (spec.name == "mse") return torch::mse_loss(est, ref);
    if (spec.name == "mrstft") return multiResolutionStftLoss(est, ref, spec.rate);
    auto nmse = torch::mse_loss(est, ref) / ref.pow(2).mean().clamp_min(1e-10);
    return nmse + spec.stftWeight * multiResolutionStftLoss(est, ref, spec.rate);
}

}  // namespace srlab
