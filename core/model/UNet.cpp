// SPDX-License-Identifier: GPL-3.0-or-later
// AudioUNet (Kuleshov 2017), its TFiLM variant (Birnbaum 2019) and the 1-D Inception up-block
// ablation, as one module with options (docs/reference.md §3).
#include <algorithm>

#include "model/Nets.h"

namespace srlab {
namespace F = torch::nn::functional;
namespace {

// 1-D sub-pixel shuffle with r = 2: out[c, 2w + j] = in[j*C + c, w].
torch::Tensor subpixel(const torch::Tensor& x) {
    auto b = x.size(0), c2 = x.size(1), w = x.size(2);
    return x.view({b, 2, c2 / 2, w}).permute({0, 2, 3, 1}).reshape({b, c2 / 2, w * 2});
}

// Temporal FiLM: max-pool into blocks, an LSTM over the block sequence of each example
// (batch-first, so examples never mix), and every step of block b scaled by output b.
struct TFiLMImpl : torch::nn::Module {
    TFiLMImpl(int channels, int block) : block(block) {
        lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(channels, channels).batch_first(true)));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        auto blocks = F::max_pool1d(x, F::MaxPool1dFuncOptions(block));  // (B, C, nb)
        auto seq = std::get<0>(lstm->forward(blocks.permute({0, 2, 1})));  // (B, nb, C)
        auto scale = seq.permute({0, 2, 1}).repeat_interleave(block, 2);   // (B, C, T)
        return x * scale;
    }
    int block;
    torch::nn::LSTM lstm{nullptr};
};
TORCH_MODULE(TFiLM);

// Parallel kernels 32/64/128 and a max-pool branch, concatenated (the Inception ablation).
struct InceptionImpl : torch::nn::Module {
    InceptionImpl(int in, int out) {
        const int ks[3] = {32, 64, 128};
        int per = std::max(1, out / 4);
        for (int i = 0; i < 3; ++i)
            convs.push_back(register_module("k" + std::to_string(ks[i]),
                                            torch::nn::Conv1d(torch::nn::Conv1dOptions(in, per, ks[i]).bias(false))));
        pool = register_module("pool", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out - 3 * per, 1).bias(false)));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        std::vector<torch::Tensor> parts;
        for (auto& c : convs) {
            int64_t k = c->options.kernel_size()->at(0);
            parts.push_back(c->forward(F::pad(x, F::PadFuncOptions({(k - 1) / 2, k / 2}))));
        }
        parts.push_back(pool->forward(F::max_pool1d(x, F::MaxPool1dFuncOptions(3).stride(1).padding(1))));
        return torch::cat(parts, 1);
    }
    std::vector<torch::nn::Conv1d> convs;
    torch::nn::Conv1d pool{nullptr};
};
TORCH_MODULE(Inception);

// Convolutions carry no bias and activations are (leaky) ReLUs, so the network is positively
// homogeneous: a quieter input gives an equally quieter output, whatever the recording level.
torch::nn::Conv1d conv(int in, int out, int k, int stride = 1) {
    return torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, k).stride(stride).padding(k / 2).bias(false));
}

class UNet final : public SrNet {
public:
    explicit UNet(const ModelConfig& c) : SrNet(c) {
        const int L = c.depth();
        const bool tfilm = c.arch == "tfilm", inception = c.arch == "inception";
        auto blockAt = [&](int level) { return std::max(1, c.tfilmBlock >> (level + 1)); };
        int in = 1;
        for (int l = 0; l < L; ++l) {
            down_.push_back(register_module("down" + std::to_string(l), conv(in, c.filters[l], c.kernels[l], 2)));
            if (tfilm) downFilm_.push_back(register_module("down_film" + std::to_string(l), TFiLM(c.filters[l], blockAt(l))));
            in = c.filters[l];
        }
        bottleneck_ = register_module("bottleneck", conv(in, c.filters[L - 1], c.kernels[L - 1], 2));
        if (tfilm) bottleneckFilm_ = register_module("bottleneck_film", TFiLM(c.filters[L - 1], blockAt(L)));
        in = c.filters[L - 1];
        for (int l = L - 1; l >= 0; --l) {
            const std::string n = std::to_string(l);
            if (inception) upInception_.push_back(register_module("up_inception" + n, Inception(in, 2 * c.filters[l])));
            else up_.push_back(register_module("up" + n, conv(in, 2 * c.filters[l], c.kernels[l])));
            if (tfilm) upFilm_.push_back(register_module("up_film" + n, TFiLM(c.filters[l], blockAt(l))));
            in = 2 * c.filters[l];
        }
        final_ = register_module("final", conv(in, 2, 9));
        dropout_ = c.dropout;
        upDropout_ = !inception || c.inceptionDropout;
    }

    torch::Tensor forward(torch::Tensor x) override {
        const int L = config().depth();
        std::vector<torch::Tensor> skips;
        auto h = x;
        for (int l = 0; l < L; ++l) {
            h = F::leaky_relu(down_[l]->forward(h), F::LeakyReLUFuncOptions().negative_slope(0.2));
            if (!downFilm_.empty()) h = downFilm_[l]->forward(h);
            skips.push_back(h);
        }
        h = bottleneck_->forward(h);
        h = F::dropout(h, F::DropoutFuncOptions().p(dropout_).training(is_training()));
        h = F::leaky_relu(h, F::LeakyReLUFuncOptions().negative_slope(0.2));
        if (bottleneckFilm_) h = bottleneckFilm_->forward(h);
        for (int i = 0; i < L; ++i) {
            h = upInception_.empty() ? up_[i]->forward(h) : upInception_[i]->forward(h);
            if (upDropout_) h = F::dropout(h, F::DropoutFuncOptions().p(dropout_).training(is_training()));
            h = subpixel(torch::relu(h));
            if (!upFilm_.empty()) h = upFilm_[i]->forward(h);
            h = torch::cat({h, skips[L - 1 - i]}, 1);
        }
        return subpixel(final_->forward(h)) + x;
    }

private:
    std::vector<torch::nn::Conv1d> down_, up_;
    std::vector<Inception> upInception_;
    std::vector<TFiLM> downFilm_, upFilm_;
    torch::nn::Conv1d bottleneck_{nullptr}, final_{nullptr};
    TFiLM bottleneckFilm_{nullptr};
    float dropout_ = 0;
    bool upDropout_ = true;
};

}  // namespace

std::shared_ptr<SrNet> makeUNet(const ModelConfig& c) { return std::make_shared<UNet>(c); }

}  // namespace srlab
