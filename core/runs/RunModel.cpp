// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/RunModel.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace srlab {
namespace fs = std::filesystem;

RunModel::RunModel(std::string runDir) : dir_(std::move(runDir)) {}

RunModel::Stamp RunModel::stampOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return {int64_t(st.st_size), int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, int64_t(st.st_ino)};
}

// Reads `file` again with `read` when its stat changed, and hands the result to `store` under
// the model's lock: the one pattern of every small file of the folder (each is replaced by a
// rename, so a new version is a new inode).
template <typename Read, typename Store>
bool RunModel::reread(Stamp& stamp, const std::string& file, Read read, Store store) {
    const Stamp s = stampOf(file);
    if (s == stamp) return false;
    stamp = s;
    auto value = read();
    std::lock_guard lock(m_);
    store(std::move(value));
    return true;
}

// The checkpoints folder changes in place, and a file system's times move in ticks: a save's
// second rename in the tick of a listing just read leaves the folder's stat as it was, and the
// list would look current for ever (a run's last checkpoint missing once it ends). As git does
// with a racily clean index, the folder is listed again at every poll for two seconds after a
// change was seen, by this machine's own clock (a mounted folder's server may keep another);
// it counts as a change only when the list differs.
bool RunModel::pollCheckpoints() {
    const Stamp s = stampOf(dir_ + "/checkpoints");
    const auto now = std::chrono::steady_clock::now();
    if (s == checkpointsStamp_ && now >= checkpointsRecheckUntil_) return false;
    if (!(s == checkpointsStamp_)) {
        checkpointsStamp_ = s;
        checkpointsRecheckUntil_ = now + std::chrono::seconds(2);
    }
    // Each checkpoint's model.json is read again only when it changed (best and last are
    // replaced as the run goes; epoch-N never change).
    decltype(checkpointCache_) cache;
    bool same = true;
    for (const auto& ck : listCheckpoints(dir_)) {
        const Stamp ms = stampOf(ck + "/model.json");
        auto it = std::find_if(checkpointCache_.begin(), checkpointCache_.end(), [&](const auto& e) { return e.first == ck; });
        if (it != checkpointCache_.end() && it->second.first == ms) {
            cache.push_back(*it);
            continue;
        }
        same = false;
        CheckpointEntry e{ck, {}, true};
        try {
            e.meta = readCheckpointMeta(ck);
        } catch (const std::exception&) {
            e.readable = false;
        }
        cache.push_back({ck, {ms, e}});
    }
    if (same && cache.size() == checkpointCache_.size()) return false;
    checkpointCache_ = std::move(cache);
    std::vector<CheckpointEntry> list;
    for (const auto& e : checkpointCache_) list.push_back(e.second.second);
    std::lock_guard lock(m_);
    checkpoints_ = std::move(list);
    return true;
}

bool RunModel::poll(Depth depth) {
    const auto path = [&](const char* name) { return dir_ + "/" + name; };
    bool changed = reread(
        configStamp_, path("config.json"),
        [&] {
            std::pair<std::optional<TrainConfig>, std::vector<BaselineReference>> c;
            try {
                c.first = readRunConfig(dir_);
                c.second = readRunBaselines(dir_);
            } catch (const std::exception&) {  // not a run (yet): config.json is written last
            }
            return c;
        },
        [&](auto c) {
            config_ = std::move(c.first);
            baselines_ = std::move(c.second);
        });
    if (!isRun()) {
        if (changed) {
            std::lock_guard lock(m_);
            ++revision_;
        }
        return changed;
    }
    changed |= reread(statusStamp_, path("status.json"), [&] { return readRunStatus(dir_); },
                      [&](RunStatus st) { status_ = std::move(st); });
    changed |= reread(noteStamp_, path("note.txt"), [&] { return readRunNote(dir_); }, [&](std::string n) { note_ = std::move(n); });
    changed |= reread(summaryStamp_, path("summary.json"), [&] { return readRunSummary(dir_); },
                      [&](std::optional<RunSummary> sum) {
                          haveFileSummary_ = sum.has_value();
                          if (sum) fileSummary_ = *sum;
                      });
    changed |= pollCheckpoints();
    bool haveFile;
    {
        std::lock_guard lock(m_);
        haveFile = haveFileSummary_;
    }
    const bool keepCurves = depth == Depth::Curves;
    if (keepCurves || !haveFile) changed |= tail(keepCurves);
    std::lock_guard lock(m_);
    // The summary shown: the rows' own when they are being read, else summary.json's; the
    // device and the planned total come from summary.json either way.
    RunSummary s = keepCurves || !haveFileSummary_ ? tailSummary_ : fileSummary_;
    if (haveFileSummary_) {
        s.device = fileSummary_.device;
        s.totalSteps = fileSummary_.totalSteps;
    }
    if (!s.sameNumbers(summary_) || s.device != summary_.device || s.totalSteps != summary_.totalSteps) {
        summary_ = s;
        changed = true;
    }
    if (changed) ++revision_;
    return changed;
}

void RunModel::resetHistory() {
    curvesRead_ = false;
    offset_ = 0;
    lastLine_.clear();
    std::lock_guard lock(m_);
    tailSummary_ = RunSummary{};
    curves_ = RunCurves{};
    lastKey_ = -1;
}

// Under m_.
void RunModel::take(const TrainRow& r, bool keepCurves) {
    if (r.orderKey() <= lastKey_) return;  // fed already
    lastKey_ = r.orderKey();
    tailSummary_.add(r);
    if (keepCurves) curves_.append(r);
}

bool RunModel::tail(bool keepCurves) {
    const std::string path = dir_ + "/metrics.csv";
    const Stamp s = stampOf(path);
    bool reset = false;
    if (keepCurves != curvesKept_) {  // curves from the start of the history, or none kept
        std::lock_guard lock(m_);
        curvesKept_ = keepCurves;
        curvesRead_ = false;
        reset = reset || keepCurves;
        if (!keepCurves) curves_ = RunCurves{};
    }
    // Replaced (another inode) or cut below what was read: read again from the start.
    if (s.inode != metricsStamp_.inode || s.size < offset_) reset = true;
    std::ifstream in(path, std::ios::binary);
    if (!reset && offset_ > 0 && !lastLine_.empty()) {
        // Rewritten in place to at least the same length: the line read last must still end
        // where it did.
        std::string check(lastLine_.size() + 1, '\0');
        in.seekg(offset_ - int64_t(check.size()));
        if (!in.read(check.data(), std::streamsize(check.size())) || check != lastLine_ + "\n") reset = true;
        in.clear();
    }
    if (reset) {
        resetHistory();
        std::lock_guard lock(m_);
        ++revision_;
    }
    metricsStamp_ = s;
    if (s.size < 0 || s.size == offset_) return reset;
    in.seekg(offset_);
    // Whole lines only, in blocks: memory is a block whatever the file's length.
    constexpr size_t kBlock = 1 << 20;
    std::string buf, carry;
    std::vector<TrainRow> rows;
    bool any = reset;
    while (true) {
        buf.resize(kBlock);
        in.read(buf.data(), std::streamsize(kBlock));
        buf.resize(size_t(in.gcount()));
        if (buf.empty()) break;
        carry += buf;
        size_t start = 0, nl;
        rows.clear();
        while ((nl = carry.find('\n', start)) != std::string::npos) {
            const std::string_view line(carry.data() + start, nl - start);
            TrainRow r;
            if (!(offset_ == 0 && start == 0 && line.rfind("step,", 0) == 0) && parseMetricsRow(line, &r)) rows.push_back(r);
            lastLine_.assign(line);
            offset_ += int64_t(nl - start + 1);
            start = nl + 1;
        }
        carry.erase(0, start);
        if (!rows.empty()) {
            std::lock_guard lock(m_);
            for (const auto& r : rows) take(r, keepCurves);
            any = true;
        }
    }
    offsetSeen_ = offset_;
    if (keepCurves) curvesRead_ = true;
    return any;
}

void RunModel::feed(const TrainRow& r) {
    std::lock_guard lock(m_);
    // Only a row that follows what the model holds: one that would leave a gap (the tail has
    // not caught up yet) is left for the tail.
    const int64_t lastStep = lastKey_ / 2;
    const bool follows = lastKey_ >= 0 && (r.hasVal() ? r.step == lastStep && lastKey_ % 2 == 0 : r.step == lastStep + 1);
    if (!follows) return;
    take(r, curvesKept_);
    RunSummary s = tailSummary_;
    s.device = summary_.device;
    s.totalSteps = summary_.totalSteps;
    summary_ = s;
    ++revision_;
}

bool RunModel::isRun() const {
    std::lock_guard lock(m_);
    return config_.has_value();
}
std::optional<TrainConfig> RunModel::config() const {
    std::lock_guard lock(m_);
    return config_;
}
RunStatus RunModel::status() const {
    std::lock_guard lock(m_);
    return status_;
}
RunSummary RunModel::summary() const {
    std::lock_guard lock(m_);
    return summary_;
}
std::string RunModel::note() const {
    std::lock_guard lock(m_);
    return note_;
}
std::vector<CheckpointEntry> RunModel::checkpoints() const {
    std::lock_guard lock(m_);
    return checkpoints_;
}
std::vector<BaselineReference> RunModel::baselines() const {
    std::lock_guard lock(m_);
    return baselines_;
}
RunCurves RunModel::curves() const {
    std::lock_guard lock(m_);
    return curves_;
}
uint64_t RunModel::revision() const {
    std::lock_guard lock(m_);
    return revision_;
}
int64_t RunModel::metricsOffset() const { return offsetSeen_; }
bool RunModel::curvesRead() const { return curvesRead_; }

}  // namespace srlab
