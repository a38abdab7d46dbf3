// SPDX-License-Identifier: GPL-3.0-or-later
// A PyTorch model saved with torch.jit.save, as an SrNet (docs/reference.md §4.2): its forward maps
// a (batch, 1, n) waveform at the low rate to (batch, 1, n x scale), and the archive holds the int
// attributes `sample_rate` (the output rate) and `scale`. SRLab's chunked inference hands every
// network the spline input at the high rate; the spline passes through the low-res samples, so
// every scale-th sample of it is the low-rate chunk the module takes. A module whose string
// attribute `input` is "baseline" (what the Python package's to_torchscript writes) takes that
// spline input itself, (batch, 1, n) -> (batch, 1, n), as SRLab's own networks do, and may
// state its chunking in the int attributes `chunk` and `overlap`.
#include <torch/script.h>

#include <filesystem>
#include <fstream>

#include "model/Nets.h"
#include "util/Error.h"

namespace srlab {
namespace {

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// The TorchScript interpreter's message ends with the Python-style error ("RuntimeError: ...")
// under its own traceback: that last line is the one worth showing.
std::string lastLine(const std::string& s) {
    std::string last;
    size_t from = 0;
    while (from < s.size()) {
        const size_t to = s.find('\n', from);
        const std::string line = s.substr(from, to == std::string::npos ? std::string::npos : to - from);
        if (line.find_first_not_of(" \t\r") != std::string::npos) last = line.substr(line.find_first_not_of(" \t"));
        if (to == std::string::npos) break;
        from = to + 1;
    }
    return last;
}

class TorchScriptNet final : public SrNet {
public:
    TorchScriptNet(ModelConfig c, torch::jit::Module m, std::string path, bool baseline)
        : SrNet(std::move(c)), module_(std::move(m)), path_(std::move(path)), baseline_(baseline) {}

    torch::Tensor forward(torch::Tensor x) override {
        namespace I = torch::indexing;
        const int64_t r = baseline_ ? 1 : config().scale, b = x.size(0), t = x.size(2);
        auto low = baseline_ ? x : x.index({I::Slice(), I::Slice(), I::Slice(I::None, I::None, r)}).contiguous();
        c10::IValue out;
        try {
            out = module_.forward({low});
        } catch (const c10::Error& e) {  // a signature mismatch
            throw Error(path_, "the TorchScript model failed on a (" + std::to_string(b) + ", 1, " +
                                   std::to_string(low.size(2)) + ") input: " + firstLine(e.what_without_backtrace()));
        } catch (const std::exception& e) {  // the module raised: the interpreter's traceback, then why
            throw Error(path_, "the TorchScript model failed on a (" + std::to_string(b) + ", 1, " +
                                   std::to_string(low.size(2)) + ") input: " + lastLine(e.what()));
        }
        if (!out.isTensor()) throw Error(path_, "forward returned a " + out.tagKind() + ", not a tensor");
        auto y = out.toTensor();
        const auto shape = [](const torch::Tensor& v) {
            std::string s = "(";
            for (int64_t i = 0; i < v.dim(); ++i) s += (i ? ", " : "") + std::to_string(v.size(i));
            return s + ")";
        };
        if (y.dim() != 3 || y.size(0) != b || y.size(1) != 1 || y.size(2) != t)
            throw Error(path_, "forward returned " + shape(y) + " for a " + shape(low) + " input; the contract is (batch, 1, n) -> (batch, 1, n" +
                                   (baseline_ ? std::string() : " x " + std::to_string(r)) + ") = (" + std::to_string(b) + ", 1, " +
                                   std::to_string(t) + ")");
        if (y.scalar_type() != torch::kFloat)
            throw Error(path_, std::string("forward returned ") + c10::toString(y.scalar_type()) + " samples; the contract is float32");
        if (!torch::isfinite(y).all().item<bool>()) throw Error(path_, "forward returned NaN or infinite samples");
        return y;
    }
    void to(torch::Device device, bool nonBlocking = false) override {
        module_.to(device, nonBlocking);
        SrNet::to(device, nonBlocking);
    }
    void train(bool on = true) override {
        module_.train(on);
        SrNet::train(on);
    }

private:
    torch::jit::Module module_;
    std::string path_;
    bool baseline_;  // input "baseline": the module takes the spline input at the output rate
};

}  // namespace

bool isTorchScriptFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    if (in.gcount() != 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) return false;
    // A zip archive, as SRLab's own model.pt (torch.save's format) is too: TorchScript's holds
    // constants.pkl beside its code, which a pickled dict of tensors never does.
    const std::string want = "constants.pkl";
    std::string carry, block(1 << 20, '\0');
    in.seekg(0);
    while (in) {
        in.read(&block[0], std::streamsize(block.size()));
        const std::string part = carry + block.substr(0, size_t(in.gcount()));
        if (part.find(want) != std::string::npos) return true;
        carry = part.substr(part.size() - std::min(part.size(), want.size()));
    }
    return false;
}

std::shared_ptr<SrNet> loadTorchScript(const std::string& path) {
    torch::jit::Module m;
    try {
        m = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error& e) {
        const std::string why = firstLine(e.what_without_backtrace());
        std::string hint;
        if (TORCH_VERSION_MAJOR < 2)
            hint = "; an archive written by PyTorch 2.x needs SRLab's torch2 build (this one has libtorch " +
                   std::string(TORCH_VERSION) + ")";
        throw Error(path, "is not a TorchScript module this libtorch can read (" + why + ")" + hint);
    }
    const auto intAttr = [&](const char* name) {
        if (!m.hasattr(name) || !m.attr(name).isInt())
            throw Error(path, std::string("has no int attribute '") + name +
                                  "': a TorchScript model states its output rate (sample_rate) and scale (docs/reference.md §4.2)");
        return int(m.attr(name).toInt());
    };
    ModelConfig c;
    c.arch = "torchscript";
    c.preset = std::filesystem::path(path).stem().string();
    c.rate = intAttr("sample_rate");
    c.scale = intAttr("scale");
    if (c.rate < 1000 || c.rate > 384000 || c.scale < 2 || c.scale > 16)
        throw Error(path, "sample_rate " + std::to_string(c.rate) + " and scale " + std::to_string(c.scale) +
                              " are out of range (1000..384000 Hz, 2..16)");
    bool baseline = false;
    if (m.hasattr("input")) {
        const auto v = m.attr("input");
        if (!v.isString() || (v.toStringRef() != "low" && v.toStringRef() != "baseline"))
            throw Error(path, "attribute 'input' must be \"low\" or \"baseline\" (docs/reference.md §4.2)");
        baseline = v.toStringRef() == "baseline";
    }
    // Chunks of 8192 output samples overlapping by a quarter, unless the module says otherwise.
    c.dim = 8192 / c.scale * c.scale;
    if (m.hasattr("chunk") || m.hasattr("overlap")) {
        const auto optInt = [&](const char* name, int64_t otherwise) -> int64_t {
            if (!m.hasattr(name)) return otherwise;
            if (!m.attr(name).isInt()) throw Error(path, std::string("attribute '") + name + "' must be an int (docs/reference.md §4.2)");
            return m.attr(name).toInt();
        };
        const int64_t chunk = optInt("chunk", c.dim);
        const int64_t overlap = optInt("overlap", chunk / 4);
        // Checked as 64-bit values, before narrowing to the config's ints.
        if (chunk < c.scale || chunk > (int64_t(1) << 24) || chunk % c.scale != 0 || overlap < 1 || 2 * overlap > chunk)
            throw Error(path, "chunk " + std::to_string(chunk) + " and overlap " + std::to_string(overlap) +
                                  " do not fit (a multiple of scale up to 2^24, overlap at most half the chunk)");
        c.dim = int(chunk);
        c.chunkOverlap = int(overlap);
    }
    m.eval();
    return std::make_shared<TorchScriptNet>(c, std::move(m), path, baseline);
}

}  // namespace srlab
