// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/DefaultModels.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "runs/ModelConfig.h"
#include "util/Error.h"

namespace srlab {
namespace fs = std::filesystem;
namespace {

std::vector<fs::path> searchPath() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("SRLAB_MODELS")) dirs.emplace_back(env);
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) dirs.push_back(exe.parent_path().parent_path() / "share" / "srlab" / "models");
#ifdef SRLAB_SOURCE_MODELS
    dirs.emplace_back(SRLAB_SOURCE_MODELS);
#endif
    return dirs;
}

}  // namespace

std::vector<ShippedModel> shippedModels() {
    std::vector<ShippedModel> out;
    for (const auto& dir : searchPath()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) continue;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            if (!fs::exists(e.path() / "model.json", ec)) continue;
            try {
                const ModelConfig cfg = readCheckpointConfig(e.path().string());
                out.push_back({e.path().string(), e.path().filename().string(), cfg.rate, cfg.scale});
            } catch (const Error&) {
                continue;  // not a usable model folder
            }
        }
        if (!out.empty()) break;  // the first folder that has models wins
    }
    return out;
}

std::string defaultModelFor(int inputRate) {
    auto models = shippedModels();
    if (models.empty())
        throw Error("--checkpoint", "no shipped models found (looked in $SRLAB_MODELS and share/srlab/models); "
                                    "pass a checkpoint");
    const ShippedModel* best = nullptr;
    double bestDist = 1e9;
    for (const auto& m : models) {
        double d = std::abs(std::log2(double(inputRate) / m.lowRate()));
        if (d < bestDist) bestDist = d, best = &m;
    }
    return best->dir;
}

}  // namespace srlab
