// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/PlaybackFeed.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace srlab {

struct PlaybackFeed::State {
    std::mutex m;
    std::condition_variable cv;
    bool quit = false;
    uint64_t generation = 0;                   // bumped by every change the feeder must see
    std::vector<Version> versions;             // the feeder's copy (shares the slots)
    std::atomic<size_t> position{0}, loopStart{0}, loopEnd{0};
    std::atomic<bool> ready{true};

    // The blocks to hold, nearest first: from the block before the position up to kAhead
    // blocks on, wrapping to a loop's start when the loop ends sooner.
    std::vector<size_t> wanted(size_t frames) const {
        std::vector<size_t> out;
        if (frames == 0) return out;
        const size_t last = (frames - 1) / kBlock;
        const size_t ls = loopStart.load(), le = loopEnd.load();
        const bool loop = le > ls;
        size_t b = position.load() / kBlock;
        if (b > 0) out.push_back(b - 1);
        const size_t end = loop && position.load() < le ? (le - 1) / kBlock : last;
        for (; b <= std::min(end, last) && out.size() < kAhead; ++b) out.push_back(b);
        for (b = ls / kBlock; loop && b <= (le - 1) / kBlock && out.size() < kAhead; ++b) out.push_back(b);
        return out;
    }

    static void run(const std::shared_ptr<State>& s) {
        std::vector<Version> versions;
        uint64_t seen = ~uint64_t(0);
        bool fileBacked = false;  // any version read from a file: else there is nothing to feed
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(s->m);
                // A 10 ms poll follows the callback's position while a version is on disk; a seek
                // or new versions wake it at once. With every version in memory it only waits.
                const auto woken = [&] { return s->quit || s->generation != seen; };
                if (fileBacked) s->cv.wait_for(lock, std::chrono::milliseconds(10), woken);
                else s->cv.wait(lock, woken);
                if (s->quit) return;
                if (s->generation != seen) {
                    seen = s->generation;
                    versions = s->versions;
                    fileBacked = false;
                    for (const auto& v : versions) fileBacked |= v.source && !v.direct;
                }
            }
            size_t frames = 0;
            for (const auto& v : versions)
                if (v.source) frames = std::max(frames, v.source->size());
            bool all = true;
            for (size_t b : s->wanted(frames)) {
                for (const auto& v : versions) {
                    if (v.direct || !v.source) continue;
                    const size_t slot = b % kSlots;
                    if (v.tags[slot].load(std::memory_order_relaxed) == (long long)b) continue;
                    const size_t from = b * kBlock;
                    if (from >= v.source->size()) continue;
                    const size_t n = std::min(kBlock, v.source->size() - from);
                    v.tags[slot].store(-1, std::memory_order_release);  // no reader takes a half-filled slot
                    try {
                        v.source->read(from, n, v.data.get() + slot * kBlock);
                    } catch (...) {
                        all = false;  // an unreadable block plays as silence
                        continue;
                    }
                    v.tags[slot].store((long long)b, std::memory_order_release);
                }
                std::lock_guard<std::mutex> lock(s->m);
                if (s->quit || s->generation != seen) {
                    all = false;
                    break;  // a seek or new versions: start over from the new position
                }
            }
            std::lock_guard<std::mutex> lock(s->m);
            if (s->generation == seen) s->ready.store(all);
        }
    }
};

PlaybackFeed::PlaybackFeed() : state_(std::make_shared<State>()) {
    std::thread([s = state_] { State::run(s); }).detach();
}

PlaybackFeed::~PlaybackFeed() {
    {
        std::lock_guard<std::mutex> lock(state_->m);
        state_->quit = true;
    }
    state_->cv.notify_all();
}

void PlaybackFeed::setVersions(const std::vector<Samples>& versions) {
    versions_.clear();
    for (const auto& s : versions) {
        Version v;
        v.source = s;
        if (s && s->path().empty()) {
            v.direct = s->data();
        } else if (s) {
            v.data = std::shared_ptr<float[]>(new float[kSlots * kBlock]());
            v.tags = std::shared_ptr<std::atomic<long long>[]>(new std::atomic<long long>[kSlots]);
            for (size_t i = 0; i < kSlots; ++i) v.tags[i].store(-1);
        }
        versions_.push_back(std::move(v));
    }
    misses_.store(0);
    {
        std::lock_guard<std::mutex> lock(state_->m);
        state_->ready.store(false);
        state_->position.store(0);
        state_->loopStart.store(0);
        state_->loopEnd.store(0);
        state_->versions = versions_;
        ++state_->generation;
    }
    state_->cv.notify_all();
}

void PlaybackFeed::seekTo(size_t frame) {
    {
        std::lock_guard<std::mutex> lock(state_->m);
        state_->ready.store(false);
        state_->position.store(frame);
        ++state_->generation;
    }
    state_->cv.notify_all();
}

void PlaybackFeed::setLoop(size_t start, size_t end) {
    state_->loopStart.store(start);
    state_->loopEnd.store(end);
    seekTo(state_->position.load());
}

void PlaybackFeed::setPosition(size_t frame) { state_->position.store(frame, std::memory_order_relaxed); }

bool PlaybackFeed::ready() const { return state_->ready.load(); }

}  // namespace srlab
