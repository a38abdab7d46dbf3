// SPDX-License-Identifier: GPL-3.0-or-later
// The spectrogram GAN of the mel-GAN seed (docs/reference.md §3): a generator on log-magnitude images
// (conv or transformer encoder -> residual blocks with real skip additions -> transposed-conv
// decoder), a patch discriminator, and a waveform made from the predicted magnitude with the
// low band's phase; at inference Griffin-Lim refines the phase of the high band.
#include "model/Nets.h"
#include "model/Spectral.h"

namespace srlab {
namespace F = torch::nn::functional;
namespace {

constexpr double kEps = 1e-5;

torch::nn::Conv2d conv2(int in, int out, int k, int stride, int pad) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(pad));
}
torch::Tensor lrelu(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2)); }

struct ResBlockImpl : torch::nn::Module {
    explicit ResBlockImpl(int ch) {
        a = register_module("a", conv2(ch, ch, 3, 1, 1));
        b = register_module("b", conv2(ch, ch, 3, 1, 1));
    }
    torch::Tensor forward(const torch::Tensor& x) { return x + b->forward(lrelu(a->forward(x))); }
    torch::nn::Conv2d a{nullptr}, b{nullptr};
};
TORCH_MODULE(ResBlock);

struct PatchDiscriminatorImpl : torch::nn::Module {
    explicit PatchDiscriminatorImpl(int ch) {
        net = register_module("net", torch::nn::Sequential(
            conv2(1, ch, 4, 2, 1), torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
            conv2(ch, 2 * ch, 4, 2, 1), torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
            conv2(2 * ch, 4 * ch, 3, 1, 1), torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(0.2)),
            conv2(4 * ch, 1, 3, 1, 1)));
    }
    torch::Tensor forward(const torch::Tensor& x) { return net->forward(x); }
    torch::nn::Sequential net{nullptr};
};
TORCH_MODULE(PatchDiscriminator);

class SpectralGan final : public SrNet {
public:
    explicit SpectralGan(const ModelConfig& c) : SrNet(c) {
        const int ch = c.channels;
        stem_ = register_module("stem", conv2(1, ch, 7, 1, 3));
        if (c.vit) {
            // Patch embedding at the encoder's 4x4 resolution, then self-attention over patches.
            embed_ = register_module("embed", conv2(ch, 4 * ch, 4, 4, 0));
            freqPos_ = register_parameter("freq_pos", torch::zeros({1, c.nfft / 2 / 4, 1, 4 * ch}));
            auto layer = torch::nn::TransformerEncoderLayerOptions(4 * ch, 4).dim_feedforward(8 * ch).dropout(0.0);
            vit_ = register_module("vit", torch::nn::TransformerEncoder(
                torch::nn::TransformerEncoderOptions(layer, c.blocks)));
        } else {
            down1_ = register_module("down1", conv2(ch, 2 * ch, 4, 2, 1));
            down2_ = register_module("down2", conv2(2 * ch, 4 * ch, 4, 2, 1));
            for (int b = 0; b < c.blocks; ++b) res_.push_back(register_module("res" + std::to_string(b), ResBlock(4 * ch)));
        }
        up1_ = register_module("up1", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(4 * ch, 2 * ch, 4).stride(2).padding(1)));
        up2_ = register_module("up2", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(2 * ch, ch, 4).stride(2).padding(1)));
        head_ = register_module("head", conv2(ch, 1, 7, 1, 3));
        disc_ = PatchDiscriminator(ch);
    }

    // log|X| of the input (all bins but Nyquist: 2^k rows for the stride-2 encoder) -> log|Y|.
    torch::Tensor logMagnitude(const torch::Tensor& logX) {
        const int64_t frames = logX.size(-1), padded = (frames + 3) / 4 * 4;
        auto img = F::pad(logX.unsqueeze(1), F::PadFuncOptions({0, padded - frames, 0, 0}).mode(torch::kReplicate));
        auto h0 = lrelu(stem_->forward(img));
        torch::Tensor h;
        if (vit_) {
            auto e = embed_->forward(h0);  // (B, D, F/4, N/4)
            auto b = e.size(0), d = e.size(1), f = e.size(2), n = e.size(3);
            auto tokens = (e.permute({0, 2, 3, 1}) + freqPos_).reshape({b, f * n, d});
            h = vit_->forward(tokens.transpose(0, 1)).transpose(0, 1).reshape({b, f, n, d}).permute({0, 3, 1, 2});
        } else {
            h = lrelu(down2_->forward(lrelu(down1_->forward(h0))));
            for (auto& r : res_) h = r->forward(h);
        }
        h = lrelu(up2_->forward(lrelu(up1_->forward(h)))) + h0;  // skip from the stem
        auto out = img + head_->forward(h);
        return out.narrow(-1, 0, frames).squeeze(1);
    }

    // Predicted complex spectrum: predicted magnitude, the input's phase.
    torch::Tensor spectrum(const torch::Tensor& x) {
        const auto& c = config();
        auto X = stftOf(x, c.nfft, c.hop);
        const int64_t rows = c.nfft / 2;
        auto logX = torch::log(X.abs().narrow(1, 0, rows) + kEps);
        auto mag = torch::exp(logMagnitude(logX)) - kEps;
        mag = torch::cat({F::relu(mag), X.abs().narrow(1, rows, 1)}, 1);
        return torch::polar(mag, torch::angle(X));
    }

    torch::Tensor forward(torch::Tensor x) override {
        const auto& c = config();
        return istftOf(spectrum(x), c.nfft, c.hop, x.size(-1));
    }

    // Griffin-Lim on the high band: magnitudes as predicted, low-band phase as received.
    torch::Tensor infer(torch::Tensor x) override {
        const auto& c = config();
        auto Y = spectrum(x);
        auto mag = Y.abs();
        const int64_t low = lowBandBins(c.nfft, c.scale);
        auto keep = torch::zeros_like(mag);
        keep.narrow(1, 0, low).fill_(1.0);
        auto y = istftOf(Y, c.nfft, c.hop, x.size(-1));
        for (int i = 0; i < c.griffinLimIters; ++i) {
            auto phase = torch::angle(stftOf(y, c.nfft, c.hop));
            auto mixed = keep * torch::angle(Y) + (1 - keep) * phase;
            y = istftOf(torch::polar(mag, mixed), c.nfft, c.hop, x.size(-1));
        }
        return y;
    }

    std::shared_ptr<torch::nn::Module> discriminator() override { return disc_.ptr(); }
    torch::Tensor discriminate(const torch::Tensor& wave) override {
        const auto& c = config();
        auto logY = torch::log(stftOf(wave, c.nfft, c.hop).abs() + kEps);
        return disc_->forward(logY.unsqueeze(1));
    }
    torch::Tensor modelLoss(const torch::Tensor& est, const torch::Tensor& ref) override {
        const auto& c = config();
        return F::l1_loss(torch::log(stftOf(est, c.nfft, c.hop).abs() + kEps),
                          torch::log(stftOf(ref, c.nfft, c.hop).abs() + kEps));
    }

private:
    torch::nn::Conv2d stem_{nullptr}, down1_{nullptr}, down2_{nullptr}, embed_{nullptr}, head_{nullptr};
    std::vector<ResBlock> res_;
    torch::nn::TransformerEncoder vit_{nullptr};
    torch::Tensor freqPos_;
    torch::nn::ConvTranspose2d up1_{nullptr}, up2_{nullptr};
    PatchDiscriminator disc_{nullptr};
};

}  // namespace

std::shared_ptr<SrNet> makeSpectralGan(const ModelConfig& c) { return std::make_shared<SpectralGan>(c); }

}  // namespace srlab
