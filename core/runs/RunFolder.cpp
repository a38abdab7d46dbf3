// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/RunFolder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    if (!in) throw Error(p.string(), "cannot read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TrainConfig readRunConfig(const std::string& runDir) {
    auto path = fs::path(runDir) / "config.json";
    if (!fs::exists(path)) throw Error(runDir, "is not a run folder (no config.json)");
    try {
        return TrainConfig::fromJson(slurp(path));
    } catch (const Error& e) {
        throw Error(path.string(), e.what());
    }
}

std::vector<TrainRow> readRunMetrics(const std::string& runDir) {
    std::vector<TrainRow> rows;
    std::ifstream in(fs::path(runDir) / "metrics.csv");
    std::string line;
    std::getline(in, line);  // header
    TrainRow r;
    while (std::getline(in, line))
        if (parseMetricsRow(line, &r)) rows.push_back(r);
    return rows;
}

RunStatus readRunStatus(const std::string& runDir) {
    try {
        const auto j = nlohmann::json::parse(slurp(fs::path(runDir) / "status.json"));
        if (!j.is_object()) return {};
        auto text = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
        return {parseRunState(text("state")), text("message")};
    } catch (const std::exception&) {
        return {};
    }
}

namespace {
constexpr const char* kStateNames[] = {"created", "running", "paused", "stopped", "finished", "failed", "unknown"};
}

const char* toString(RunState s) { return kStateNames[int(s)]; }

RunState parseRunState(const std::string& s) {
    for (int i = 0; i < int(RunState::Unknown); ++i)
        if (s == kStateNames[i]) return RunState(i);
    return RunState::Unknown;
}

void writeRunStatus(const std::string& runDir, RunState state, const std::string& message) {
    writeFileAtomically((fs::path(runDir) / "status.json").string(),
                        nlohmann::json{{"state", toString(state)}, {"message", message}}.dump(2));
}

std::vector<std::string> listCheckpoints(const std::string& runDir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(runDir) / "checkpoints", ec)) {
        const auto name = e.path().filename().string();
        if (e.is_directory(ec) && fs::exists(e.path() / "model.json", ec) && name.find('.') == std::string::npos)
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<BaselineReference> readRunBaselines(const std::string& runDir) {
    std::vector<BaselineReference> out;
    try {
        const auto j = nlohmann::ordered_json::parse(slurp(fs::path(runDir) / "baselines.json"));  // the file's order
        for (const auto& [name, v] : j.items())
            if (v.is_object()) out.push_back({name, v.value("snr_db", double(NAN)), v.value("lsd_db", double(NAN))});
    } catch (const std::exception&) {
        out.clear();
    }
    return out;
}

}  // namespace srlab
