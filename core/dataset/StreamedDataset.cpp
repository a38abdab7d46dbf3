// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/StreamedDataset.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <nlohmann/json.hpp>

#include "audio/AudioStream.h"
#include "audio/Resampler.h"
#include "dataset/PairFile.h"
#include "dataset/PairMaker.h"
#include "dataset/SourceWindow.h"
#include "srlab/Version.h"
#include "util/AtomicFile.h"
#include "util/Error.h"
#include "util/Hash.h"
#include "util/Json.h"
#include "util/ThreadPool.h"

namespace fs = std::filesystem;

namespace srlab {
namespace {

constexpr const char* kFormat = "srlab-streamed";
constexpr int kFormatVersion = 1;
constexpr uintmax_t kMaxIndexBytes = uintmax_t(1) << 30;  // ~4 million sources

// An epoch's draw for train item `item`: mixes (seed, epoch, item) so that neighbouring epochs
// and items are unrelated (SplitMix64's finaliser).
uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

size_t itemsIn(size_t targetFrames, const PairSpec& spec) {
    const size_t dim = size_t(spec.dim);
    if (targetFrames >= dim) return (targetFrames - dim) / size_t(spec.stride) + 1;
    return spec.padShort && targetFrames > 0 ? 1 : 0;
}

struct Source {
    SourceReport report;
    long long frames = 0;        // at the file's own rate
    size_t targetFrames = 0;     // at spec.rate, cropped to a multiple of the scale
    FileStamp stamp;
    uint64_t chainSeed = 0;      // from the SHA-256, as the HDF5 builder draws
};

nlohmann::ordered_json indexJson(const PairSpec& spec, const std::vector<Source>& sources,
                                 const std::array<size_t, 3>& patches) {
    nlohmann::ordered_json j;
    j["format"] = kFormat;
    j["format_version"] = kFormatVersion;
    j["tool_version"] = kVersion;
    j["spec"] = nlohmann::ordered_json::parse(spec.toJson());
    j["sources"] = nlohmann::json::array();
    for (const Source& s : sources) {
        const SourceReport& r = s.report;
        nlohmann::ordered_json e;
        e["path"] = r.path;
        e["sha256"] = r.sha256;
        e["split"] = toString(r.split);
        e["used"] = r.used;
        if (!r.used) e["reason"] = r.reason;
        e["rate"] = r.rate;
        e["channels"] = r.channels;
        e["seconds"] = r.seconds;
        e["patches"] = r.patches;
        e["frames"] = s.frames;
        e["bytes"] = s.stamp.bytes;
        e["mtime_ns"] = std::to_string(s.stamp.mtimeNs);  // beyond JSON's exact integers
        j["sources"].push_back(std::move(e));
    }
    j["patches"] = {{"train", patches[0]}, {"val", patches[1]}, {"test", patches[2]}};
    return j;
}

}  // namespace

// ---------------------------------------------------------------- build

BuildReport buildStreamed(const PairSpec& spec, const BuildInputs& inputs, const std::string& outPath,
                          ProgressSink& progress, const CancelToken& cancel) {
    spec.validate();
    if (spec.lowResInput)
        throw Error(outPath, "real low-res input has no labels to stream; build an HDF5 dataset for it");
    const auto t0 = std::chrono::steady_clock::now();
    const auto planned = plannedFiles(spec, inputs);
    if (planned.empty()) throw Error(outPath, "no input audio files found");
    checkWritableDir(outPath);

    std::vector<Source> sources(planned.size());
    std::atomic<size_t> done{0};
    const size_t total = planned.size();
    // First the headers and stamps (the index proper: no audio is read), then the hashes, a
    // file per pool task each time; a file's problem is its own.
    parallelFor(total, [&](size_t i) {
        if (cancel.cancelled()) return;
        Source& s = sources[i];
        SourceReport& r = s.report;
        r.path = fs::absolute(planned[i].first).lexically_normal().string();
        r.split = planned[i].second;
        try {
            s.stamp = stampOf(r.path);
            {
                const AudioReader reader(r.path);  // the header, checked as readMono checks it
                r.rate = reader.rate();
                r.channels = reader.channels();
                s.frames = reader.framesHint();
            }
            r.seconds = double(s.frames) / r.rate;
            s.targetFrames = targetFramesOf(s.frames, r.rate, spec);
            r.patches = itemsIn(s.targetFrames, spec);
            if (r.patches == 0)
                r.reason = "shorter than one patch (" + std::to_string(s.targetFrames) + " < " + std::to_string(spec.dim) +
                           " samples)";
        } catch (const Error& e) {
            std::string msg = e.what();
            if (msg.rfind(r.path + ": ", 0) == 0) msg.erase(0, r.path.size() + 2);
            r.reason = msg;
        }
        r.used = r.reason.empty();
        if (!r.used) r.patches = 0;
        const size_t n = ++done;
        progress.progress(double(n), double(total), "indexing " + fs::path(r.path).filename().string());
    });
    cancel.throwIfCancelled();
    const auto t1 = std::chrono::steady_clock::now();
    // Hashing reads every byte: progress in bytes.
    uintmax_t bytes = 0;
    for (const Source& s : sources) bytes += s.report.used ? s.stamp.bytes : 0;
    std::atomic<uintmax_t> hashed{0};
    parallelFor(total, [&](size_t i) {
        Source& s = sources[i];
        if (cancel.cancelled() || !s.report.used) return;
        try {
            s.report.sha256 = sha256File(s.report.path);
            // A file rewritten while it was hashed would be indexed with the wrong stamp.
            if (stampOf(s.report.path) != s.stamp) throw Error(s.report.path, "changed while it was indexed");
        } catch (const Error& e) {
            std::string msg = e.what();
            if (msg.rfind(s.report.path + ": ", 0) == 0) msg.erase(0, s.report.path.size() + 2);
            s.report.reason = msg;
            s.report.used = false;
            s.report.patches = 0;
        }
        const uintmax_t b = hashed += s.stamp.bytes;
        progress.progress(double(b) / 1e6, double(bytes) / 1e6, "hashing " + fs::path(s.report.path).filename().string());
    });
    cancel.throwIfCancelled();

    BuildReport report;
    for (Source& s : sources) {
        if (s.report.used) report.patches[size_t(s.report.split)] += s.report.patches;
        else progress.note("skipped " + s.report.path + ": " + s.report.reason);
    }
    for (Source& s : sources) report.sources.push_back(s.report);
    if (report.used() == 0) throw Error(outPath, "no input file yielded any patch (all " + std::to_string(total) + " skipped)");
    writeFileAtomically(outPath, indexJson(spec, sources, report.patches).dump(1));
    const auto t2 = std::chrono::steady_clock::now();
    report.wallSeconds = std::chrono::duration<double>(t2 - t0).count();
    report.hashSeconds = std::chrono::duration<double>(t2 - t1).count();
    return report;
}

BuildReport buildDataset(const PairSpec& spec, const BuildInputs& inputs, const std::string& outPath,
                         ProgressSink& progress, const CancelToken& cancel) {
    return isStreamedDatasetName(outPath) ? buildStreamed(spec, inputs, outPath, progress, cancel)
                                          : buildPairs(spec, inputs, outPath, progress, cancel);
}

bool looksLikeStreamedDataset(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char head[256] = {};
    in.read(head, sizeof head - 1);
    return std::string(head, size_t(in.gcount())).find(std::string("\"") + kFormat + "\"") != std::string::npos;
}

// ---------------------------------------------------------------- reader

struct StreamedDataset::Impl {
    std::string path, manifest;
    PairFileInfo info;
    std::vector<Source> sources;
    // Per split: the used sources in index order and the running total of their items, so
    // item i lies in source ends' first entry above i.
    std::array<std::vector<int32_t>, 3> order;
    std::array<std::vector<size_t>, 3> ends;
    double rehashSeconds = 0;

    Error damaged(const std::string& what) const { return Error(path, "damaged streamed dataset index: " + what); }

    // (source, k) of item i of split s.
    std::pair<const Source*, size_t> locate(Split s, size_t i) const {
        const auto& e = ends[size_t(s)];
        const size_t at = size_t(std::upper_bound(e.begin(), e.end(), i) - e.begin());
        const size_t before = at == 0 ? 0 : e[at - 1];
        return {&sources[size_t(order[size_t(s)][at])], i - before};
    }
};

StreamedDataset::StreamedDataset(const std::string& path) : d_(new Impl) {
    d_->path = path;
    std::error_code ec;
    const uintmax_t bytes = fs::file_size(path, ec);
    if (ec) throw Error(path, "cannot open (missing or unreadable)");
    if (bytes > kMaxIndexBytes) throw Error(path, "too large for a streamed dataset index (damaged?)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open (missing or unreadable)");
    d_->manifest.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    nlohmann::json j;
    try {
        j = parseJson(d_->manifest);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path, std::string("not a streamed dataset (JSON: ") + jsonProblem(e) + ")");
    } catch (const Error& e) {
        throw Error(path, e.what());
    }
    const fs::path base = fs::absolute(path).parent_path();
    PairFileInfo& info = d_->info;
    try {
        if (!j.is_object() || j.value("format", std::string()) != kFormat) throw Error(path, "not an SRLab streamed dataset");
        const int version = j.at("format_version").get<int>();
        if (version != kFormatVersion)
            throw Error(path, "streamed dataset format " + std::to_string(version) + " is not one this SRLab reads (" +
                                  std::to_string(kFormatVersion) + ")");
        info.toolVersion = j.at("tool_version").get<std::string>();
        try {
            info.spec = PairSpec::fromJson(j.at("spec").dump());
        } catch (const Error& e) {
            throw Error(path, std::string("bad build settings: ") + e.what());
        }
        if (info.spec.lowResInput) throw d_->damaged("a streamed dataset has labels");
        info.hasLabel = true;
        info.inputDim = info.spec.inputDim();
        const auto& list = j.at("sources");
        if (!list.is_array()) throw d_->damaged("'sources' is not a list");
        d_->sources.reserve(list.size());
        for (const auto& e : list) {
            Source s;
            SourceReport& r = s.report;
            fs::path p(e.at("path").get<std::string>());
            r.path = (p.is_absolute() ? p : base / p).lexically_normal().string();
            r.split = parseSplit(e.at("split").get<std::string>());
            r.used = e.at("used").get<bool>();
            r.reason = e.value("reason", std::string());
            if (r.used) {
                r.sha256 = e.at("sha256").get<std::string>();
                r.rate = e.at("rate").get<int>();
                r.channels = e.at("channels").get<int>();
                s.frames = e.at("frames").get<long long>();
                r.patches = e.at("patches").get<size_t>();
                s.stamp.bytes = e.at("bytes").get<uintmax_t>();
                s.stamp.mtimeNs = std::stoll(e.at("mtime_ns").get<std::string>());
                if (r.rate < 1000 || r.rate > 1000000 || s.frames <= 0 || r.sha256.size() != 64)
                    throw d_->damaged("source '" + r.path + "' has an impossible rate, length or hash");
                r.seconds = double(s.frames) / r.rate;
                s.targetFrames = targetFramesOf(s.frames, r.rate, info.spec);
                if (itemsIn(s.targetFrames, info.spec) != r.patches)
                    throw d_->damaged("source '" + r.path + "' claims " + std::to_string(r.patches) +
                                      " items where its length makes " +
                                      std::to_string(itemsIn(s.targetFrames, info.spec)));
                s.chainSeed = std::stoull(r.sha256.substr(0, 16), nullptr, 16);
            }
            d_->sources.push_back(std::move(s));
        }
    } catch (const nlohmann::json::exception& e) {
        throw d_->damaged(jsonProblem(e));
    } catch (const std::invalid_argument&) {
        throw d_->damaged("a number that is not one");
    } catch (const std::out_of_range&) {
        throw d_->damaged("a number out of range");
    }
    if (d_->sources.size() > size_t(INT32_MAX)) throw d_->damaged("too many sources");
    for (size_t i = 0; i < d_->sources.size(); ++i) {
        const Source& s = d_->sources[i];
        if (!s.report.used) continue;
        const size_t sp = size_t(s.report.split);
        d_->order[sp].push_back(int32_t(i));
        d_->ends[sp].push_back((d_->ends[sp].empty() ? 0 : d_->ends[sp].back()) + s.report.patches);
        info.counts[sp] = d_->ends[sp].back();
    }
    if (info.counts[0] + info.counts[1] + info.counts[2] == 0) throw d_->damaged("no source is used");
    // Every source as it was indexed: a changed stamp costs a hash, a changed hash is refused.
    for (Source& s : d_->sources)
        if (s.report.used) d_->rehashSeconds += verifySource(s.report.path, s.stamp, s.report.sha256, path);
}

StreamedDataset::~StreamedDataset() = default;
const PairFileInfo& StreamedDataset::info() const { return d_->info; }
const std::string& StreamedDataset::path() const { return d_->path; }
std::string StreamedDataset::manifestJson() const { return d_->manifest; }
double StreamedDataset::rehashSeconds() const { return d_->rehashSeconds; }

void StreamedDataset::read(Split s, size_t first, size_t n, float* input, float* label, int epoch) const {
    const PairSpec& spec = d_->info.spec;
    if (first + n > count(s))
        throw Error(d_->path, "item range past the end of split '" + std::string(toString(s)) + "'");
    const size_t dim = size_t(spec.dim), inDim = size_t(d_->info.inputDim), stride = size_t(spec.stride);
    const bool fresh = s == Split::Train && epoch >= 0;
    const DegradationZoo zoo = spec.degrade.empty() ? DegradationZoo{} : DegradationZoo::parse(spec.degrade);
    // Items are independent; several at once (statistics, snapshots) are made on the pool.
    parallelFor(n, [&](size_t i) {
        const size_t item = first + i;
        const auto [src, k] = d_->locate(s, item);
        const size_t nt = std::max(src->targetFrames, dim);  // a short source is zero-padded to one patch
        size_t off = k * stride;
        uint64_t chainSeed = patchChainSeed(spec, src->chainSeed, k);
        if (fresh) {
            const uint64_t draw = mix(mix(spec.seed ^ uint64_t(epoch) * 0x2545f4914f6cdd1dULL) ^ uint64_t(item));
            // The crop moves by up to half a stride either way, inside the source.
            const long long jitter = (long long)(draw % (stride + 1)) - (long long)(stride / 2);
            off = size_t(std::clamp<long long>((long long)off + jitter, 0, (long long)(nt - dim)));
            chainSeed = mix(draw);
        }
        const Degradation chain = spec.degrade.empty() ? Degradation::fixed(spec.filter) : zoo.draw(chainSeed);
        const PatchWindow w = patchWindow(off, nt, spec);
        std::vector<float> window = readTargetWindow(src->report.path, src->stamp, src->report.rate, src->frames,
                                                     src->targetFrames, spec.rate, w.start, w.end);
        PatchPair p = patchFromWindow(std::move(window), w, off, spec, chain);
        std::copy(p.input.begin(), p.input.end(), input + i * inDim);
        if (label) std::copy(p.label.begin(), p.label.end(), label + i * dim);
    });
}

std::vector<int32_t> StreamedDataset::sources(Split s) const {
    std::vector<int32_t> out;
    out.reserve(count(s));
    const auto& order = d_->order[size_t(s)];
    for (size_t j = 0; j < order.size(); ++j)
        out.insert(out.end(), d_->sources[size_t(order[j])].report.patches, order[j]);
    return out;
}

std::vector<int64_t> StreamedDataset::offsets(Split s) const {
    std::vector<int64_t> out;
    out.reserve(count(s));
    for (int32_t src : d_->order[size_t(s)])
        for (size_t k = 0; k < d_->sources[size_t(src)].report.patches; ++k) out.push_back(int64_t(k) * d_->info.spec.stride);
    return out;
}

// ---------------------------------------------------------------- conversion

BuildReport convertToPairs(const PatchDataset& src, const std::string& outPath, ProgressSink& progress,
                           const CancelToken& cancel) {
    const auto t0 = std::chrono::steady_clock::now();
    const PairFileInfo& info = src.info();
    PairSpec spec = info.spec;
    AtomicFile out(outPath);
    auto renamed = [&](const Error& e) { return e.subject() == out.tempPath() ? Error(outPath, e.problem()) : e; };
    BuildReport report;
    try {
        PairFileWriter writer(out.tempPath(), spec);
        const size_t total = info.counts[0] + info.counts[1] + info.counts[2];
        const size_t block = size_t(std::max(1, poolThreads())) * 8;
        const size_t dim = size_t(spec.dim), inDim = size_t(info.inputDim);
        std::vector<float> in, lab;
        size_t done = 0;
        for (Split s : kSplits) {
            const auto sources = src.sources(s);
            const auto offsets = src.offsets(s);
            for (size_t first = 0; first < src.count(s); first += block) {
                cancel.throwIfCancelled();
                const size_t n = std::min(block, src.count(s) - first);
                in.resize(n * inDim);
                lab.resize(n * dim);
                // Items are independent: cut and degraded on the pool, written here in order.
                parallelFor(n, [&](size_t i) {
                    src.read(s, first + i, 1, in.data() + i * inDim, info.hasLabel ? lab.data() + i * dim : nullptr);
                });
                for (size_t i = 0; i < n; ++i)
                    writer.append(s, info.hasLabel ? lab.data() + i * dim : nullptr, in.data() + i * inDim,
                                  sources[first + i], offsets[first + i]);
                done += n;
                progress.progress(double(done), double(total), toString(s));
            }
            report.patches[size_t(s)] = src.count(s);
        }
        // The HDF5 file keeps the streamed index's source list (paths, hashes, splits) as its manifest.
        nlohmann::ordered_json m = nlohmann::ordered_json::parse(src.manifestJson());
        nlohmann::ordered_json manifest;
        manifest["sources"] = m.at("sources");
        manifest["patches"] = m.at("patches");
        manifest["converted_from"] = fs::absolute(src.path()).string();
        writer.finish(manifest.dump(1));
        out.commit();
    } catch (const Error& e) {
        throw renamed(e);
    }
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return report;
}

}  // namespace srlab
