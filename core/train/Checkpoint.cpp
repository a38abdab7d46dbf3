// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/Checkpoint.h"
#include "train/TorchSave.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runs/ModelConfig.h"
#include "srlab/Version.h"
#include "util/AtomicFile.h"
#include "util/Error.h"
#include "util/Json.h"

namespace srlab {
namespace fs = std::filesystem;
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open checkpoint file");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeRaw(const fs::path& path, const std::string& bytes) {
    {
        std::ofstream out(path, std::ios::binary);
        out.write(bytes.data(), std::streamsize(bytes.size()));
        out.close();
        if (!out) throw Error(path.filename().string(), "cannot write (disk full?)");
    }
    fsyncPath(path.string(), false);
}

std::string metaJson(const SrNet& net, const CheckpointMeta& m) {
    auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    nlohmann::json j{{"format", "srlab-checkpoint"}, {"format_version", kCheckpointFormat},
                     {"tool_version", kVersion},
                     {"model", nlohmann::json::parse(net.config().toJson())},
                     {"step", m.step}, {"epoch", m.epoch}, {"batch", m.batch}, {"wall_s", m.wallS},
                     {"val_loss", num(m.valLoss)}, {"val_snr_db", num(m.valSnr)}, {"val_lsd_db", num(m.valLsd)},
                     {"weights", "model.pt: dict of float32 tensors as torch.save writes it; torch.load() reads it (weights_only=True)"}};
    return j.dump(2);
}

}  // namespace

namespace {

void writeCheckpointFiles(const fs::path& tmp, SrNet& net, const CheckpointMeta& meta, const TrainState& state) {
    fs::create_directories(tmp);

    // As Python's torch.save(dict) writes it, so torch.load reads it with weights_only=True.
    std::vector<std::pair<std::string, torch::Tensor>> weights;
    for (const auto& p : net.named_parameters()) weights.emplace_back(p.key(), p.value());
    for (const auto& b : net.named_buffers()) weights.emplace_back(b.key(), b.value());
    writeRaw(tmp / "model.pt", torchSaveBytes(weights));
    writeRaw(tmp / "model.json", metaJson(net, meta));

    torch::serialize::OutputArchive archive;
    if (state.optimizer) {
        torch::serialize::OutputArchive a;
        state.optimizer->save(a);
        archive.write("optimizer", a);
    }
    if (auto d = net.discriminator()) {
        torch::serialize::OutputArchive a;
        d->save(a);
        archive.write("discriminator", a);
        if (state.discOptimizer) {
            torch::serialize::OutputArchive o;
            state.discOptimizer->save(o);
            archive.write("disc_optimizer", o);
        }
    }
    archive.write("rng_cpu", at::detail::getDefaultCPUGenerator().get_state());
    if (torch::cuda::is_available())
        archive.write("rng_cuda", at::globalContext().defaultGenerator(at::Device(at::kCUDA)).get_state());
    std::ostringstream s;
    archive.save_to(s);
    writeRaw(tmp / "state.pt", s.str());
    fsyncPath(tmp.string(), true);
}

}  // namespace

void saveCheckpoint(const std::string& dir, SrNet& net, const CheckpointMeta& meta, const TrainState& state) {
    fs::path final(dir), tmp(dir + ".tmp"), old(dir + ".old");
    fs::remove_all(tmp);
    try {
        writeCheckpointFiles(tmp, net, meta, state);
    } catch (const std::exception& e) {  // a full disk: no half checkpoint is left, the last good one stays
        std::error_code ec;
        fs::remove_all(tmp, ec);
        const auto* err = dynamic_cast<const Error*>(&e);
        throw Error(dir, "cannot write checkpoint: " + (err ? err->subject() + ": " + err->problem() : std::string(e.what())));
    }
    // Swap folders so a crash leaves either the old or the new checkpoint, never half of one.
    fs::remove_all(old);
    if (fs::exists(final)) fs::rename(final, old);
    fs::rename(tmp, final);
    fsyncPath(final.parent_path().string(), true);
    fs::remove_all(old);
}

void loadWeights(const std::string& dir, SrNet& net) {
    auto file = (fs::path(dir) / "model.pt").string();
    auto bytes = slurp(file);
    c10::IValue value;
    try {
        value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
    } catch (const c10::Error& e) {
        throw Error(file, "not a readable weights file");
    }
    if (!value.isGenericDict()) throw Error(file, "not a dict of tensors");
    auto dict = value.toGenericDict();
    // Keys must be names and values float tensors: anything else is named, never thrown raw.
    for (const auto& entry : dict)
        if (!entry.key().isString()) throw Error(file, "not a dict keyed by tensor names");
    torch::NoGradGuard guard;
    auto assign = [&](const std::string& name, torch::Tensor& t) {
        auto it = dict.find(name);
        if (it == dict.end()) throw Error(file, "missing tensor '" + name + "' for this model config");
        if (!it->value().isTensor()) throw Error(file, "'" + name + "' is not a tensor");
        auto src = it->value().toTensor();
        if (!src.is_floating_point()) throw Error(file, "tensor '" + name + "' is not floating point");
        if (src.sizes() != t.sizes()) throw Error(file, "tensor '" + name + "' has the wrong shape for this model config");
        // A pickle declares each tensor's sizes, strides and offset apart from its storage: a
        // damaged one could describe more elements than its storage holds (a read past it).
        if (src.numel() > 0) {
            int64_t last = src.storage_offset();
            for (int64_t d = 0; d < src.dim(); ++d) {
                if (src.stride(d) < 0) throw Error(file, "tensor '" + name + "' has a negative stride (damaged?)");
                last += (src.size(d) - 1) * src.stride(d);
            }
            if (src.storage_offset() < 0 || double(last + 1) * double(src.element_size()) > double(src.storage().nbytes()))
                throw Error(file, "tensor '" + name + "' describes more data than its storage holds (damaged?)");
        }
        if (!torch::isfinite(src).all().item<bool>()) throw Error(file, "tensor '" + name + "' holds NaN or Inf");
        t.copy_(src);
    };
    for (auto& p : net.named_parameters()) assign(p.key(), p.value());
    for (auto& b : net.named_buffers()) assign(b.key(), b.value());
}

std::shared_ptr<SrNet> loadModel(const std::string& checkpoint, CheckpointMeta* meta) {
    if (isTorchScriptFile(checkpoint)) {  // a PyTorch model (docs/reference.md §4.2)
        if (meta) *meta = CheckpointMeta{};
        return loadTorchScript(checkpoint);
    }
    {
        std::error_code ec;
        const fs::path p(checkpoint);
        if (fs::is_regular_file(p, ec) && p.filename() != "model.pt" && p.filename() != "model.json")
            throw Error(checkpoint, "is neither an SRLab checkpoint folder (model.json, model.pt) nor a TorchScript "
                                    "model saved with torch.jit.save (an ONNX file is not read)");
    }
    auto dir = checkpointDir(checkpoint);
    auto file = (fs::path(dir) / "model.json").string();
    const auto m = readCheckpointMeta(dir);
    const ModelConfig cfg = readCheckpointConfig(dir);
    auto net = makeNet(cfg);
    loadWeights(dir, *net);
    if (meta) *meta = m;
    return net;
}

CheckpointMeta loadTrainState(const std::string& dir, SrNet& net, const TrainState& state) {
    loadWeights(dir, net);
    auto meta = readCheckpointMeta(dir);
    auto file = (fs::path(dir) / "state.pt").string();
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(file);
        if (state.optimizer) {
            torch::serialize::InputArchive a;
            archive.read("optimizer", a);
            state.optimizer->load(a);
        }
        if (auto d = net.discriminator()) {
            torch::serialize::InputArchive a;
            archive.read("discriminator", a);
            d->load(a);
            if (state.discOptimizer) {
                torch::serialize::InputArchive o;
                archive.read("disc_optimizer", o);
                state.discOptimizer->load(o);
            }
        }
        torch::Tensor rng;
        archive.read("rng_cpu", rng);
        at::Generator cpu = at::detail::getDefaultCPUGenerator();  // a handle sharing the global state
        cpu.set_state(rng);
        torch::Tensor cuda;
        if (torch::cuda::is_available() && archive.try_read("rng_cuda", cuda))
        {
            at::Generator gpu = at::globalContext().defaultGenerator(at::Device(at::kCUDA));
            gpu.set_state(cuda);
        }
    } catch (const c10::Error& e) {
        throw Error(file, "unreadable training state (" + std::string(e.what_without_backtrace()) + ")");
    }
    return meta;
}

}  // namespace srlab
