// SPDX-License-Identifier: GPL-3.0-or-later
// A light spectral-domain network in the spirit of recent efficient bandwidth-extension models
// (complex spectrogram in and out, as AERO does): each STFT frame's real, imaginary and
// magnitude values are channels of a 1-D dilated convolution stack over time, which predicts a
// complex correction added to the input spectrum. About 1 GFLOP per second of 44.1 kHz audio.
#include "model/Nets.h"
#include "model/Spectral.h"

namespace srlab {
namespace F = torch::nn::functional;
namespace {

torch::nn::Conv1d conv(int in, int out, int k, int dilation = 1) {
    return torch::nn::Conv1d(
        torch::nn::Conv1dOptions(in, out, k).padding(dilation * (k / 2)).dilation(dilation).bias(false));
}

class SpectralNet final : public SrNet {
public:
    explicit SpectralNet(const ModelConfig& c) : SrNet(c) {
        const int bins = c.nfft / 2 + 1, ch = c.channels;
        in_ = register_module("in", conv(3 * bins, ch, 3));
        for (int b = 0; b < c.blocks; ++b) {
            dilated_.push_back(register_module("dilated" + std::to_string(b), conv(ch, ch, 3, 1 << (b % 4))));
            mix_.push_back(register_module("mix" + std::to_string(b), conv(ch, ch, 1)));
        }
        out_ = register_module("out", conv(ch, 2 * bins, 1));
    }

    torch::Tensor forward(torch::Tensor x) override {
        const auto& c = config();
        auto X = stftOf(x, c.nfft, c.hop);  // (B, F, N)
        auto re = torch::real(X), im = torch::imag(X);
        // No biases and leaky ReLUs keep the map positively homogeneous (level-independent).
        auto h = in_->forward(torch::cat({re, im, X.abs()}, 1));
        for (size_t b = 0; b < dilated_.size(); ++b) {
            auto y = F::leaky_relu(dilated_[b]->forward(F::leaky_relu(h, F::LeakyReLUFuncOptions().negative_slope(0.2))),
                                   F::LeakyReLUFuncOptions().negative_slope(0.2));
            h = h + mix_[b]->forward(y);
        }
        auto d = out_->forward(F::leaky_relu(h, F::LeakyReLUFuncOptions().negative_slope(0.2)));
        auto parts = d.chunk(2, 1);
        auto Y = torch::complex(re + parts[0], im + parts[1]);
        return istftOf(Y, c.nfft, c.hop, x.size(-1));
    }

private:
    torch::nn::Conv1d in_{nullptr}, out_{nullptr};
    std::vector<torch::nn::Conv1d> dilated_, mix_;
};

}  // namespace

std::shared_ptr<SrNet> makeSpectralNet(const ModelConfig& c) { return std::make_shared<SpectralNet>(c); }

std::shared_ptr<SrNet> makeNet(const ModelConfig& c) {
    c.validate();
    if (c.arch == "spectral") return makeSpectralNet(c);
    if (c.arch == "specgan") return makeSpectralGan(c);
    if (c.arch == "apbwe") return makeApBwe(c);
    return makeUNet(c);
}

int64_t countParameters(torch::nn::Module& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
}

}  // namespace srlab
