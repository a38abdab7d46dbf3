// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/Nets.h"

#include <gtest/gtest.h>

#include "util/Error.h"

namespace srlab {
namespace {

ModelConfig config(const std::string& arch, const std::string& preset, int dim = 2048) {
    auto c = makeModelConfig(arch, preset);
    c.fitTo(16000, 4, dim);
    return c;
}

TEST(Nets, EveryArchitectureMapsBatchesToTheSameShape) {
    for (const auto& arch : modelArchs()) {
        SCOPED_TRACE(arch);
        torch::manual_seed(1);
        auto net = makeNet(config(arch, "tiny"));
        net->eval();
        torch::NoGradGuard g;
        auto x = torch::randn({3, 1, 2048}) * 0.1;
        auto y = net->forward(x);
        EXPECT_EQ(y.sizes(), x.sizes());
        EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
        EXPECT_EQ(net->infer(x).sizes(), x.sizes());
    }
}

TEST(Nets, PublishedSizesMatchThePapers) {
    auto c = config("tfilm", "published", 8192);
    EXPECT_EQ(c.filters, (std::vector<int>{128, 256, 512, 512}));
    EXPECT_EQ(c.kernels, (std::vector<int>{65, 33, 17, 9}));
    auto net = makeNet(c);
    // Four down blocks, bottleneck, four up blocks, final conv, nine LSTMs.
    EXPECT_GT(countParameters(*net), 20'000'000);
    EXPECT_EQ(modelPresets("inception").size(), 4u);
}

// Birnbaum's TFiLM runs its LSTM over the blocks of each example. A port that runs it over the
// batch axis makes an example's output depend on its neighbours; ours must not.
TEST(Nets, TfilmOutputsDoNotDependOnTheOtherItemsInTheBatch) {
    torch::manual_seed(3);
    auto net = makeNet(config("tfilm", "tiny"));
    net->eval();
    torch::NoGradGuard g;
    auto item = torch::randn({1, 1, 2048}) * 0.2;
    auto alone = net->forward(item);
    auto batch = torch::cat({item, torch::randn({3, 1, 2048}), torch::randn({1, 1, 2048}) * 5});
    auto together = net->forward(batch).narrow(0, 0, 1);
    EXPECT_LT((alone - together).abs().max().item<double>(), 1e-5);
    // ...while the TFiLM layers do change the output (it is not a plain U-Net).
    auto plain = config("tfilm", "tiny");
    plain.arch = "audiounet";
    torch::manual_seed(3);
    auto unet = makeNet(plain);
    unet->eval();
    EXPECT_GT((unet->forward(item) - alone).abs().max().item<double>(), 1e-4);
}

TEST(Nets, UNetIsPositivelyHomogeneous) {
    torch::manual_seed(5);
    auto net = makeNet(config("audiounet", "small"));
    net->eval();
    torch::NoGradGuard g;
    auto x = torch::randn({2, 1, 2048}) * 0.3;
    EXPECT_LT((net->forward(x * 0.01) * 100 - net->forward(x)).abs().max().item<double>(), 1e-4);
}

TEST(Nets, BadConfigsAreRejectedWithTheReason) {
    EXPECT_THROW(makeModelConfig("wavenet", "small"), Error);
    EXPECT_THROW(makeModelConfig("tfilm", "huge"), Error);
    auto c = config("audiounet", "small");
    c.dim = 1000;  // not a multiple of 32
    try {
        c.validate();
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("multiple of 32"), std::string::npos);
    }
    EXPECT_THROW(ModelConfig::fromJson("{\"arch\": 3}"), Error);
}

}  // namespace
}  // namespace srlab
