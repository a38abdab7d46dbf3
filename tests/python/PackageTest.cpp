// SPDX-License-Identifier: GPL-3.0-or-later
// The Python package (python/srlab, docs/python.md) against this build: for every architecture,
// a checkpoint written here loads in PyTorch and upsamples as `srlab upsample --low-band model`
// does (to 1e-4), its ONNX export runs in ONNX Runtime to the same output, and its TorchScript
// export loads back into `srlab upsample` and gives the same output again.
#include <gtest/gtest.h>

#include <sndfile.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "audio/AudioFile.h"
#include "model/Nets.h"
#include "support/TestSupport.h"
#include "train/Checkpoint.h"

namespace srlab {
using namespace test;

namespace {

// A checkpoint of `arch`/`preset` at 16 kHz x4 whose weights are the initial ones plus noise:
// AP-BWE's zero heads would otherwise pass the input through and prove nothing.
void writeCheckpoint(const std::string& dir, const std::string& arch, const std::string& preset, int dim) {
    auto c = makeModelConfig(arch, preset);
    c.fitTo(16000, 4, dim);
    torch::manual_seed(7);
    auto net = makeNet(c);
    {
        torch::NoGradGuard g;
        for (auto& p : net->parameters()) p.add_(torch::randn_like(p) * 0.02);
    }
    saveCheckpoint(dir, *net, CheckpointMeta{}, TrainState{});
}

struct Case {
    std::string arch, preset;
    int dim;
    // The PyTorch modules and the TorchScript round trip: 1e-4 of full scale for every
    // architecture. The real-convolution STFT that ONNX takes: the same, except AP-BWE, whose log
    // amplitude (floor 1e-4) of near-empty STFT bins turns the last-bit difference between a DFT
    // by convolution and an FFT into ~2.5e-3 of this perturbed model's output (a 1e-7 relative
    // change of its input moves it as much).
    double tolReal = 1e-4;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.arch << "/" << c.preset; }

class PackageTest : public ::testing::TestWithParam<Case> {};

// Largest difference in units of full scale, or of the peak where untrained weights make the
// output louder than that.
double maxDiff(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return 1e9;
    double worst = 0, peak = 1;
    for (size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
        peak = std::max(peak, double(std::abs(a[i])));
    }
    return worst / peak;
}

}  // namespace

TEST_P(PackageTest, PyTorchOnnxAndTorchScriptGiveWhatTheCliGives) {
    if (!std::getenv("SRLAB_PACKAGE_PYTHON")) {
        if (std::getenv("CI")) FAIL() << "SRLAB_PACKAGE_PYTHON is not set in CI (scripts/test.sh sets it)";
        GTEST_SKIP() << "set SRLAB_PACKAGE_PYTHON to a python with this build's torch (scripts/package-venv.sh)";
    }
    const auto& c = GetParam();
    TempDir d;
    const std::string ck = d / "ck";
    writeCheckpoint(ck, c.arch, c.preset, c.dim);
    // 3 s of a chirp and noise at 4 kHz: many chunks (AP-BWE's too, 8 patches long) and a short last one.
    auto low = chirp(60, 1900, 4000, 12345, 0.4);
    const auto hiss = noise(low.size(), 3, 0.05);
    for (size_t i = 0; i < low.size(); ++i) low[i] += hiss[i];
    writeWav(d / "low.wav", low, 4000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    const auto upsample = [&](const std::string& checkpoint, const std::string& out) {
        return run(cli() + " upsample --checkpoint " + checkpoint + " --in " + (d / "low.wav") + " --out " + out +
                   " --low-band model --threads 1");
    };
    const auto cpp = upsample(ck, d / "cpp.wav");
    ASSERT_EQ(cpp.code, 0) << cpp.output;

    const std::string onnx = " --onnx " + (d / "model.onnx");
    const auto py = runPackagePython("package_check.py --checkpoint " + ck + " --input " + (d / "low.wav") + " --expect " +
                                     (d / "cpp.wav") + " --torchscript " + (d / "exported.pt") + onnx +
                                     " --tol 1e-4 --tol-real " + std::to_string(c.tolReal));
    EXPECT_EQ(py.code, 0) << py.output;
    std::cout << py.output;
    ASSERT_TRUE(std::filesystem::exists(d / "exported.pt")) << py.output;

    // The TorchScript round trip: SRLab runs the exported module with the checkpoint's chunking.
    const auto back = upsample(d / "exported.pt", d / "roundtrip.wav");
    ASSERT_EQ(back.code, 0) << back.output;
    const auto a = readAudio(d / "cpp.wav").samples, b = readAudio(d / "roundtrip.wav").samples;
    EXPECT_LT(maxDiff(a, b), 1e-4);
}

// read_run and read_dataset on what `srlab train` and `srlab dataset build` wrote; plain
// torch.load (weights_only=True since PyTorch 2.6) on a trained checkpoint.
TEST(Package, ReadsRunFoldersAndDatasets) {
    if (!std::getenv("SRLAB_PACKAGE_PYTHON")) {
        if (std::getenv("CI")) FAIL() << "SRLAB_PACKAGE_PYTHON is not set in CI (scripts/test.sh sets it)";
        GTEST_SKIP() << "set SRLAB_PACKAGE_PYTHON to a python with this build's torch (scripts/package-venv.sh)";
    }
    TempDir d;
    const auto built = buildToneDataset(d.str());
    ASSERT_EQ(built.code, 0) << built.output;
    const auto trained = run(cli() + " train --quiet --threads 1 --dataset " + (d / "set.h5") +
                             " --model audiounet --preset tiny --epochs 2 --steps-per-epoch 3 --batch 2 --run " + (d / "run"));
    ASSERT_EQ(trained.code, 0) << trained.output;
    // The last checkpoint again, its model.pt as SRLab wrote it before (torch::pickle_save's typed dict).
    std::string last;
    int64_t lastStep = -1;
    for (const auto& e : std::filesystem::directory_iterator(d / "run/checkpoints"))
        if (const auto step = readCheckpointMeta(e.path().string()).step; step > lastStep) lastStep = step, last = e.path().string();
    std::filesystem::copy(last, d / "old", std::filesystem::copy_options::recursive);
    {
        const auto net = loadModel(d / "old");
        c10::Dict<std::string, at::Tensor> weights;
        for (const auto& p : net->named_parameters()) weights.insert(p.key(), p.value().detach().clone());
        const auto bytes = torch::pickle_save(weights);
        std::ofstream(d / "old/model.pt", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    }
    const auto py = runPackagePython("package_runs_check.py --run " + (d / "run") + " --dataset " + (d / "set.h5") +
                                     " --steps 6 --dim 1024 --sources 4 --old-checkpoint " + (d / "old"));
    EXPECT_EQ(py.code, 0) << py.output;
    std::cout << py.output;
}

INSTANTIATE_TEST_SUITE_P(EveryArchitecture, PackageTest,
                         ::testing::Values(Case{"audiounet", "tiny", 2048}, Case{"tfilm", "tiny", 2048},
                                           Case{"inception", "tiny", 2048}, Case{"spectral", "tiny", 2048},
                                           Case{"specgan", "tiny", 2048}, Case{"specgan", "vit-small", 2048},
                                           Case{"apbwe", "tiny", 1024, 5e-3}),
                         [](const auto& info) {
                             std::string n = info.param.arch + "_" + info.param.preset;
                             for (auto& ch : n) if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             return n;
                         });

}  // namespace srlab
