// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// STOI (Taal et al. 2011) and ESTOI (Jensen & Taal 2016), docs/reference.md §2, computed as
// PyPI's pystoi computes them (tested against it): both signals resampled to 10 kHz (pystoi's
// Kaiser-windowed polyphase filter), frames of 256 with hop 128 (Hann) whose reference energy
// is more than 40 dB under the reference's loudest are dropped and the rest overlap-added, a
// 512-point STFT of that, 15 one-third-octave bands from 150 Hz, and segments of 30 frames.
// Streamed: a signal pair is fed in order in pieces of any size; memory is a few segments,
// whatever the length. The silence threshold needs the reference's loudest frame first
// (StoiTop, a first pass). Defined for speech; SRLab computes it for every signal.
//
// Threads: one thread per object.
#include <cstddef>
#include <deque>
#include <vector>

namespace srlab {

// The polyphase resampler to 10 kHz of pystoi's resample_oct (scipy.signal.resample_poly with
// its Kaiser window), as a stream.
class StoiResampler {
public:
    explicit StoiResampler(int rate);
    // The 10 kHz samples that the input so far settles, appended to `out`.
    void push(const float* x, size_t n, std::vector<float>& out);
    void finish(std::vector<float>& out);  // the rest (the input is zero past its end)

private:
    void produce(size_t upTo, std::vector<float>& out);
    long long up_, down_, half_, taps_;
    std::vector<float> phases_;   // the filter x up, centred at half_, as up_ phases of taps_ (see the constructor)
    std::vector<float> x_;       // input from base_ on
    size_t base_ = 0, next_ = 0;
};

// The reference's loudest 256-sample frame at 10 kHz, in dB (pystoi's silence threshold + 40).
class StoiTop {
public:
    explicit StoiTop(int rate);
    void push(const float* y, size_t n);
    double finish();

private:
    void frames();
    StoiResampler rs_;
    std::vector<float> x_;  // 10 kHz samples from base_ on
    size_t base_ = 0, nextFrame_ = 0;
    double top_ = -1e300;
};

struct StoiResult {
    double stoi = 0, estoi = 0;
};

class StoiSums {
public:
    // topDb: StoiTop's result for this reference.
    StoiSums(int rate, double topDb);
    void add(const float* y, const float* yh, size_t n);
    StoiResult result() const;  // once the whole signal pair was added

private:
    void frames();
    void keep(const std::vector<double>& x, const std::vector<double>& y);  // a frame above the threshold (windowed)
    void column();  // the second STFT's frame the kept frames have settled, and its segment
    StoiResult totals() const;
    StoiResampler rx_, ry_;
    std::vector<float> x_, y_;  // 10 kHz samples from base_ on
    size_t base_ = 0, nextFrame_ = 0;
    double threshold_;
    std::deque<std::vector<double>> keptX_, keptY_;  // the last three kept (windowed) frames
    size_t kept_ = 0;
    std::deque<std::vector<double>> colX_, colY_;  // the last 30 band columns
    size_t columns_ = 0;
    double stoiSum_ = 0, estoiSum_ = 0;
    size_t segments_ = 0;
};

}  // namespace srlab
