// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/RunFollower.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace srlab {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void RunFollower::setRunsFolder(const std::string& dir) {
    {
        std::lock_guard lock(m_);
        runsFolder_ = dir;
    }
    wake();
}

void RunFollower::add(const std::string& runDir) {
    {
        std::lock_guard lock(m_);
        added_.insert(runDir);
    }
    wake();
}

void RunFollower::setCurves(const std::vector<std::string>& runDirs) {
    {
        std::lock_guard lock(m_);
        curves_ = std::set<std::string>(runDirs.begin(), runDirs.end());
    }
    wake();
}

std::shared_ptr<RunModel> RunFollower::ensure(const std::string& runDir) {
    std::shared_ptr<RunModel> m;
    {
        std::lock_guard lock(m_);
        added_.insert(runDir);
        for (const auto& e : models_)
            if (e->dir() == runDir) m = e;
        if (!m) {
            m = std::make_shared<RunModel>(runDir);
            models_.insert(std::upper_bound(models_.begin(), models_.end(), m,
                                            [](const auto& a, const auto& b) { return a->dir() < b->dir(); }),
                           m);
        }
    }
    wake();
    return m;
}

std::shared_ptr<RunModel> RunFollower::model(const std::string& runDir) const {
    std::lock_guard lock(m_);
    for (const auto& m : models_)
        if (m->dir() == runDir) return m;
    return nullptr;
}

std::vector<std::shared_ptr<RunModel>> RunFollower::runs() const {
    std::vector<std::shared_ptr<RunModel>> all;
    {
        std::lock_guard lock(m_);
        all = models_;
    }
    std::vector<std::shared_ptr<RunModel>> out;
    for (auto& m : all)
        if (m->isRun()) out.push_back(std::move(m));
    return out;
}

void RunFollower::wake() {
    {
        std::lock_guard lock(m_);
        wake_ = true;
    }
    woken_.notify_all();
}

void RunFollower::pass(const std::function<void(Changes)>& report, const CancelToken* cancel) {
    // The folders to follow: the runs folder's entries (a directory listing, not a read of any
    // run) and the ones added.
    std::string folder;
    std::set<std::string> dirs, curves;
    {
        std::lock_guard lock(m_);
        folder = runsFolder_;
        dirs = added_;
        curves = curves_;
    }
    std::error_code ec;
    if (!folder.empty())
        for (const auto& e : fs::directory_iterator(folder, ec))
            if (e.is_directory(ec)) dirs.insert(e.path().string());
    for (const auto& c : curves) dirs.insert(c);
    std::vector<std::shared_ptr<RunModel>> models;
    {
        std::lock_guard lock(m_);
        std::vector<std::shared_ptr<RunModel>> next;
        for (const auto& d : dirs) {
            auto it = std::find_if(models_.begin(), models_.end(), [&](const auto& m) { return m->dir() == d; });
            next.push_back(it != models_.end() ? *it : std::make_shared<RunModel>(d));
        }
        models_ = next;
        models = std::move(next);
    }
    // The runs being drawn first (a user waits on them), then the others.
    std::stable_partition(models.begin(), models.end(), [&](const auto& m) { return curves.count(m->dir()) > 0; });
    Changes changes;
    auto flush = [&] {
        std::set<std::string> shown;
        for (const auto& m : models)
            if (m->isRun()) shown.insert(m->dir());
        changes.listChanged = changes.listChanged || shown != shownRuns_;
        shownRuns_ = std::move(shown);
        if (!changes.empty()) report(std::move(changes));
        changes = Changes{};
    };
    auto last = Clock::now();
    for (const auto& m : models) {
        if (cancel && cancel->cancelled()) return;
        m->poll(curves.count(m->dir()) ? RunModel::Depth::Curves : RunModel::Depth::Summary);
        // Revisions, not poll()'s answer: rows fed by an in-process trainer count too.
        const uint64_t rev = m->revision();
        auto it = reported_.find(m->dir());
        if (it == reported_.end() || it->second != rev) {
            reported_[m->dir()] = rev;
            if (m->isRun()) changes.changed.push_back(m->dir());
        }
        if (Clock::now() - last > std::chrono::milliseconds(100)) {
            flush();
            last = Clock::now();
        }
    }
    for (auto it = reported_.begin(); it != reported_.end();)
        it = dirs.count(it->first) ? std::next(it) : reported_.erase(it);
    flush();
}

void RunFollower::run(const CancelToken& cancel, const std::function<void(Changes)>& report, std::chrono::milliseconds interval) {
    while (!cancel.cancelled()) {
        pass(report, &cancel);
        std::unique_lock lock(m_);
        // Cancellation is a flag (CancelToken), not a notification: wait in short slices.
        const auto until = Clock::now() + interval;
        while (!wake_ && !cancel.cancelled() && Clock::now() < until)
            woken_.wait_for(lock, std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
        wake_ = false;
    }
}

}  // namespace srlab
