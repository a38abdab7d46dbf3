// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Baselines that bring a low-rate signal back to the high rate (docs/reference.md §1.4). The low-rate
// sample j sits at high-rate position j*r; outputs have exactly n samples.
#include <memory>
#include <string>
#include <vector>

#include "audio/AudioStream.h"
#include "audio/Resampler.h"

namespace srlab {

enum class Baseline { Spline, Linear, Sinc, None };
Baseline parseBaseline(const std::string& name);  // throws Error on unknown names
std::string toString(Baseline b);

// Cubic spline with not-a-knot ends through (j*r, low[j]), evaluated at 0..n-1; equal to
// scipy splrep(k=3, s=0) + splev, including extrapolation past the last knot with the final
// piece. Fewer than 4 points fall back to the polynomial through them.
std::vector<float> splineUpsample(const std::vector<float>& low, int r, size_t n);

// splineUpsample of a stream of low-rate samples given in pieces: each stretch of knots is
// solved with kSplineMargin knots of context either side, where the influence of the far
// ends has decayed by 0.27^64 (below float precision), so the output equals the whole-signal
// spline. Memory is one stretch, whatever the stream's length. One thread at a time.
class SplineStream {
public:
    static constexpr size_t kMargin = 64, kStretch = 16384;  // knots
    explicit SplineStream(int r) : r_(r) {}
    void push(const float* low, size_t m, const SampleSink& sink);
    // The rest, up to n output samples in all (n >= what was already emitted; it is at least
    // (knots - kMargin) * r when n is about knots * r).
    void finish(size_t n, const SampleSink& sink);
    size_t emitted() const { return emitted_; }

private:
    void flush(const SampleSink& sink);  // the stretches whose margin has arrived
    int r_;
    std::vector<float> knots_;  // knots from base_ on
    size_t base_ = 0, done_ = 0, emitted_ = 0;  // done_: knots whose stretch is out
};

// Any baseline of a stream: the output equals upsample(low, r, n, b) of the whole signal.
class BaselineStream {
public:
    BaselineStream(Baseline b, int r);
    ~BaselineStream();
    void push(const float* low, size_t m, const SampleSink& sink);
    void finish(size_t n, const SampleSink& sink);

private:
    Baseline b_;
    int r_;
    SplineStream spline_;
    std::unique_ptr<StreamResampler> sinc_;
    float last_ = 0;            // linear: the newest knot
    size_t knots_ = 0, emitted_ = 0;
};

// Piecewise linear; positions past the last knot hold its value (numpy.interp).
std::vector<float> linearUpsample(const std::vector<float>& low, int r, size_t n);

// Band-limited interpolation (libsoxr, linear phase).
std::vector<float> sincUpsample(const std::vector<float>& low, int r, size_t n);

// Dispatch; Baseline::None is rejected (there is nothing to interpolate with).
std::vector<float> upsample(const std::vector<float>& low, int r, size_t n, Baseline b);

}  // namespace srlab
