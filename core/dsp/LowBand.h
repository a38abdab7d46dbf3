// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Low-band consistency (docs/reference.md §4.1): a model's output keeps the input's own band
// below the input's content edge and takes only the band above it from the network, as AudioSR
// and NVSR do after inference. The input's band is its band-limited (sinc) interpolation; the two
// meet in a crossfade of width w below the edge fc, made by one linear-phase low-pass h
// (Kaiser-windowed sinc, 60 dB, half-gain at fc - w/2):
//     out = y + h * (x - y)  =  h * x + (1 - h) * y
// so the two bands sum to exactly one wherever input and model agree. Pure and streamable:
// memory is a few FFT blocks (and what one stream runs ahead of the other), whatever the
// signal's length. Any thread; one thread per mixer.
#include <cstddef>
#include <memory>
#include <vector>

#include "audio/AudioStream.h"

namespace srlab {

struct LowBandEdge {
    double edgeHz = 0;   // fc: above it the model alone
    double widthHz = 0;  // w: below fc - w the input alone
    bool detected = false;  // fc is the input's detected band edge (else the nominal one)
};

// The edge of a low-res signal at lowRate: its detected band edge (dsp/Bandwidth.h) where it has
// one, else the nominal 0.95 x its Nyquist, where band-limited interpolation still passes it
// whole. The crossfade is 5 % of fc (at least 20 Hz).
LowBandEdge detectLowBandEdge(const float* low, size_t m, double lowRate);
LowBandEdge lowBandEdgeAt(double edgeHz, double lowRate);  // a known edge, clamped to the nominal

// The crossover low-pass at `rate` (odd length, symmetric, DC gain 1).
std::vector<float> lowBandTaps(double rate, const LowBandEdge& e);

// out = y + h * (x - y) of two streams of equal length given in pieces of any size and pace:
// x the input's interpolation, y the model's estimate. The filter runs by FFT (overlap-save,
// blocks on a fixed grid from sample 0, so the output does not depend on the pieces' sizes):
// about 10x fewer operations than the direct sum at the crossover's ~600 taps. Output comes a
// block at a time, once both streams reach half a filter past the block's end; the signal is
// zero outside [0, n). Memory is a few blocks, whatever the signal's length.
class LowBandMixer {
public:
    explicit LowBandMixer(std::vector<float> taps);
    ~LowBandMixer();
    LowBandMixer(const LowBandMixer&) = delete;
    LowBandMixer& operator=(const LowBandMixer&) = delete;
    void pushInput(const float* x, size_t n, const SampleSink& out);
    void pushModel(const float* y, size_t n, const SampleSink& out);
    // Both streams are complete (their lengths must match: the shorter decides).
    void finish(const SampleSink& out);

private:
    // Samples read from the front: the consumed part is dropped in one move once it is the larger,
    // so each sample moves O(1) times whatever the pieces' sizes (an erase per piece was quadratic).
    struct Queue {
        std::vector<float> v;
        size_t head = 0;
        size_t size() const { return v.size() - head; }
        const float* data() const { return v.data() + head; }
        void push(const float* p, size_t n) { v.insert(v.end(), p, p + n); }
        void pop(size_t n);
        void clear() { v.clear(), head = 0; }
    };
    void pair(const SampleSink& out);
    void block(size_t count, const SampleSink& out);  // the next `count` (<= hop) output samples
    size_t len_, half_;           // taps, taps / 2 (the taps are odd: lowBandTaps)
    size_t fftSize_, hop_;        // hop_ = fftSize_ - len_ + 1 outputs per block
    Queue xq_, yq_;               // samples of one stream the other has not reached
    Queue d_;                     // x - y from index dBase_ (starts with `half_` zeros before 0)
    Queue y_;                     // the model's samples from index outNext_ on
    size_t paired_ = 0;           // samples of both streams seen
    size_t outNext_ = 0;
    long long dBase_;             // index of d_'s front
    struct Fft;                   // FFTW's buffers and the filter's spectrum (fftw3.h stays in the .cpp)
    std::unique_ptr<Fft> fft_;
};

// The whole-signal form: `estimate` (n samples at lowRate x scale) keeps the band of `low`
// below `e` (edge 0 = detect it from `low`).
std::vector<float> keepLowBand(const std::vector<float>& low, int scale, double lowRate,
                               const std::vector<float>& estimate, LowBandEdge e = {});

}  // namespace srlab
