// SPDX-License-Identifier: GPL-3.0-or-later
// AP-BWE (Lu, Ai, Du and Ling 2024, docs/reference.md §3): bandwidth extension by parallel
// prediction of the log-amplitude and phase spectra. Two streams of 1-D ConvNeXt blocks run over
// the STFT frames of the interpolated input, each adding the other's state before every block;
// the amplitude stream predicts a residual on the input's log amplitude, the phase stream two
// outputs whose atan2 is the phase. Trained on amplitude, anti-wrapped phase (instantaneous
// phase, group delay, instantaneous frequency), complex and STFT-consistency terms with the
// paper's weights, and optionally against multi-period, multi-resolution amplitude and
// multi-resolution phase discriminators.
//
// Differences from the paper's code, and why: the input is scaled to a fixed RMS and the output
// scaled back (the log amplitude's floor would otherwise make the model depend on the input's
// level, which the degradation zoo varies), except that stretches below -60 dBFS are not
// raised (a pause raised to speech level had its noise floor extended into a high band); the phase stream reads the cosine and sine of the
// input's phase rather than the wrapped angle (continuous where the angle jumps); the phase head
// adds its two outputs to the input's unit phasor before atan2 and both heads start at zero, so
// an untrained network passes its input through (the paper's amplitude head is already a
// residual; this one learns the extension instead of first learning to copy the low band); the discriminators have no weight normalisation
// (libtorch has no C++ weight_norm) and are trained with the trainer's least-squares objective
// on all their outputs together, without feature matching.
#include <cmath>

#include "model/Nets.h"
#include "model/Spectral.h"

namespace srlab {
namespace F = torch::nn::functional;
namespace {

constexpr double kLevel = 0.1;     // RMS the network sees...
constexpr double kQuiet = 1e-3;    // ...for any input above -60 dBFS RMS: quieter stretches
                                   // (pauses) stay quiet instead of being raised to speech level
constexpr double kAmpFloor = 1e-4; // inside the log amplitude, as the paper
constexpr double kSlope = 0.1;     // leaky ReLU slope of the discriminators

torch::Tensor lrelu(const torch::Tensor& x) { return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(kSlope)); }

// (B, C, N) -> LayerNorm over C -> (B, C, N)
torch::Tensor channelNorm(torch::nn::LayerNorm& norm, const torch::Tensor& x) {
    return norm->forward(x.transpose(1, 2)).transpose(1, 2);
}

struct ConvNeXtBlockImpl : torch::nn::Module {
    ConvNeXtBlockImpl(int dim, double layerScale) {
        dw = register_module("dw", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, dim, 7).padding(3).groups(dim)));
        norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6)));
        pw1 = register_module("pw1", torch::nn::Linear(dim, 3 * dim));
        pw2 = register_module("pw2", torch::nn::Linear(3 * dim, dim));
        gamma = register_parameter("gamma", torch::full({dim}, layerScale));
    }
    torch::Tensor forward(const torch::Tensor& x) {  // (B, C, N)
        auto h = norm->forward(dw->forward(x).transpose(1, 2));
        h = pw2->forward(torch::gelu(pw1->forward(h))) * gamma;
        return x + h.transpose(1, 2);
    }
    torch::nn::Conv1d dw{nullptr};
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear pw1{nullptr}, pw2{nullptr};
    torch::Tensor gamma;
};
TORCH_MODULE(ConvNeXtBlock);

torch::nn::Conv2d conv2(int in, int out, std::vector<int64_t> k, std::vector<int64_t> stride, std::vector<int64_t> pad) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(pad));
}

// HiFi-GAN's period discriminator: the waveform folded into `period` columns.
struct PeriodDiscriminatorImpl : torch::nn::Module {
    PeriodDiscriminatorImpl(int period, double width) : period(period) {
        const int base[] = {32, 128, 512, 1024, 1024};
        int in = 1;
        for (int i = 0; i < 5; ++i) {
            const int out = std::max(8, int(std::lround(base[i] * width)));
            convs.push_back(register_module("conv" + std::to_string(i), conv2(in, out, {5, 1}, {i < 4 ? 3 : 1, 1}, {2, 0})));
            in = out;
        }
        post = register_module("post", conv2(in, 1, {3, 1}, {1, 1}, {1, 0}));
    }
    torch::Tensor forward(torch::Tensor x) {  // (B, 1, T) -> (B, n)
        const int64_t t = x.size(-1), pad = (period - t % period) % period;
        if (pad) x = F::pad(x, F::PadFuncOptions({0, pad}).mode(torch::kReflect));
        auto h = x.view({x.size(0), 1, (t + pad) / period, period});
        for (auto& c : convs) h = lrelu(c->forward(h));
        return post->forward(h).flatten(1);
    }
    int period;
    std::vector<torch::nn::Conv2d> convs;
    torch::nn::Conv2d post{nullptr};
};
TORCH_MODULE(PeriodDiscriminator);

// One resolution of the amplitude or phase discriminator: 2-D convs over the rectangular-window
// STFT's amplitude or phase, as the paper.
struct SpectrumDiscriminatorImpl : torch::nn::Module {
    SpectrumDiscriminatorImpl(int nfft, bool phase) : nfft(nfft), phase(phase) {
        const int ch = 64;
        convs.push_back(register_module("conv0", conv2(1, ch, {7, 5}, {2, 2}, {3, 2})));
        convs.push_back(register_module("conv1", conv2(ch, ch, {5, 3}, {2, 1}, {2, 1})));
        convs.push_back(register_module("conv2", conv2(ch, ch, {5, 3}, {2, 2}, {2, 1})));
        convs.push_back(register_module("conv3", conv2(ch, ch, {3, 3}, {2, 1}, {1, 1})));
        convs.push_back(register_module("conv4", conv2(ch, ch, {3, 3}, {2, 2}, {1, 1})));
        post = register_module("post", conv2(ch, 1, {3, 3}, {1, 1}, {1, 1}));
    }
    torch::Tensor forward(const torch::Tensor& x) {  // (B, 1, T) -> (B, n)
        auto flat = x.squeeze(1);
        auto X = torch::stft(flat, nfft, nfft / 4, nfft, torch::ones({nfft}, flat.options()), /*center=*/true, "reflect",
                             /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
        auto h = (phase ? torch::angle(X) : X.abs()).unsqueeze(1);
        for (auto& c : convs) h = lrelu(c->forward(h));
        return post->forward(h).flatten(1);
    }
    int nfft;
    bool phase;
    std::vector<torch::nn::Conv2d> convs;
    torch::nn::Conv2d post{nullptr};
};
TORCH_MODULE(SpectrumDiscriminator);

// MPD (periods 2, 3, 5, 7, 11) + MRAD + MRPD (512, 1024, 2048-point frames): every output of
// every discriminator side by side, (B, n).
struct ApBweDiscriminatorsImpl : torch::nn::Module {
    explicit ApBweDiscriminatorsImpl(double width) {
        for (int p : {2, 3, 5, 7, 11}) mpd.push_back(register_module("mpd" + std::to_string(p), PeriodDiscriminator(p, width)));
        for (int n : {512, 1024, 2048}) {
            mrad.push_back(register_module("mrad" + std::to_string(n), SpectrumDiscriminator(n, false)));
            mrpd.push_back(register_module("mrpd" + std::to_string(n), SpectrumDiscriminator(n, true)));
        }
    }
    torch::Tensor forward(const torch::Tensor& wave) {
        std::vector<torch::Tensor> out;
        for (auto& d : mpd) out.push_back(d->forward(wave));
        for (size_t i = 0; i < mrad.size(); ++i) {
            if (mrad[i]->nfft / 2 >= wave.size(-1)) continue;  // too short for reflect padding
            out.push_back(mrad[i]->forward(wave));
            out.push_back(mrpd[i]->forward(wave));
        }
        return torch::cat(out, 1);
    }
    std::vector<PeriodDiscriminator> mpd;
    std::vector<SpectrumDiscriminator> mrad, mrpd;
};
TORCH_MODULE(ApBweDiscriminators);

torch::Tensor antiWrapped(const torch::Tensor& x) {
    return (x - torch::round(x / (2 * M_PI)) * (2 * M_PI)).abs().mean();
}

class ApBwe final : public SrNet {
public:
    explicit ApBwe(const ModelConfig& c) : SrNet(c) {
        const int bins = c.nfft / 2 + 1, ch = c.channels;
        preAmp_ = register_module("pre_amp", torch::nn::Conv1d(torch::nn::Conv1dOptions(bins, ch, 7).padding(3)));
        prePha_ = register_module("pre_pha", torch::nn::Conv1d(torch::nn::Conv1dOptions(2 * bins, ch, 7).padding(3)));
        normPreAmp_ = register_module("norm_pre_amp", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ch}).eps(1e-6)));
        normPrePha_ = register_module("norm_pre_pha", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ch}).eps(1e-6)));
        for (int b = 0; b < c.blocks; ++b) {
            amp_.push_back(register_module("amp" + std::to_string(b), ConvNeXtBlock(ch, 1.0 / c.blocks)));
            pha_.push_back(register_module("pha" + std::to_string(b), ConvNeXtBlock(ch, 1.0 / c.blocks)));
        }
        normPostAmp_ = register_module("norm_post_amp", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ch}).eps(1e-6)));
        normPostPha_ = register_module("norm_post_pha", torch::nn::LayerNorm(torch::nn::LayerNormOptions({ch}).eps(1e-6)));
        // The paper's initialisation (normal, std 0.02, zero bias) for everything before the heads.
        torch::NoGradGuard g;
        for (auto& m : modules(/*include_self=*/false)) {
            for (auto& p : m->named_parameters(/*recurse=*/false)) {
                if (p.key() == "weight" && p.value().dim() > 1) p.value().normal_(0.0, 0.02);
                if (p.key() == "bias") p.value().zero_();
            }
        }
        outAmp_ = register_module("out_amp", torch::nn::Linear(ch, bins));
        outRe_ = register_module("out_re", torch::nn::Linear(ch, bins));
        outIm_ = register_module("out_im", torch::nn::Linear(ch, bins));
        // Zero heads: an untrained network passes its input through, and learns the extension
        // rather than first learning to copy the low band.
        for (auto* head : {&outAmp_, &outRe_, &outIm_})
            for (auto& p : (*head)->parameters()) p.zero_();
        if (c.adversarial) disc_ = ApBweDiscriminators(c.channels / 512.0);
    }

    torch::Tensor forward(torch::Tensor x) override {
        const auto& c = config();
        auto scale = x.pow(2).mean({1, 2}, /*keepdim=*/true).sqrt().clamp_min(kQuiet) / kLevel;
        auto X = stftOf(x / scale, c.nfft, c.hop, c.window());  // (B, F, N)
        auto logAmp = torch::log(X.abs() + kAmpFloor), phase = torch::angle(X);

        auto a = channelNorm(normPreAmp_, preAmp_->forward(logAmp));
        // The phase enters as its cosine and sine: the wrapped angle jumps by 2 pi where a bin's
        // phase crosses pi, so a rounding-level change of the input could change the output.
        auto p = channelNorm(normPrePha_, prePha_->forward(torch::cat({torch::cos(phase), torch::sin(phase)}, 1)));
        for (size_t b = 0; b < amp_.size(); ++b) {  // each stream sees the other before every block
            a = a + p;
            p = p + a;
            a = amp_[b]->forward(a);
            p = pha_[b]->forward(p);
        }
        a = normPostAmp_->forward(a.transpose(1, 2));
        p = normPostPha_->forward(p.transpose(1, 2));
        auto logAmpOut = logAmp + outAmp_->forward(a).transpose(1, 2);
        // Both heads are residuals, on the log amplitude and on the unit phasor of the input.
        auto phaseOut = torch::atan2(torch::sin(phase) + outIm_->forward(p).transpose(1, 2),
                                     torch::cos(phase) + outRe_->forward(p).transpose(1, 2));
        auto Y = torch::polar(torch::exp(logAmpOut), phaseOut);
        if (is_training()) last_ = Outputs{logAmpOut, phaseOut, Y, scale};
        return istftOf(Y, c.nfft, c.hop, x.size(-1), c.window()) * scale;
    }

    // The paper's generator terms on the last training forward's spectra (levels as the network
    // saw them): 45 x amplitude MSE, 100 x (IP + GD + IAF) anti-wrapped phase, 90 x complex MSE
    // and 90 x consistency (the predicted spectrum against the STFT of its own waveform).
    torch::Tensor modelLoss(const torch::Tensor& est, const torch::Tensor& ref) override {
        if (!last_.spectrum.defined()) return {};
        const auto& c = config();
        const auto out = std::move(last_);
        last_ = {};
        auto R = stftOf(ref / out.scale, c.nfft, c.hop, c.window());
        auto logAmpRef = torch::log(R.abs() + kAmpFloor), phaseRef = torch::angle(R);
        auto amplitude = F::mse_loss(out.logAmp, logAmpRef);
        auto phase = antiWrapped(phaseRef - out.phase) +
                     antiWrapped(torch::diff(phaseRef, 1, 1) - torch::diff(out.phase, 1, 1)) +
                     antiWrapped(torch::diff(phaseRef, 1, 2) - torch::diff(out.phase, 1, 2));
        auto predicted = torch::view_as_real(out.spectrum);
        auto complex = F::mse_loss(predicted, torch::view_as_real(R));
        auto consistency = F::mse_loss(predicted, torch::view_as_real(stftOf(est / out.scale, c.nfft, c.hop, c.window())));
        return 45.0 * amplitude + 100.0 * phase + 90.0 * complex + 90.0 * consistency;
    }

    std::shared_ptr<torch::nn::Module> discriminator() override { return disc_ ? disc_.ptr() : nullptr; }
    torch::Tensor discriminate(const torch::Tensor& wave) override {
        if (!disc_) return {};
        auto scale = wave.pow(2).mean({1, 2}, true).sqrt().clamp_min(kQuiet) / kLevel;
        return disc_->forward(wave / scale.detach());
    }

private:
    struct Outputs {
        torch::Tensor logAmp, phase, spectrum, scale;
    };
    torch::nn::Conv1d preAmp_{nullptr}, prePha_{nullptr};
    torch::nn::LayerNorm normPreAmp_{nullptr}, normPrePha_{nullptr}, normPostAmp_{nullptr}, normPostPha_{nullptr};
    std::vector<ConvNeXtBlock> amp_, pha_;
    torch::nn::Linear outAmp_{nullptr}, outRe_{nullptr}, outIm_{nullptr};
    ApBweDiscriminators disc_{nullptr};
    Outputs last_;  // of the last training forward, for modelLoss (one training thread)
};

}  // namespace

std::shared_ptr<SrNet> makeApBwe(const ModelConfig& c) { return std::make_shared<ApBwe>(c); }

}  // namespace srlab
