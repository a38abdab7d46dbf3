// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Compare's metrics (docs/reference.md §2) against the ground truth, streamed: read through the
// page cache a block at a time, so nothing of a cached version stays in memory, or added up
// while a version is being made (VersionTap), so an hour-long model version is not read back
// again to be scored.
#include <memory>

#include "compare/Comparison.h"
#include "metrics/MetricStream.h"
#include "util/CancelToken.h"

namespace srlab {

// The truth's peaks (its log-mel peak and loudest STOI frame): one pass over it.
ReferencePeaks truthPeaks(const Comparison& c, const CancelToken& cancel);

// Compare scores ViSQOL (metrics/VisqolSums.h) for recordings up to 2 minutes: it costs about
// 0.1 s per second of audio per version on one core, and on a long file it would hold back
// every other metric by minutes. `srlab eval` scores it at any length.
constexpr double kCompareVisqolSeconds = 120;
bool compareScoresVisqol(const Comparison& c);

// Fills the metrics of every version that has none, against the ground truth; versions side
// by side in one pass. Nothing to do without truth.
void addMetrics(Comparison& c, const ReferencePeaks& peaks, const CancelToken& cancel);
void addMetrics(Comparison& c, const CancelToken& cancel);  // the peaks computed here

// One version's metrics and RMS, added up as its samples are made: each piece pushed is scored
// against the truth's same stretch (read from the truth's buffer). The numbers equal
// addMetrics' and rmsOf's for the finished version. One thread at a time.
class VersionTap {
public:
    VersionTap(const Comparison& c, const ReferencePeaks& peaks);  // c must have truth
    ~VersionTap();
    void push(const float* x, size_t n);
    bool complete() const { return at_ == c_.frames; }  // all c.frames samples were pushed
    MetricSet finish();  // once complete()
    double rms() const;

private:
    const Comparison& c_;
    MetricStream metrics_;
    std::vector<float> ref_;
    size_t at_ = 0;
    double sumSquares_ = 0;
};

}  // namespace srlab
