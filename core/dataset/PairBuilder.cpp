// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/PairBuilder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>

#include "audio/AudioFile.h"
#include "dataset/PairFile.h"
#include "dataset/PairMaker.h"
#include "util/AtomicFile.h"
#include "util/Error.h"
#include "util/Json.h"
#include "util/Hash.h"
#include "util/ThreadPool.h"

namespace fs = std::filesystem;

namespace srlab {

size_t BuildReport::used() const {
    return size_t(std::count_if(sources.begin(), sources.end(), [](const SourceReport& s) { return s.used; }));
}
size_t BuildReport::skipped() const { return sources.size() - used(); }

std::string BuildReport::toJson() const {
    nlohmann::ordered_json j;
    j["sources"] = nlohmann::json::array();
    for (const auto& s : sources) {
        nlohmann::ordered_json e;
        e["path"] = s.path;
        e["sha256"] = s.sha256;
        e["split"] = toString(s.split);
        e["used"] = s.used;
        if (!s.used) e["reason"] = s.reason;
        e["rate"] = s.rate;
        e["channels"] = s.channels;
        e["seconds"] = s.seconds;
        e["patches"] = s.patches;
        if (!s.degradation.empty()) e["degradation"] = s.degradation;
        if (!s.patchDegradations.empty()) e["patch_degradations"] = s.patchDegradations;
        j["sources"].push_back(e);
    }
    j["patches"] = {{"train", patches[0]}, {"val", patches[1]}, {"test", patches[2]}};
    return j.dump(1);
}

std::vector<std::string> splitSourceFiles(const std::string& manifestJson, Split split) {
    std::vector<std::string> out;
    try {
        auto j = parseJson(manifestJson);
        for (const auto& e : j.at("sources"))
            if (e.value("used", false) && e.at("split").get<std::string>() == toString(split))
                out.push_back(e.at("path").get<std::string>());
    } catch (const nlohmann::json::exception& e) {
        throw Error("manifest", std::string("malformed: ") + jsonProblem(e));
    }
    return out;
}

std::vector<std::string> collectAudioFiles(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        std::error_code ec;
        if (!fs::exists(p, ec)) throw Error(p, "no such file or folder");
        if (!fs::is_directory(p, ec)) {
            out.push_back(p);  // named explicitly: let the reader judge it
            continue;
        }
        fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
        if (ec) throw Error(p, "cannot read folder: " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec) throw Error(p, "cannot read folder: " + ec.message());
            if (it->is_regular_file(ec) && looksLikeAudioFile(it->path().string()))
                out.push_back(it->path().string());
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<std::string> readFileList(const std::string& listPath) {
    std::ifstream in(listPath);
    if (!in) throw Error(listPath, "cannot open file list");
    const fs::path base = fs::absolute(listPath).parent_path();
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        line.erase(0, line.find_first_not_of(" \t\r"));
        line.erase(line.find_last_not_of(" \t\r") + 1);
        if (line.empty() || line[0] == '#') continue;
        fs::path p(line);
        out.push_back((p.is_absolute() ? p : base / p).lexically_normal().string());
    }
    return out;
}

std::vector<Split> assignSplits(size_t count, const std::array<double, 3>& fr, uint64_t seed) {
    std::vector<size_t> order(count);
    for (size_t i = 0; i < count; ++i) order[i] = i;
    std::mt19937_64 rng(seed);  // mt19937_64's output is fixed by the standard; std::shuffle is not
    for (size_t i = count; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    size_t nVal = size_t(std::llround(fr[1] * double(count)));
    size_t nTest = size_t(std::llround(fr[2] * double(count)));
    // A requested split never ends up empty when there are files to spare.
    if (fr[1] > 0 && nVal == 0 && count >= 3) nVal = 1;
    if (fr[2] > 0 && nTest == 0 && count >= 3) nTest = 1;
    nVal = std::min(nVal, count);
    nTest = std::min(nTest, count - nVal);
    std::vector<Split> out(count, Split::Train);
    for (size_t i = 0; i < nVal; ++i) out[order[i]] = Split::Val;
    for (size_t i = nVal; i < nVal + nTest; ++i) out[order[i]] = Split::Test;
    return out;
}

std::vector<std::pair<std::string, Split>> plannedFiles(const PairSpec& spec, const BuildInputs& inputs) {
    std::vector<std::pair<std::string, Split>> out;
    if (inputs.useLists) {
        for (Split s : kSplits)
            for (const auto& f : inputs.lists[size_t(s)]) out.emplace_back(f, s);
        return out;
    }
    const auto splits = assignSplits(inputs.files.size(), spec.split, spec.seed);
    for (size_t i = 0; i < inputs.files.size(); ++i) out.emplace_back(inputs.files[i], splits[i]);
    return out;
}

namespace {

struct FileResult {
    SourceReport report;
    Pair pair;
};

FileResult processFile(const std::string& path, Split split, const PairSpec& spec) {
    FileResult r;
    r.report.path = path;
    r.report.split = split;
    try {
        AudioBuffer audio = readAudio(path);
        r.report.rate = audio.rate;
        r.report.channels = audio.channels;
        r.report.seconds = double(audio.frames()) / audio.rate;
        r.report.sha256 = sha256File(path);
        const std::vector<float> mono = audio.channels == 1 ? std::move(audio.samples) : mixToMono(audio);
        audio.samples.clear();
        audio.samples.shrink_to_fit();
        if (spec.lowResInput && audio.rate > spec.lowRate() * 1.001)
            r.report.reason = "rate " + std::to_string(audio.rate) + " Hz is above the low-res rate";
        else
            r.pair = makePair(mono, audio.rate, spec, std::stoull(r.report.sha256.substr(0, 16), nullptr, 16));
        std::vector<float>().swap(r.pair.low);  // patches are cut from label and input; this file waits its turn
        r.report.degradation = r.pair.degradation;
        const size_t n = spec.lowResInput ? r.pair.input.size() : r.pair.frames;
        if (r.report.reason.empty() && n < size_t(spec.dim) && !spec.padShort)
            r.report.reason = "shorter than one patch (" + std::to_string(n) + " < " + std::to_string(spec.dim) + " samples)";
    } catch (const Error& e) {
        std::string msg = e.what();  // the report names the file already
        if (msg.rfind(path + ": ", 0) == 0) msg.erase(0, path.size() + 2);
        r.report.reason = msg;
    } catch (const std::bad_alloc&) {
        r.report.reason = "out of memory";
    }
    r.report.used = r.report.reason.empty();
    if (!r.report.used) r.pair = Pair{};
    return r;
}

// Cuts patches of one file and appends them. Short files (padShort) become one zero-padded patch.
size_t writePatches(PairFileWriter& w, const PairSpec& spec, Split split, int32_t source, Pair& p) {
    for (const auto& q : p.patches) w.append(split, q.label.data(), q.input.data(), source, q.offset);
    if (!p.patches.empty()) return p.patches.size();
    const bool none = spec.baseline == Baseline::None;
    const size_t r = size_t(spec.scale), dim = size_t(spec.dim);
    const size_t n = p.label.empty() ? (none ? p.input.size() * r : p.input.size()) : p.label.size();
    if (n < dim) {
        if (!p.label.empty()) p.label.resize(dim, 0.0f);
        p.input.resize(none ? dim / r : dim, 0.0f);
    }
    size_t count = 0;
    for (size_t off = 0; off + dim <= std::max(n, dim); off += size_t(spec.stride)) {
        const float* label = p.label.empty() ? nullptr : p.label.data() + off;
        const float* input = p.input.data() + (none ? off / r : off);
        w.append(split, label, input, source, int64_t(off));
        ++count;
    }
    return count;
}

}  // namespace

BuildReport buildPairs(const PairSpec& spec, const BuildInputs& inputs, const std::string& outPath,
                       ProgressSink& progress, const CancelToken& cancel) {
    spec.validate();
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> files;
    std::vector<Split> splits;
    for (auto& [f, s] : plannedFiles(spec, inputs)) {
        files.push_back(std::move(f));
        splits.push_back(s);
    }
    if (files.empty()) throw Error(outPath, "no input audio files found");

    AtomicFile out(outPath);
    // Errors name the user's file, not the temporary one being written.
    auto renamed = [&](const Error& e) { return e.subject() == out.tempPath() ? Error(outPath, e.problem()) : e; };
    std::unique_ptr<PairFileWriter> writerPtr;
    try {
        writerPtr = std::make_unique<PairFileWriter>(out.tempPath(), spec);
    } catch (const Error& e) {
        throw renamed(e);
    }
    PairFileWriter& writer = *writerPtr;

    const size_t total = files.size();
    // Files are made on the shared pool, at most `window` in flight (bounding memory to a few
    // files; `threads` bounds it to that many at once), and written here in input order as each finishes. A cancelled file yields an
    // empty result; futures not yet waited on are drained before returning.
    const size_t window = spec.threads > 0 ? size_t(spec.threads) : 2 * size_t(poolThreads());
    std::deque<std::future<void>> inFlight;
    std::vector<FileResult> results(total);
    size_t queued = 0;
    auto fill = [&] {
        for (; queued < total && inFlight.size() < window; ++queued)
            inFlight.push_back(submit([&results, &files, &splits, &spec, &cancel, i = queued] {
                if (!cancel.cancelled()) results[i] = processFile(files[i], splits[i], spec);
            }));
    };
    auto joinAll = [&] {
        for (auto& f : inFlight) f.wait();
        inFlight.clear();
    };

    BuildReport report;
    try {
        for (size_t i = 0; i < total; ++i) {
            fill();
            inFlight.front().get();  // rethrows what processFile threw
            inFlight.pop_front();
            cancel.throwIfCancelled();
            FileResult r = std::move(results[i]);
            results[i] = {};
            if (r.report.used) {
                r.report.patches = writePatches(writer, spec, r.report.split, int32_t(i), r.pair);
                for (const auto& q : r.pair.patches) r.report.patchDegradations.push_back(q.degradation);
                report.patches[size_t(r.report.split)] += r.report.patches;
            } else {
                progress.note("skipped " + r.report.path + ": " + r.report.reason);
            }
            report.sources.push_back(std::move(r.report));
            progress.progress(double(i + 1), double(total), fs::path(files[i]).filename().string());
        }
        joinAll();
        if (report.used() == 0) throw Error(outPath, "no input file yielded any patch (all " + std::to_string(total) + " skipped)");
        report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        writer.finish(report.toJson());
        out.commit();
    } catch (const Error& e) {
        joinAll();
        throw renamed(e);
    } catch (...) {
        joinAll();
        throw;
    }
    return report;
}

}  // namespace srlab
