// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The networks of docs/reference.md §3 behind one interface. libtorch lives here: include this only from
// .cpp files of the torch layer (Qt's keywords break torch headers).
#include <torch/torch.h>

#include <memory>

#include "runs/ModelConfig.h"

namespace srlab {

// Every network maps the baseline-interpolated waveform at the target rate, (B, 1, T) with T a
// multiple of config().multiple(), to its estimate of the high-res waveform, (B, 1, T).
class SrNet : public torch::nn::Module {
public:
    explicit SrNet(ModelConfig cfg) : cfg_(std::move(cfg)) {}
    const ModelConfig& config() const { return cfg_; }
    virtual torch::Tensor forward(torch::Tensor x) = 0;
    // Inference may do more than training (Griffin-Lim for the spectral GAN).
    virtual torch::Tensor infer(torch::Tensor x) { return forward(x); }
    // Adversarial models: a discriminator scoring target-rate waveforms, (B, 1, T) -> (B, ...).
    virtual std::shared_ptr<torch::nn::Module> discriminator() { return nullptr; }
    virtual torch::Tensor discriminate(const torch::Tensor&) { return {}; }
    // The model's own training terms, added to the run's loss (docs/reference.md §3): the spectral
    // GAN's log-spectral L1, AP-BWE's amplitude/phase/consistency terms; undefined for the rest.
    // Called on the training thread right after forward(x) gave `est`.
    virtual torch::Tensor modelLoss(const torch::Tensor& /*est*/, const torch::Tensor& /*ref*/) { return {}; }

private:
    ModelConfig cfg_;
};

std::shared_ptr<SrNet> makeNet(const ModelConfig& cfg);  // validates cfg
std::shared_ptr<SrNet> makeUNet(const ModelConfig& cfg);
std::shared_ptr<SrNet> makeSpectralNet(const ModelConfig& cfg);
std::shared_ptr<SrNet> makeSpectralGan(const ModelConfig& cfg);
std::shared_ptr<SrNet> makeApBwe(const ModelConfig& cfg);

// A PyTorch model saved with torch.jit.save (docs/reference.md §4.2; core/model/TorchScriptNet.cpp).
bool isTorchScriptFile(const std::string& path);  // a zip archive, not SRLab's pickled weights
std::shared_ptr<SrNet> loadTorchScript(const std::string& path);  // throws Error naming the file

// Number of trainable values (what "a few MB" is made of).
int64_t countParameters(torch::nn::Module& m);

}  // namespace srlab
