// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/ModelConfig.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "srlab/Version.h"
#include "util/Error.h"
#include "util/Json.h"

namespace srlab {
namespace {

struct Preset {
    const char* arch;
    const char* name;
    void (*apply)(ModelConfig&);
};

void published(ModelConfig& c) {  // Kuleshov 2017 / Birnbaum 2019
    c.filters = {128, 256, 512, 512};
    c.kernels = {65, 33, 17, 9};
    c.dropout = 0.5f;
}
void small(ModelConfig& c) {
    c.filters = {16, 32, 64, 64};
    c.kernels = {33, 17, 9, 9};
    c.dropout = 0.2f;
}
void tiny(ModelConfig& c) {
    c.filters = {8, 16, 32};
    c.kernels = {17, 9, 9};
    c.dropout = 0.0f;
}

void apbwe(ModelConfig& c) {
    c.nfft = 1024;
    c.hop = 80;
    c.win = 320;
}

const Preset kPresets[] = {
    {"audiounet", "published", published},
    {"audiounet", "small", small},
    {"audiounet", "tiny", tiny},
    {"tfilm", "published", published},
    {"tfilm", "small", small},
    {"tfilm", "tiny", tiny},
    {"inception", "published", published},
    {"inception", "published-dropout", [](ModelConfig& c) { published(c); c.inceptionDropout = true; }},
    {"inception", "small", small},
    {"inception", "tiny", tiny},
    {"spectral", "small", [](ModelConfig& c) { c.channels = 192; c.blocks = 4; }},
    {"spectral", "medium", [](ModelConfig& c) { c.channels = 384; c.blocks = 6; }},
    {"spectral", "tiny", [](ModelConfig& c) { c.channels = 64; c.blocks = 2; }},
    {"specgan", "small", [](ModelConfig& c) { c.channels = 32; c.blocks = 4; }},
    {"specgan", "published", [](ModelConfig& c) { c.channels = 64; c.blocks = 9; }},
    {"specgan", "vit-small", [](ModelConfig& c) { c.channels = 64; c.blocks = 2; c.vit = true; }},
    {"specgan", "tiny", [](ModelConfig& c) { c.channels = 16; c.blocks = 2; }},
    // AP-BWE (Lu et al. 2024): 1024-point frames of a 320-sample window every 80 samples at
    // every rate, as their 16 and 48 kHz configurations; 512 channels x 8 blocks is ~30 M
    // parameters. "small" trains usefully in 30 CPU-minutes, without the discriminators.
    {"apbwe", "published", [](ModelConfig& c) { apbwe(c); c.channels = 512; c.blocks = 8; c.adversarial = true; }},
    {"apbwe", "small", [](ModelConfig& c) { apbwe(c); c.channels = 128; c.blocks = 4; }},
    {"apbwe", "small-gan", [](ModelConfig& c) { apbwe(c); c.channels = 128; c.blocks = 4; c.adversarial = true; }},
    {"apbwe", "tiny", [](ModelConfig& c) { apbwe(c); c.channels = 16; c.blocks = 1; }},
};

}  // namespace

std::vector<std::string> modelArchs() { return {"audiounet", "tfilm", "inception", "spectral", "specgan", "apbwe"}; }

std::vector<std::string> modelPresets(const std::string& arch) {
    std::vector<std::string> out;
    for (const auto& p : kPresets)
        if (arch == p.arch) out.push_back(p.name);
    return out;
}

ModelConfig makeModelConfig(const std::string& arch, const std::string& preset) {
    for (const auto& p : kPresets) {
        if (arch == p.arch && preset == p.name) {
            ModelConfig c;
            c.arch = arch;
            c.preset = preset;
            p.apply(c);
            return c;
        }
    }
    auto archs = modelArchs();
    if (std::find(archs.begin(), archs.end(), arch) == archs.end())
        throw Error("model", "unknown architecture '" + arch + "' (audiounet, tfilm, inception, spectral, specgan, apbwe)");
    std::string names;
    for (const auto& n : modelPresets(arch)) names += (names.empty() ? "" : ", ") + n;
    throw Error("model", "unknown preset '" + preset + "' for " + arch + " (" + names + ")");
}

void ModelConfig::fitTo(int rate_, int scale_, int dim_) {
    rate = rate_;
    scale = scale_;
    dim = dim_;
    // The spectral and specgan models keep ~32 ms frames whatever the rate (AP-BWE keeps its
    // frames in samples, as its 16 and 48 kHz configurations do).
    if ((arch == "spectral" || arch == "specgan") && rate > 24000) {
        nfft = 1024;
        hop = 256;
    }
}

int ModelConfig::multiple() const {
    if (arch == "torchscript") return scale;  // the module takes every scale-th sample
    if (arch == "apbwe") return 1;  // its iSTFT is cut to the input's length, whatever it is
    if (isSpectral()) return hop;
    int m = 1 << (depth() + 1);  // L stride-2 blocks + the bottleneck
    if (arch == "tfilm") m = std::max(m, tfilmBlock);
    return m;
}

ChunkPlan ModelConfig::defaultChunking() const {
    const size_t d = size_t(dim);
    if (arch == "torchscript" && chunkOverlap > 0) return ChunkPlan{d, size_t(chunkOverlap)};
    return arch == "apbwe" ? ChunkPlan{8 * d, d / 4} : ChunkPlan{d, d / 4};
}

void ModelConfig::validate() const {
    auto fail = [](const std::string& m) { throw Error("model config", m); };
    auto archs = modelArchs();
    if (std::find(archs.begin(), archs.end(), arch) == archs.end()) fail("unknown architecture '" + arch + "'");
    if (rate < 1000 || rate > 384000) fail("rate must be 1000..384000 Hz");
    if (scale < 2 || scale > 16) fail("scale must be 2..16");
    if (dim <= 0 || dim % multiple() != 0) fail("patch length must be a positive multiple of " + std::to_string(multiple()));
    if (isSpectral()) {
        if (nfft < 64 || (nfft & (nfft - 1)) != 0) fail("nfft must be a power of two >= 64");
        if (arch == "apbwe") {
            if (window() > nfft || hop <= 0 || hop > window() / 2) fail("the window must fit nfft and the hop be at most half the window");
        } else if (hop <= 0 || nfft % hop != 0) {
            fail("hop must divide nfft");
        }
        if (channels < 4 || blocks < 1) fail("channels >= 4 and blocks >= 1 required");
    } else {
        if (filters.empty() || filters.size() != kernels.size()) fail("filters and kernels must have the same, non-zero length");
        for (size_t i = 0; i < filters.size(); ++i)
            if (filters[i] < 1 || kernels[i] < 1) fail("filters and kernels must be positive");
        if (dropout < 0 || dropout >= 1) fail("dropout must be in [0, 1)");
        if (arch == "tfilm" && (tfilmBlock < 1 || (tfilmBlock & (tfilmBlock - 1)) != 0))
            fail("tfilm block must be a power of two");
    }
}

std::string ModelConfig::toJson() const {
    nlohmann::json j{{"arch", arch},       {"preset", preset},   {"rate", rate},
                     {"scale", scale},     {"dim", dim},         {"filters", filters},
                     {"kernels", kernels}, {"dropout", dropout}, {"tfilm_block", tfilmBlock},
                     {"inception_dropout", inceptionDropout},    {"nfft", nfft},
                     {"hop", hop},         {"win", win},         {"channels", channels}, {"blocks", blocks},
                     {"adversarial", adversarial},
                     {"vit", vit},         {"griffin_lim_iters", griffinLimIters}};
    return j.dump(2);
}

ModelConfig ModelConfig::fromJson(const std::string& text) {
    ModelConfig c;
    try {
        auto j = parseJson(text);
        c.arch = j.at("arch").get<std::string>();
        c.preset = j.value("preset", std::string());
        c.rate = j.at("rate").get<int>();
        c.scale = j.at("scale").get<int>();
        c.dim = j.at("dim").get<int>();
        c.filters = j.value("filters", c.filters);
        c.kernels = j.value("kernels", c.kernels);
        c.dropout = j.value("dropout", c.dropout);
        c.tfilmBlock = j.value("tfilm_block", c.tfilmBlock);
        c.inceptionDropout = j.value("inception_dropout", c.inceptionDropout);
        c.nfft = j.value("nfft", c.nfft);
        c.hop = j.value("hop", c.hop);
        c.win = j.value("win", c.win);
        c.adversarial = j.value("adversarial", c.adversarial);
        c.channels = j.value("channels", c.channels);
        c.blocks = j.value("blocks", c.blocks);
        c.vit = j.value("vit", c.vit);
        c.griffinLimIters = j.value("griffin_lim_iters", c.griffinLimIters);
    } catch (const nlohmann::json::exception& e) {
        throw Error("model config", std::string("malformed JSON: ") + jsonProblem(e));
    }
    c.validate();
    return c;
}

void checkCheckpointFormat(const std::string& text, const std::string& file) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return;  // the caller's parser reports it
    const auto v = j.find("format_version");
    if (v == j.end()) return;
    if (!v->is_number_integer()) throw Error(file, "format_version is not an integer");
    if (v->get<int64_t>() > kCheckpointFormat || v->get<int64_t>() < 1)
        throw Error(file, "checkpoint format " + std::to_string(v->get<int64_t>()) + " (written by SRLab " +
                              j.value("tool_version", std::string("?")) + "); this SRLab " + kVersion +
                              " reads checkpoint format " + std::to_string(kCheckpointFormat));
}

ModelConfig readCheckpointConfig(const std::string& checkpointDir) {
    const std::string file = checkpointDir + "/model.json";
    std::ifstream in(file);
    if (!in) throw Error(file, "cannot open (not a checkpoint folder?)");
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    checkCheckpointFormat(text, file);
    try {
        return ModelConfig::fromJson(parseJson(text).at("model").dump());
    } catch (const nlohmann::json::exception& e) {
        throw Error(file, std::string("malformed checkpoint description: ") + jsonProblem(e));
    } catch (const Error& e) {
        throw Error(file, e.what());
    }
}

std::string checkpointDir(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return std::filesystem::path(path).parent_path().string();
    if (!std::filesystem::exists(path, ec)) throw Error(path, "no such checkpoint");
    return path;
}

CheckpointMeta readCheckpointMeta(const std::string& checkpoint) {
    const std::string file = checkpointDir(checkpoint) + "/model.json";
    std::ifstream in(file);
    if (!in) throw Error(file, "cannot open (not a checkpoint folder?)");
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    checkCheckpointFormat(text, file);
    CheckpointMeta m;
    try {
        const auto j = parseJson(text);
        m.step = j.at("step").get<int64_t>();
        m.epoch = j.at("epoch").get<int>();
        m.batch = j.value("batch", int64_t(0));
        m.wallS = j.value("wall_s", 0.0);
        auto num = [&](const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : NAN; };
        m.valLoss = num("val_loss");
        m.valSnr = num("val_snr_db");
        m.valLsd = num("val_lsd_db");
    } catch (const nlohmann::json::exception& e) {
        throw Error(file, std::string("malformed checkpoint description: ") + jsonProblem(e));
    }
    return m;
}

}  // namespace srlab
