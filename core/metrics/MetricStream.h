// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Every metric of docs/reference.md §2 over signals that arrive as streams: a reference and any
// number of estimates of it, each fed in order at its own pace. Samples are scored as soon as
// the reference and an estimate both have them; STFT frames as soon as every signal covers them
// (the centred STFT's reflected edges included), so memory is the lag between the streams, not
// the length. The numbers equal MetricReference::measure on the whole signals: both add up
// through MetricSums in the same order. The signal's length must be known up front, and for
// the log-mel PSNR and STOI the reference's peaks (ReferencePass, a first pass over the reference).
//
// Threads: one thread at a time; a block of frames is scored on the shared pool, estimates
// side by side.
#include <cstddef>
#include <memory>
#include <vector>

#include "metrics/Metrics.h"

namespace srlab {

// The reference's peaks (its log-mel peak and loudest STOI frame), from its stream (whose length
// is known at its end).
class ReferencePass {
public:
    explicit ReferencePass(int rate);
    ~ReferencePass();
    void push(const float* y, size_t n);
    ReferencePeaks finish(size_t length);  // length: the samples pushed

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

class MetricStream {
public:
    // visqol: as MetricSums' (ViSQOL too, or NaN).
    MetricStream(size_t length, int rate, int scale, size_t estimates, const ReferencePeaks& peaks, bool visqol = true);
    ~MetricStream();
    MetricStream(const MetricStream&) = delete;
    MetricStream& operator=(const MetricStream&) = delete;

    void pushReference(const float* y, size_t n);
    void pushEstimate(size_t k, const float* yh, size_t n);
    // Once every stream holds `length` samples: one MetricSet per estimate. Throws Error when a
    // stream is short.
    std::vector<MetricSet> finish();

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

}  // namespace srlab
