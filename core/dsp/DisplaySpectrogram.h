// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one producer of spectrograms for drawing: a signal's, or the difference of two, over
// the whole signal or any sample range, at about the number of columns the view has. Compare's
// overview panes, the zoomed detail and the patch browser all come from here. Pure functions:
// call them from any thread.
#include <cstddef>
#include <vector>

#include "audio/Samples.h"

namespace srlab {

// dB values (0 dB = a full-scale sine), frame-major, with their time and frequency scales.
struct DisplaySpectrogram {
    size_t frames = 0, bins = 0;
    double startSeconds = 0;  // centre of frame 0
    double secondsPerFrame = 0, hzPerBin = 0;
    std::vector<float> db;  // frame-major
    double endSeconds() const { return startSeconds + double(frames) * secondsPerFrame; }
};

// Samples [begin, end) of x. The window is given in milliseconds (so different rates look
// alike); the hop gives about `columns` frames (never below a quarter window). Frames near the
// ends of a range see the real samples beyond it, not padding. `threads` as parallelFor's.
// x holds n samples; only the frames' own samples are read (a mapped file's other pages stay
// on disk).
DisplaySpectrogram makeDisplaySpectrogram(const float* x, size_t n, size_t begin, size_t end, int rate,
                                          double windowMs, size_t columns, int threads = 0);
inline DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, size_t begin, size_t end, int rate,
                                                 double windowMs, size_t columns, int threads = 0) {
    return makeDisplaySpectrogram(x.data(), x.size(), begin, end, rate, windowMs, columns, threads);
}
inline DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, int rate, double windowMs,
                                                 size_t columns, int threads = 0) {
    return makeDisplaySpectrogram(x, 0, x.size(), rate, windowMs, columns, threads);
}

// The same of a SampleBuffer, reading only what the frames need through read(): a view of a
// three-hour version in a file reads 1600 windows of it, and nothing of it stays resident.
DisplaySpectrogram makeDisplaySpectrogram(const SampleBuffer& x, size_t begin, size_t end, int rate, double windowMs,
                                          size_t columns, int threads = 0);
DisplaySpectrogram makeDifferenceSpectrogram(const SampleBuffer& a, const SampleBuffer& b, size_t begin, size_t end,
                                             int rate, double windowMs, size_t columns, int threads = 0);

// The whole-signal overview (makeDisplaySpectrogram(x, 0, n, ...)) of a signal of n samples
// that arrives in pieces: each frame is transformed once its samples are in, and snapshot()
// shows the frames so far, the rest at the floor. Memory is a window's length. Once all n
// samples are pushed, snapshot() equals the whole-signal result exactly. One thread at a time.
class OverviewStream {
public:
    OverviewStream(size_t n, int rate, double windowMs, size_t columns);
    void push(const float* x, size_t m);
    DisplaySpectrogram snapshot() const;
    size_t framesDone() const { return done_; }
    bool complete() const { return seen_ >= n_; }

private:
    void transform(size_t upTo);  // frames whose windows lie in what has arrived
    size_t n_;
    int rate_, win_ = 0, nfft_ = 1, hop_ = 1;
    long pad_ = 0;
    size_t frames_ = 0, done_ = 0, seen_ = 0;
    std::vector<float> head_, recent_;  // the first nfft samples; the latest ones (a ring)
    std::vector<float> power_;          // frames x bins, transformed so far
};

// a minus b in dB, frame by frame, over the same range and frames (a and b at the same rate,
// n samples each).
DisplaySpectrogram makeDifferenceSpectrogram(const float* a, const float* b, size_t n, size_t begin, size_t end,
                                             int rate, double windowMs, size_t columns, int threads = 0);

}  // namespace srlab
