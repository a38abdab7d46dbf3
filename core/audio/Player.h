// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A/B player over PortAudio: N versions of one signal, preloaded at one rate and length; the
// audio callback reads the same frame of each and crossfades linearly (equal gain: the
// versions are correlated) when the audible version changes. Loop regions get short ramps at
// their edges. The callback never allocates, locks, logs or does I/O: it reads the
// preloaded buffers and atomics only.
//
// Threads: every public method is for one control thread (the GUI thread); position() and
// isPlaying() may be called from any thread. The callback runs on PortAudio's thread.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/PlaybackFeed.h"
#include "audio/Samples.h"

namespace srlab {

class Player {
public:
    static constexpr int kMaxVersions = 16;

    Player();
    ~Player();
    Player(const Player&) = delete;
    Player& operator=(const Player&) = delete;

    // Opens the default output device. False (with a message) when there is none: the rest
    // of the application keeps working.
    bool open(std::string* error);
    bool isOpen() const { return stream_ != nullptr; }
    std::string deviceName() const { return device_; }

    // Stops playback and replaces the versions (equal lengths; shorter ones are zero-padded).
    void load(std::vector<Samples> versions, int rate);
    void load(std::vector<std::vector<float>> versions, int rate);
    size_t frames() const { return frames_; }
    int rate() const { return rate_; }
    int versionCount() const { return int(versions_.size()); }

    void play();
    void pause();
    void seek(size_t frame);
    void select(int version);                  // crossfades within fadeMs
    int selected() const { return target_.load(); }
    void setLoop(size_t start, size_t end);    // end <= start clears the loop
    void setGain(int version, float gain);     // e.g. loudness matching
    void setFadeMs(double ms) { fadeFrames_.store(std::max(1, int(ms * rate_ / 1000.0))); }

    bool isPlaying() const { return playing_.load(); }
    // Frames the callback has rendered from the versions since load() (any thread): lets a
    // caller wait for the stream's progress instead of for wall-clock time.
    uint64_t framesRendered() const { return rendered_.load(); }
    // Callbacks that PortAudio flagged as an output underflow (the callback was late and the
    // device played a gap) since load(), any thread. Such a gap is audible, and not the player's
    // crossfade; tests of the output account for it.
    uint32_t underflows() const { return underflows_.load(); }
    // Versions in files are fed to the callback through a cache (audio/PlaybackFeed.h): samples
    // it found missing since load() (any thread), and whether the blocks from the position on
    // are in place.
    uint64_t feedMisses() const { return feed_.misses(); }
    bool feedReady() const { return feed_.ready(); }
    // Frame currently heard, from the stream's DAC time (latency-correct).
    size_t position() const;

private:
    static int callback(const void*, void* out, unsigned long n, const void* timeInfo, unsigned long flags,
                        void* self);
    int render(float* out, unsigned long n, double dacTime, unsigned long flags);
    void stopStream();

    void* stream_ = nullptr;
    std::string device_;
    std::vector<Samples> versions_;  // written only while the stream is stopped
    PlaybackFeed feed_;  // versions_' samples, for the callback
    size_t frames_ = 0;
    int rate_ = 48000;
    bool streamRunning_ = false;

    std::atomic<bool> playing_{false};
    std::atomic<int> target_{0};
    std::atomic<long long> seekTo_{-1};
    std::atomic<size_t> loopStart_{0}, loopEnd_{0};
    std::atomic<float> gains_[kMaxVersions];
    std::atomic<int> fadeFrames_{480};
    // Callback -> control thread: where the last buffer started and when it reaches the DAC.
    std::atomic<size_t> bufferFrame_{0};
    std::atomic<double> bufferDac_{0};
    std::atomic<uint64_t> rendered_{0};
    std::atomic<uint32_t> underflows_{0};
    // Callback-only state.
    size_t pos_ = 0;
    int current_ = 0, fadeFrom_ = 0, fadePos_ = 0;
    bool fading_ = false;
};

}  // namespace srlab
