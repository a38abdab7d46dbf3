// SPDX-License-Identifier: GPL-3.0-or-later
// PyTorch models in (docs/reference.md §4.2): a TorchScript module with the contract's attributes
// upsamples like any checkpoint; one with another signature, one that raises, returns the wrong
// length, NaN or another dtype, and files that are not TorchScript at all, are one line each.
// The modules are written here by this build's own libtorch (torch::jit::Module::define), so
// both builds read them.
#include <torch/script.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dsp/Interpolate.h"
#include "infer/ModelUpsampler.h"
#include "model/Nets.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

namespace {
std::string module(const TempDir& d, const std::string& name, const std::string& forward, bool attributes = true,
                   const std::function<void(torch::jit::Module&)>& more = {}) {
    torch::jit::Module m("Upsampler");
    if (attributes) {
        m.register_attribute("sample_rate", c10::IntType::get(), 16000);
        m.register_attribute("scale", c10::IntType::get(), 4);
    }
    if (more) more(m);
    m.define(forward);
    const std::string path = d / (name + ".pt");
    m.save(path);
    return path;
}

std::string failure(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("raw exception: ") + e.what();
    }
    return "no error";
}
}  // namespace

TEST(TorchScript, AModuleWithTheContractUpsamplesLikeACheckpoint) {
    TempDir d;
    // Zero-order hold: every low-rate sample repeated scale times.
    const auto path = module(d, "hold", "def forward(self, x):\n    return torch.repeat_interleave(x, 4, dim=2)\n");
    ModelUpsampler up(path, "cpu", 1);
    EXPECT_EQ(up.config().arch, "torchscript");
    EXPECT_EQ(up.config().preset, "hold");
    EXPECT_EQ(up.config().rate, 16000);
    EXPECT_EQ(up.config().scale, 4);
    up.setLowBand(false);
    const auto low = chirp(100, 1500, 4000, 20000);  // longer than a chunk: the chunks are crossfaded
    const auto y = up.run(low, low.size() * 4);
    ASSERT_EQ(y.size(), low.size() * 4);
    double worst = 0;
    for (size_t i = 0; i < y.size(); ++i) worst = std::max(worst, double(std::abs(y[i] - low[i / 4])));
    EXPECT_LT(worst, 1e-5);
    EXPECT_THROW(up.setPrecision("bf16"), Error);
}

// input "baseline" (what python/srlab's to_torchscript writes): the module takes the spline
// input at the output rate, with the chunking it states.
TEST(TorchScript, ABaselineModuleTakesTheSplineInputWithItsOwnChunking) {
    TempDir d;
    const auto path = module(d, "half", "def forward(self, x):\n    return x * 0.5\n", true, [](torch::jit::Module& m) {
        m.register_attribute("input", c10::StringType::get(), std::string("baseline"));
        m.register_attribute("chunk", c10::IntType::get(), 4096);
        m.register_attribute("overlap", c10::IntType::get(), 512);
    });
    ModelUpsampler up(path, "cpu", 1);
    EXPECT_EQ(up.chunking().chunk, 4096u);
    EXPECT_EQ(up.chunking().overlap, 512u);
    up.setLowBand(false);
    const auto low = chirp(100, 1500, 4000, 20000);
    const auto y = up.run(low, low.size() * 4);
    const auto spline = splineUpsample(low, 4, low.size() * 4);
    ASSERT_EQ(y.size(), spline.size());
    double worst = 0;
    for (size_t i = 0; i < y.size(); ++i) worst = std::max(worst, double(std::abs(y[i] - 0.5f * spline[i])));
    EXPECT_LT(worst, 1e-6);

    // A wrong kind of input, and a chunking that does not fit, are one line naming the file.
    const auto bad = [&](const std::string& name, const std::function<void(torch::jit::Module&)>& attrs) {
        const auto p = module(d, name, "def forward(self, x):\n    return x\n", true, attrs);
        return failure([&] { ModelUpsampler u(p, "cpu", 1); });
    };
    const auto kind = bad("kind", [](torch::jit::Module& m) { m.register_attribute("input", c10::StringType::get(), std::string("mel")); });
    EXPECT_NE(kind.find("'input' must be"), std::string::npos) << kind;
    const auto overlap = bad("overlap", [](torch::jit::Module& m) {
        m.register_attribute("chunk", c10::IntType::get(), 4096);
        m.register_attribute("overlap", c10::IntType::get(), 4000);
    });
    EXPECT_NE(overlap.find("do not fit"), std::string::npos) << overlap;
    EXPECT_NE(overlap.find("overlap.pt"), std::string::npos) << overlap;
    // 2^32 + 4096 would pass as 4096 once narrowed to an int: checked before that.
    const auto huge = bad("huge", [](torch::jit::Module& m) {
        m.register_attribute("chunk", c10::IntType::get(), (int64_t(1) << 32) + 4096);
    });
    EXPECT_NE(huge.find("do not fit"), std::string::npos) << huge;
}

TEST(TorchScript, BadModulesAndFilesAreOneLineEach) {
    TempDir d;
    const auto low = chirp(100, 1500, 4000, 8000);
    const auto run = [&](const std::string& path) {
        return failure([&] {
            ModelUpsampler up(path, "cpu", 1);
            up.setLowBand(false);
            up.run(low, low.size() * 4);
        });
    };
    struct Case {
        std::string name, forward, expect;
    };
    const std::vector<Case> cases{
        {"signature", "def forward(self, x, y):\n    return x\n", "failed on a"},
        {"throws", "def forward(self, x):\n    return x.view(-1, 7, 3, 11)\n", "failed on a"},
        {"length", "def forward(self, x):\n    return x\n", "the contract is (batch, 1, n) -> (batch, 1, n x 4)"},
        {"nan", "def forward(self, x):\n    return torch.repeat_interleave(x, 4, dim=2) * float('nan')\n", "NaN"},
        {"dtype", "def forward(self, x):\n    return torch.repeat_interleave(x, 4, dim=2).double()\n", "float32"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const std::string path = module(d, c.name, c.forward);
        const std::string why = run(path);
        EXPECT_NE(why.find(path), std::string::npos) << why;
        EXPECT_NE(why.find(c.expect), std::string::npos) << why;
        EXPECT_EQ(why.find('\n'), std::string::npos) << why;  // one line, no trace
    }
    // No attributes; a zip that is not TorchScript; an ONNX-like protobuf; random bytes.
    const std::string bare = module(d, "bare", "def forward(self, x):\n    return x\n", false);
    EXPECT_NE(run(bare).find("sample_rate"), std::string::npos) << run(bare);
    writeText(d / "fake.pt", std::string("PK\x03\x04", 4) + "not really a zip archive");
    EXPECT_NE(run(d / "fake.pt").find("is neither an SRLab checkpoint folder"), std::string::npos) << run(d / "fake.pt");
    writeText(d / "model.onnx", std::string("\x08\x07\x12\x07pytorch", 11));
    const std::string onnx = run(d / "model.onnx");
    EXPECT_NE(onnx.find("model.onnx"), std::string::npos) << onnx;
    EXPECT_EQ(onnx.find("raw exception"), std::string::npos) << onnx;
}

}  // namespace srlab
