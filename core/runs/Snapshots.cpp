// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/Json.h"
#include "runs/Snapshots.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab {
namespace fs = std::filesystem;

namespace {
fs::path indexPath(const std::string& runDir) { return fs::path(runDir) / "snapshots" / "index.json"; }
}  // namespace

std::string snapshotTruthPath(const std::string& runDir, const std::string& clip) {
    return (fs::path(runDir) / "snapshots" / "clips" / (clip + "-truth.flac")).string();
}
std::string snapshotInputPath(const std::string& runDir, const std::string& clip) {
    return (fs::path(runDir) / "snapshots" / "clips" / (clip + "-input.flac")).string();
}
std::string snapshotStepDir(const std::string& runDir, int64_t step) {
    char name[32];
    std::snprintf(name, sizeof name, "step-%08lld", (long long)step);
    return (fs::path(runDir) / "snapshots" / name).string();
}
std::string snapshotPath(const std::string& runDir, int64_t step, const std::string& clip) {
    return (fs::path(snapshotStepDir(runDir, step)) / (clip + ".flac")).string();
}

SnapshotIndex readSnapshotIndex(const std::string& runDir) {
    SnapshotIndex idx;
    const fs::path p = indexPath(runDir);
    std::ifstream in(p);
    if (!in) return idx;
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const auto j = nlohmann::json::parse(text.str());
        idx.rate = j.at("rate").get<int>();
        idx.scale = j.at("scale").get<int>();
        idx.baseline = j.value("baseline", std::string("spline"));
        for (const auto& c : j.at("clips"))
            idx.clips.push_back({c.at("name").get<std::string>(), c.value("why", std::string()),
                                 c.value("source", std::string()), c.value("offset_s", 0.0), c.value("seconds", 0.0)});
        for (const auto& s : j.at("steps")) idx.steps.push_back(s.get<int64_t>());
    } catch (const nlohmann::json::exception& e) {
        throw Error(p.string(), std::string("damaged snapshot index (") + jsonProblem(e) + ")");
    }
    return idx;
}

void writeSnapshotIndex(const std::string& runDir, const SnapshotIndex& idx) {
    nlohmann::ordered_json j;
    j["rate"] = idx.rate;
    j["scale"] = idx.scale;
    j["baseline"] = idx.baseline;
    j["clips"] = nlohmann::json::array();
    for (const auto& c : idx.clips)
        j["clips"].push_back({{"name", c.name}, {"why", c.why}, {"source", c.source}, {"offset_s", c.offsetS}, {"seconds", c.seconds}});
    j["steps"] = idx.steps;
    std::error_code ec;
    fs::create_directories(indexPath(runDir).parent_path(), ec);
    writeFileAtomically(indexPath(runDir).string(), j.dump(1));
}

int64_t snapshotToThin(const std::vector<int64_t>& steps) {
    if (steps.size() <= kMaxSnapshots) return -1;
    // Candidates: not the first, not the newest kKeepNewest.
    size_t best = 0;
    int64_t bestGap = INT64_MAX;
    for (size_t i = 1; i + kKeepNewest < steps.size(); ++i) {
        const int64_t gap = steps[i + 1] - steps[i - 1];
        if (gap < bestGap) {
            bestGap = gap;
            best = i;
        }
    }
    return best ? steps[best] : -1;
}

}  // namespace srlab
