// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/SnapshotWriter.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "audio/AudioFile.h"
#include "runs/Snapshots.h"
#include "train/ChunkedInference.h"
#include "util/Error.h"

namespace srlab {
namespace fs = std::filesystem;

namespace {

// At most this many patches of the split are read to pick clips (bounded time and memory).
constexpr size_t kClipCandidates = 2000;

struct Candidate {
    std::vector<size_t> patches;  // contiguous, one source
    double rms = 0, highBand = 0;
};

}  // namespace

std::string createSnapshotClips(const std::string& runDir, const PatchDataset& reader, int count, double seconds,
                                uint64_t seed) {
    if (count <= 0) return "audio snapshots: off";
    const auto& info = reader.info();
    const auto& spec = info.spec;
    if (!info.hasLabel || spec.baseline == Baseline::None)
        return "audio snapshots: none (the dataset has no labels, or stores low-res inputs)";
    Split split = Split::Val;
    if (reader.count(split) == 0) split = reader.count(Split::Test) ? Split::Test : Split::Train;
    const size_t n = std::min(reader.count(split), kClipCandidates);
    if (n == 0) return "audio snapshots: none (no patches)";
    const size_t dim = size_t(spec.dim);
    std::vector<float> input(n * dim), label(n * dim);
    reader.read(split, 0, n, input.data(), label.data());
    const auto sources = reader.sources(split);
    const auto offsets = reader.offsets(split);
    std::map<std::pair<int32_t, int64_t>, size_t> at;
    for (size_t i = 0; i < n; ++i) at[{sources[i], offsets[i]}] = i;

    // Every start patch, followed by the patches that continue it without a gap.
    const size_t want = std::max<size_t>(1, size_t(std::lround(seconds * spec.rate / double(dim))));
    std::vector<Candidate> cands;
    size_t longest = 0;
    for (size_t i = 0; i < n; ++i) {
        Candidate c;
        c.patches.push_back(i);
        while (c.patches.size() < want) {
            auto next = at.find({sources[i], offsets[c.patches.back()] + int64_t(dim)});
            if (next == at.end()) break;
            c.patches.push_back(next->second);
        }
        double e = 0, hf = 0;
        for (size_t p : c.patches)
            for (size_t k = p * dim; k < (p + 1) * dim; ++k) {
                e += double(label[k]) * label[k];
                hf += double(label[k] - input[k]) * (label[k] - input[k]);  // what the baseline misses
            }
        c.rms = std::sqrt(e / double(c.patches.size() * dim));
        c.highBand = e > 0 ? hf / e : 0;
        longest = std::max(longest, c.patches.size());
        cands.push_back(std::move(c));
    }
    // Only the longest runs (a clip of a few seconds where the data has them), non-silent.
    cands.erase(std::remove_if(cands.begin(), cands.end(),
                               [&](const Candidate& c) { return c.patches.size() < longest || c.rms < 1e-3; }),
                cands.end());
    if (cands.empty()) return "audio snapshots: none (the validation patches are silent)";

    std::vector<std::pair<const Candidate*, std::string>> picked;
    // Clips never share audio: same source and overlapping time ranges count as the same.
    auto overlaps = [&](const Candidate& c) {
        const int64_t len = int64_t(c.patches.size() * dim);
        for (const auto& [p, why] : picked)
            if (sources[p->patches.front()] == sources[c.patches.front()] &&
                std::abs(offsets[p->patches.front()] - offsets[c.patches.front()]) < len)
                return true;
        return false;
    };
    auto pickBy = [&](auto better, const std::string& why) {
        const Candidate* best = nullptr;
        for (const auto& c : cands)
            if (!overlaps(c) && (!best || better(c, *best))) best = &c;
        if (best) picked.emplace_back(best, why);
    };
    const int k = count;
    if (k >= 1) pickBy([](const Candidate& a, const Candidate& b) { return a.rms > b.rms; }, "loudest");
    if (k >= 2) pickBy([](const Candidate& a, const Candidate& b) { return a.rms < b.rms; }, "quietest");
    if (k >= 3) pickBy([](const Candidate& a, const Candidate& b) { return a.highBand > b.highBand; }, "most high-band energy");
    std::mt19937_64 rng(seed);
    for (int tries = 0; int(picked.size()) < k && tries < 1000; ++tries) {
        const auto& c = cands[size_t(rng() % cands.size())];
        if (!overlaps(c)) picked.emplace_back(&c, "drawn by the seed");
    }

    SnapshotIndex idx;
    idx.rate = spec.rate;
    idx.scale = spec.scale;
    idx.baseline = toString(spec.baseline);
    std::vector<std::string> paths;
    try {
        const auto manifest = nlohmann::json::parse(reader.manifestJson());
        for (const auto& e : manifest.at("sources")) paths.push_back(e.value("path", std::string()));
    } catch (const std::exception&) {
        // no source names: clips still work
    }
    std::string said = "audio snapshots: " + std::to_string(picked.size()) + " clips of " +
                       std::to_string(double(longest * dim) / spec.rate).substr(0, 4) + " s from the " + toString(split) +
                       " split (";
    for (size_t c = 0; c < picked.size(); ++c) {
        const Candidate& cand = *picked[c].first;
        SnapshotClip clip;
        clip.name = "clip-" + std::to_string(c + 1);
        clip.why = picked[c].second;
        const int32_t src = sources[cand.patches.front()];
        clip.source = src >= 0 && size_t(src) < paths.size() ? paths[size_t(src)] : std::string();
        clip.offsetS = double(offsets[cand.patches.front()]) / spec.rate;
        clip.seconds = double(cand.patches.size() * dim) / spec.rate;
        std::vector<float> truth, in;
        for (size_t p : cand.patches) {
            truth.insert(truth.end(), label.begin() + long(p * dim), label.begin() + long((p + 1) * dim));
            in.insert(in.end(), input.begin() + long(p * dim), input.begin() + long((p + 1) * dim));
        }
        fs::create_directories(fs::path(snapshotTruthPath(runDir, clip.name)).parent_path());
        writeAudio(snapshotTruthPath(runDir, clip.name), truth, spec.rate);
        writeAudio(snapshotInputPath(runDir, clip.name), in, spec.rate);
        said += (c ? ", " : "") + clip.why;
        idx.clips.push_back(clip);
    }
    writeSnapshotIndex(runDir, idx);
    return said + ")";
}

void writeSnapshot(const std::string& runDir, int64_t step, SrNet& net, const torch::Device& device) {
    SnapshotIndex idx = readSnapshotIndex(runDir);
    if (idx.empty()) return;
    const ModelConfig& m = net.config();
    const size_t mult = size_t(m.multiple());
    const size_t chunk = (size_t(m.dim) + mult - 1) / mult * mult;
    const ChunkPlan plan{chunk, chunk / 4};
    net.eval();
    {
        torch::NoGradGuard noGrad;
        const auto forward = [&](const torch::Tensor& t) { return net.infer(t.to(device)).to(torch::kCPU, torch::kFloat).contiguous(); };
        fs::create_directories(snapshotStepDir(runDir, step));
        for (const auto& clip : idx.clips) {
            int rate = 0;
            const auto x = readMono(snapshotInputPath(runDir, clip.name), &rate);
            auto y = runChunked(forward, x, plan, 4, false, 1);
            writeAudio(snapshotPath(runDir, step, clip.name), y, idx.rate);
        }
    }
    net.train();
    if (idx.steps.empty() || idx.steps.back() < step) idx.steps.push_back(step);
    std::vector<int64_t> dropped;
    for (int64_t s; (s = snapshotToThin(idx.steps)) >= 0;) {
        idx.steps.erase(std::find(idx.steps.begin(), idx.steps.end(), s));
        dropped.push_back(s);
    }
    writeSnapshotIndex(runDir, idx);  // the index never names a folder that is not complete
    for (int64_t s : dropped) {
        std::error_code ec;
        fs::remove_all(snapshotStepDir(runDir, s), ec);
    }
}

void truncateSnapshots(const std::string& runDir, int64_t step) {
    SnapshotIndex idx = readSnapshotIndex(runDir);
    if (idx.empty()) return;
    std::vector<int64_t> later;
    for (int64_t s : idx.steps)
        if (s > step) later.push_back(s);
    if (later.empty()) return;
    idx.steps.erase(std::remove_if(idx.steps.begin(), idx.steps.end(), [&](int64_t s) { return s > step; }), idx.steps.end());
    writeSnapshotIndex(runDir, idx);
    for (int64_t s : later) {
        std::error_code ec;
        fs::remove_all(snapshotStepDir(runDir, s), ec);
    }
}

}  // namespace srlab
