// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Player.h"

#include <portaudio.h>

#include <algorithm>
#include <mutex>

namespace srlab {
namespace {

// Pa_Initialize/Pa_Terminate are process-wide and reference-counted by PortAudio; guard the
// calls so players on different threads do not race.
std::mutex& paLock() {
    static std::mutex mu;
    return mu;
}

constexpr double kLoopRampMs = 3.0;

}  // namespace

Player::Player() {
    for (auto& g : gains_) g.store(1.0f);
}

Player::~Player() {
    stopStream();
    std::lock_guard<std::mutex> lock(paLock());
    if (stream_) {
        Pa_CloseStream(stream_);
        Pa_Terminate();
    }
}

bool Player::open(std::string* error) {
    if (stream_) return true;
    std::lock_guard<std::mutex> lock(paLock());
    PaError err = Pa_Initialize();
    if (err != paNoError) {
        if (error) *error = std::string("audio system unavailable: ") + Pa_GetErrorText(err);
        return false;
    }
    const PaDeviceIndex dev = Pa_GetDefaultOutputDevice();
    if (dev == paNoDevice) {
        Pa_Terminate();
        if (error) *error = "no audio output device found; playback is off, everything else works";
        return false;
    }
    const PaDeviceInfo* info = Pa_GetDeviceInfo(dev);
    PaStreamParameters out{};
    out.device = dev;
    out.channelCount = 1;
    out.sampleFormat = paFloat32;
    out.suggestedLatency = info ? info->defaultLowOutputLatency : 0.05;
    err = Pa_OpenStream(&stream_, nullptr, &out, rate_, paFramesPerBufferUnspecified, paClipOff,
                        reinterpret_cast<PaStreamCallback*>(&Player::callback), this);
    if (err != paNoError) {
        stream_ = nullptr;
        Pa_Terminate();
        if (error) *error = std::string("cannot open the audio output: ") + Pa_GetErrorText(err);
        return false;
    }
    device_ = info ? info->name : "default";
    return true;
}

void Player::stopStream() {
    playing_.store(false);
    if (stream_ && streamRunning_) {
        Pa_StopStream(stream_);
        streamRunning_ = false;
    }
}

void Player::load(std::vector<std::vector<float>> versions, int rate) {
    std::vector<Samples> shared;
    for (auto& v : versions) shared.push_back(makeSamples(std::move(v)));
    load(std::move(shared), rate);
}

void Player::load(std::vector<Samples> versions, int rate) {
    stopStream();
    const bool rateChanged = rate != rate_;
    rate_ = rate;
    frames_ = 0;
    for (const auto& v : versions) frames_ = std::max(frames_, v ? v->size() : 0);
    for (auto& v : versions)
        if (!v) {  // a version not made yet plays as silence
            v = makeSamples(std::vector<float>(frames_, 0.0f));
        } else if (v->size() < frames_) {
            auto padded = v->copy(0, v->size());
            padded.resize(frames_, 0.0f);
            v = makeSamples(std::move(padded));
        }
    if (versions.size() > size_t(kMaxVersions)) versions.resize(kMaxVersions);
    versions_ = std::move(versions);
    feed_.setVersions(versions_);
    pos_ = 0;
    current_ = fadeFrom_ = 0;
    fading_ = false;
    target_.store(0);
    seekTo_.store(-1);
    loopStart_.store(0);
    loopEnd_.store(0);
    bufferFrame_.store(0);
    rendered_.store(0);
    underflows_.store(0);
    setFadeMs(10);
    if (rateChanged && stream_) {  // the stream's rate is fixed at open: reopen
        std::lock_guard<std::mutex> lock(paLock());
        Pa_CloseStream(stream_);
        stream_ = nullptr;
        Pa_Terminate();
    }
    if (rateChanged && !stream_) {
        std::string ignored;
        open(&ignored);
    }
}

void Player::play() {
    if (!stream_ || versions_.empty()) return;
    if (position() + 1 >= frames_) seek(loopEnd_.load() > loopStart_.load() ? loopStart_.load() : 0);
    playing_.store(true);
    if (!streamRunning_) {
        streamRunning_ = Pa_StartStream(stream_) == paNoError;
    }
}

void Player::pause() { playing_.store(false); }

void Player::seek(size_t frame) {
    frame = std::min(frame, frames_);
    seekTo_.store(static_cast<long long>(frame));
    feed_.seekTo(frame);
    bufferFrame_.store(frame);
    bufferDac_.store(0);
}

void Player::select(int version) {
    if (version >= 0 && version < versionCount()) target_.store(version);
}

void Player::setLoop(size_t start, size_t end) {
    if (end <= start) {
        loopEnd_.store(0);
        loopStart_.store(0);
        feed_.setLoop(0, 0);
        return;
    }
    loopStart_.store(std::min(start, frames_));
    loopEnd_.store(std::min(end, frames_));
    feed_.setLoop(loopStart_.load(), loopEnd_.load());
}

void Player::setGain(int version, float gain) {
    if (version >= 0 && version < kMaxVersions) gains_[version].store(gain);
}

size_t Player::position() const {
    const size_t f = bufferFrame_.load();
    const double dac = bufferDac_.load();
    if (!stream_ || !playing_.load() || dac <= 0) return f;
    const double now = Pa_GetStreamTime(stream_);
    const double ahead = (now - dac) * rate_;
    if (ahead <= 0) return f;
    return std::min(frames_, f + size_t(ahead));
}

int Player::callback(const void*, void* out, unsigned long n, const void* timeInfo, unsigned long flags, void* self) {
    const auto* t = static_cast<const PaStreamCallbackTimeInfo*>(timeInfo);
    return static_cast<Player*>(self)->render(static_cast<float*>(out), n, t ? t->outputBufferDacTime : 0.0, flags);
}

int Player::render(float* out, unsigned long n, double dacTime, unsigned long flags) {
    if (flags & paOutputUnderflow) underflows_.fetch_add(1, std::memory_order_relaxed);
    const long long seek = seekTo_.exchange(-1);
    if (seek >= 0) pos_ = size_t(seek);
    bufferFrame_.store(pos_);
    bufferDac_.store(dacTime);
    const size_t ls = loopStart_.load(), le = loopEnd_.load();
    const bool loop = le > ls;
    const int fadeLen = fadeFrames_.load();
    const size_t ramp = std::max<size_t>(1, size_t(kLoopRampMs * rate_ / 1000.0));
    const int count = int(versions_.size());
    uint64_t played = 0;
    for (unsigned long i = 0; i < n; ++i) {
        if (!playing_.load(std::memory_order_relaxed) || count == 0 || pos_ >= frames_) {
            out[i] = 0.0f;
            continue;
        }
        const int tgt = target_.load(std::memory_order_relaxed);
        if (tgt != current_ && !fading_) {
            fadeFrom_ = current_;
            current_ = tgt;
            fadePos_ = 0;
            fading_ = true;
        }
        float v = gains_[current_].load(std::memory_order_relaxed) * feed_.sample(current_, pos_);
        if (fading_) {
            const float a = float(fadePos_) / float(fadeLen);
            const float from = gains_[fadeFrom_].load(std::memory_order_relaxed) * feed_.sample(fadeFrom_, pos_);
            v = a * v + (1.0f - a) * from;
            if (++fadePos_ >= fadeLen) fading_ = false;
        }
        if (loop) {  // short ramps at the loop edges so the wrap does not click
            const size_t inLoop = pos_ >= ls ? pos_ - ls : ramp;
            const size_t toEnd = le > pos_ ? le - pos_ : 0;
            const size_t edge = std::min(inLoop, toEnd);
            if (edge < ramp) v *= float(edge) / float(ramp);
        }
        out[i] = v;
        ++played;
        ++pos_;
        if (loop && pos_ >= le) pos_ = ls;
        if (pos_ >= frames_) playing_.store(false, std::memory_order_relaxed);
    }
    feed_.setPosition(pos_);
    rendered_.fetch_add(played, std::memory_order_release);
    return paContinue;
}

}  // namespace srlab
