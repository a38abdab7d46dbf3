// SPDX-License-Identifier: GPL-3.0-or-later
// model.pt is written as Python's torch.save(dict) writes it (train/TorchSave.h): a zip with
// data.pkl and one record per tensor, that loads back bit for bit; checkpoints written by earlier
// SRLab versions (torch::pickle_save's typed dict) still load. That torch.load reads it with
// weights_only=True is tested from Python in tests/python/PackageTest.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model/Nets.h"
#include "support/TestSupport.h"
#include "train/Checkpoint.h"
#include "train/TorchSave.h"

namespace srlab {
using namespace test;

namespace {
std::shared_ptr<SrNet> tinyNet(const std::string& arch) {
    auto c = makeModelConfig(arch, "tiny");
    c.fitTo(16000, 4, 2048);
    torch::manual_seed(3);
    return makeNet(c);
}

void expectSameWeights(SrNet& a, SrNet& b) {
    auto pa = a.named_parameters(), pb = b.named_parameters();
    ASSERT_EQ(pa.size(), pb.size());
    for (const auto& p : pa) EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
}
}  // namespace

TEST(CheckpointFormat, WeightsRoundTripInTorchSaveFormat) {
    TempDir d;
    for (const std::string arch : {"tfilm", "apbwe"}) {
        SCOPED_TRACE(arch);
        auto net = tinyNet(arch);
        {
            torch::NoGradGuard g;
            for (auto& p : net->parameters()) p.add_(torch::randn_like(p));
        }
        const std::string dir = d / arch;
        saveCheckpoint(dir, *net, CheckpointMeta{}, TrainState{});
        const std::string bytes = readBytes(dir + "/model.pt");
        EXPECT_EQ(bytes.substr(0, 2), "PK");
        EXPECT_NE(bytes.find("archive/data.pkl"), std::string::npos);
        EXPECT_NE(bytes.find("_rebuild_tensor_v2"), std::string::npos);
        EXPECT_EQ(bytes.find("restore_type_tag"), std::string::npos);  // what weights_only=True refuses
        auto back = loadModel(dir);
        expectSameWeights(*net, *back);
    }
}

TEST(CheckpointFormat, CheckpointsOfEarlierVersionsStillLoad) {
    TempDir d;
    auto net = tinyNet("audiounet");
    const std::string dir = d / "old";
    saveCheckpoint(dir, *net, CheckpointMeta{}, TrainState{});
    // model.pt as SRLab wrote it before: torch::pickle_save of a typed dict.
    c10::Dict<std::string, at::Tensor> weights;
    for (const auto& p : net->named_parameters()) weights.insert(p.key(), p.value().detach().clone());
    const auto old = torch::pickle_save(weights);
    std::ofstream(dir + "/model.pt", std::ios::binary).write(old.data(), std::streamsize(old.size()));
    auto back = loadModel(dir);
    expectSameWeights(*net, *back);
}

TEST(CheckpointFormat, OnlyFloat32TensorsAreWritten) {
    EXPECT_THROW(torchSaveBytes({{"x", torch::zeros({2}, torch::kDouble)}}), std::invalid_argument);
    EXPECT_FALSE(torchSaveBytes({}).empty());  // an empty dict is still an archive
}

}  // namespace srlab
