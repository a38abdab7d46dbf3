// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/OptimStep.h"

#include <cmath>

#include "train/Autocast.h"
#include "train/DataParallel.h"
#include "util/Error.h"

namespace srlab {
namespace {

// Sets every parameter group's learning rate (the schedule's value for this step).
void setLearningRate(torch::optim::Adam& opt, double lr) {
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// The L2 norm of all gradients together, as torch.nn.utils.clip_grad_norm_ reports it.
double gradientNorm(const std::vector<torch::Tensor>& parameters) {
    torch::NoGradGuard noGrad;
    torch::Tensor sum;
    for (const auto& p : parameters) {
        if (!p.grad().defined()) continue;
        auto sq = p.grad().to(torch::kFloat).pow(2).sum();
        sum = sum.defined() ? sum + sq : sq;
    }
    return sum.defined() ? std::sqrt(sum.item<double>()) : 0.0;
}

}  // namespace

OptimStep::OptimStep(SrNet& net, torch::nn::Module* disc, torch::optim::Adam& opt, torch::optim::Adam* discOpt,
                     const TrainConfig& cfg, const LossSpec& loss, DataParallel* dp, int world, bool bf16)
    : net_(net), disc_(disc), opt_(opt), discOpt_(discOpt), cfg_(cfg), loss_(loss), dp_(dp), world_(world), bf16_(bf16) {}

double OptimStep::run(const torch::Tensor& x, const torch::Tensor& y, int64_t step, int64_t total, const std::string& runDir) {
    torch::Tensor est;
    {  // the forward pass in bf16 autocast when asked; the loss and backward in float32
        AutocastScope autocast(x.device(), bf16_);
        est = net_.forward(x);
    }
    if (bf16_) est = est.to(torch::kFloat);
    auto l = computeLoss(loss_, est, y);
    if (auto own = net_.modelLoss(est, y); own.defined()) l = l + own;
    if (disc_)  // LSGAN: the generator pushes D(fake) to 1
        l = l + cfg_.advWeight * (net_.discriminate(est) - 1).pow(2).mean();
    double value = l.item<double>();
    if (dp_) value = dp_->sum({value})[0] / double(world_);
    if (!std::isfinite(value))
        throw Error(runDir, "training diverged: the loss is " + std::string(std::isnan(value) ? "NaN" : "infinite") +
                                " at step " + std::to_string(step + 1) +
                                "; the last good checkpoint is kept (try a lower learning rate)");
    opt_.zero_grad();
    l.backward();
    if (dp_) dp_->averageGradients(net_.parameters());
    gradNorm_ = gradientNorm(net_.parameters());
    lr_ = cfg_.lrAt(step, total);
    setLearningRate(opt_, lr_);
    opt_.step();
    if (disc_) ganStep(est, y);
    return value;
}

// The discriminator learns real 1, fake 0.
void OptimStep::ganStep(const torch::Tensor& est, const torch::Tensor& y) {
    auto dl = (net_.discriminate(y) - 1).pow(2).mean() + net_.discriminate(est.detach()).pow(2).mean();
    discOpt_->zero_grad();
    dl.backward();
    if (dp_) dp_->averageGradients(disc_->parameters());
    setLearningRate(*discOpt_, lr_);
    discOpt_->step();
}

}  // namespace srlab
