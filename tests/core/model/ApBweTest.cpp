// SPDX-License-Identifier: GPL-3.0-or-later
// AP-BWE (core/model/ApBwe.cpp): sizes of the paper, any length, level independence, and its own
// training terms and discriminators doing their work.
#include <gtest/gtest.h>

#include "model/Nets.h"
#include "model/Spectral.h"

namespace srlab {
namespace {

ModelConfig apbwe(const std::string& preset, int rate = 16000) {
    auto c = makeModelConfig("apbwe", preset);
    c.fitTo(rate, 4, 8000);
    return c;
}

// Weights as after some training (an untrained one passes its input through).
std::shared_ptr<SrNet> perturbedTiny() {
    auto net = makeNet(apbwe("tiny"));
    torch::NoGradGuard g;
    for (auto& p : net->parameters()) p.add_(torch::randn_like(p) * 0.05);
    net->eval();
    return net;
}

TEST(ApBwe, PublishedPresetHasThePapersSize) {
    const auto c = apbwe("published", 44100);
    EXPECT_EQ(c.nfft, 1024);  // frames in samples at every rate, as the 16 and 48 kHz configurations
    EXPECT_EQ(c.hop, 80);
    EXPECT_EQ(c.window(), 320);
    auto net = makeNet(c);
    const auto n = countParameters(*net);
    EXPECT_GT(n, 28'000'000);  // "about 30 M": (513 + 1026 -> 512, k 7) + 16 ConvNeXt blocks + heads
    EXPECT_LT(n, 32'000'000);
    ASSERT_TRUE(net->discriminator());
    EXPECT_FALSE(makeNet(apbwe("small"))->discriminator());
}

TEST(ApBwe, AnyLengthInAndTheSameLengthOut) {
    torch::manual_seed(2);
    auto net = perturbedTiny();
    torch::NoGradGuard g;
    for (int64_t t : {1000, 1237, 8000}) {
        auto x = torch::randn({2, 1, t}) * 0.1;
        auto y = net->forward(x);
        EXPECT_EQ(y.size(-1), t);
        EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    }
}

TEST(ApBwe, AnUntrainedNetworkPassesItsInputThrough) {
    auto net = makeNet(apbwe("tiny"));
    net->eval();
    torch::NoGradGuard g;
    auto x = torch::randn({1, 1, 4000}) * 0.1;
    EXPECT_LT((net->forward(x) - x).abs().max().item<double>(), 1e-4);
}

// The degradation zoo varies the level; the network sees every input at one RMS.
TEST(ApBwe, OutputScalesWithTheInput) {
    torch::manual_seed(3);
    auto net = perturbedTiny();
    torch::NoGradGuard g;
    auto x = torch::randn({2, 1, 4000}) * 0.3;
    auto y = net->forward(x);
    EXPECT_LT((net->forward(x * 0.01) * 100 - y).abs().max().item<double>(), 1e-4 * y.abs().max().item<double>() + 1e-6);
    // Below -60 dBFS the level is no longer normalised: a near-silent input stays near silent.
    auto quiet = net->forward(x * 1e-4);
    EXPECT_GT((quiet * 1e4 - y).abs().max().item<double>(), 1e-3 * y.abs().max().item<double>());
    EXPECT_LT(quiet.abs().max().item<double>(), 10 * (x * 1e-4).abs().max().item<double>());
}

// A training forward leaves the spectra its loss needs; the loss falls when the network learns a
// fixed pair, and it is zero-free only where it should be (eval forward leaves nothing).
TEST(ApBwe, ItsOwnTermsTrainTheNetwork) {
    torch::manual_seed(4);
    auto net = makeNet(apbwe("tiny"));
    auto t = torch::arange(4000, torch::kFloat) / 16000.0;
    auto ref = (torch::sin(2 * M_PI * 440 * t) + 0.5 * torch::sin(2 * M_PI * 5200 * t)).view({1, 1, -1}) * 0.2;
    auto low = (torch::sin(2 * M_PI * 440 * t)).view({1, 1, -1}) * 0.2;  // the 5.2 kHz partial is gone
    torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(2e-3));
    net->train();
    double first = 0, last = 0;
    for (int i = 0; i < 60; ++i) {
        auto est = net->forward(low);
        auto l = net->modelLoss(est, ref);
        ASSERT_TRUE(l.defined());
        if (i == 0) first = l.item<double>();
        last = l.item<double>();
        opt.zero_grad();
        l.backward();
        opt.step();
    }
    EXPECT_LT(last, 0.5 * first);
    EXPECT_FALSE(net->modelLoss(ref, ref).defined());  // used up by the last step
    net->eval();
    {
        torch::NoGradGuard g;
        auto est = net->forward(low);
        EXPECT_FALSE(net->modelLoss(est, ref).defined());
    }
}

TEST(ApBwe, DiscriminatorsScoreEveryItem) {
    torch::manual_seed(5);
    auto c = apbwe("small-gan");
    auto net = makeNet(c);
    ASSERT_TRUE(net->discriminator());
    auto wave = torch::randn({2, 1, 8000}) * 0.1;
    auto d = net->discriminate(wave);
    ASSERT_EQ(d.dim(), 2);
    EXPECT_EQ(d.size(0), 2);
    EXPECT_GT(d.size(1), 100);
    // Every discriminator's parameters get a gradient from its score.
    d.pow(2).mean().backward();
    for (const auto& p : net->discriminator()->named_parameters())
        EXPECT_TRUE(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0) << p.key();
}

}  // namespace
}  // namespace srlab
