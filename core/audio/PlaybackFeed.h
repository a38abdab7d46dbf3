// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What lets the audio callback play versions that live in files: a feeder thread copies the
// blocks around the play position (and a loop's start) from each file-backed SampleBuffer into a
// small cache of fixed slots, and the callback reads a sample only from a slot whose tag says it
// holds that block. The callback never touches a mapped page, so it never waits on the disk; a
// block not there yet (just after a seek) plays as silence and is counted.
//
// Threads: the control thread calls setVersions() (only while the callback is stopped), seekTo()
// and setLoop(); the callback calls sample() and setPosition(); the feeder thread is the feed's
// own. The feeder holds the shared state itself, so the owner never waits for it to end.
#include <atomic>
#include <memory>
#include <vector>

#include "audio/Samples.h"

namespace srlab {

class PlaybackFeed {
public:
    static constexpr size_t kBlock = 4096;  // frames per slot
    static constexpr size_t kSlots = 128;   // per version: about 12 s at 44.1 kHz
    static constexpr size_t kAhead = 48;    // blocks kept ready after the play position

    PlaybackFeed();
    ~PlaybackFeed();  // tells the feeder to stop; does not wait for it
    PlaybackFeed(const PlaybackFeed&) = delete;
    PlaybackFeed& operator=(const PlaybackFeed&) = delete;

    // The versions to feed (file-backed ones get slots; in-memory ones are read directly).
    void setVersions(const std::vector<Samples>& versions);
    void seekTo(size_t frame);                 // control thread: refill from here now
    void setLoop(size_t start, size_t end);    // control thread; end <= start: none

    // Callback: sample `frame` of version v, or 0 when its block is not in the cache yet.
    float sample(int v, size_t frame) const {
        const Version& x = versions_[size_t(v)];
        if (x.direct) return x.direct[frame];
        const size_t b = frame / kBlock, slot = b % kSlots;
        if (x.tags[slot].load(std::memory_order_acquire) != (long long)b) {
            misses_.fetch_add(1, std::memory_order_relaxed);
            return 0.0f;
        }
        return x.data[slot * kBlock + frame % kBlock];
    }
    void setPosition(size_t frame);
    // Samples the callback found missing since setVersions() (any thread).
    uint64_t misses() const { return misses_.load(); }
    // True once every version's blocks from the position onwards are in place (any thread): lets
    // a caller wait for the feed instead of for wall-clock time.
    bool ready() const;

private:
    struct Version {
        const float* direct = nullptr;            // in memory
        std::shared_ptr<float[]> data;            // kSlots * kBlock
        std::shared_ptr<std::atomic<long long>[]> tags;
        Samples source;
    };
    struct State;
    std::vector<Version> versions_;  // read by the callback; replaced only while it is stopped
    std::shared_ptr<State> state_;
    mutable std::atomic<uint64_t> misses_{0};
};

}  // namespace srlab
