// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/CompareMetrics.h"

#include <algorithm>
#include <cmath>

#include "util/Error.h"

namespace srlab {
namespace {
constexpr size_t kMetricBlock = size_t(1) << 20;
}  // namespace

ReferencePeaks truthPeaks(const Comparison& c, const CancelToken& cancel) {
    const SampleBuffer& y = *c.versions.at(0).audio;
    ReferencePass pass(c.rate);
    std::vector<float> block(std::min(kMetricBlock, y.size()));
    for (size_t at = 0; at < y.size(); at += kMetricBlock) {
        cancel.throwIfCancelled();
        const size_t n = std::min(kMetricBlock, y.size() - at);
        y.read(at, n, block.data());
        pass.push(block.data(), n);
    }
    return pass.finish(y.size());
}

bool compareScoresVisqol(const Comparison& c) { return double(c.frames) <= kCompareVisqolSeconds * c.rate; }

void addMetrics(Comparison& c, const CancelToken& cancel) {
    if (!c.hasTruth) return;
    bool any = false;
    for (size_t i = 1; i < c.versions.size(); ++i) any = any || !c.versions[i].hasMetrics;
    if (any) addMetrics(c, truthPeaks(c, cancel), cancel);
}

void addMetrics(Comparison& c, const ReferencePeaks& peaks, const CancelToken& cancel) {
    if (!c.hasTruth) return;
    std::vector<size_t> todo;
    for (size_t i = 1; i < c.versions.size(); ++i)
        if (!c.versions[i].hasMetrics) todo.push_back(i);
    if (todo.empty()) return;
    const SampleBuffer& y = *c.versions[0].audio;
    for (size_t i : todo)
        if (c.versions[i].audio->size() != y.size())
            throw Error("metrics", "reference has " + std::to_string(y.size()) + " samples, estimate " +
                                       std::to_string(c.versions[i].audio->size()));
    // Added up a block at a time (metrics/MetricStream.h): the numbers of a whole-signal
    // measure, without a spectrogram of the whole file per version (2x its samples each).
    MetricStream metrics(y.size(), c.rate, c.scale, todo.size(), peaks, compareScoresVisqol(c));
    std::vector<float> ref(std::min(kMetricBlock, y.size())), est(ref.size());
    for (size_t at = 0; at < y.size(); at += kMetricBlock) {
        cancel.throwIfCancelled();
        const size_t len = std::min(kMetricBlock, y.size() - at);
        y.read(at, len, ref.data());
        metrics.pushReference(ref.data(), len);
        for (size_t j = 0; j < todo.size(); ++j) {
            c.versions[todo[j]].audio->read(at, len, est.data());
            metrics.pushEstimate(j, est.data(), len);
        }
    }
    const auto sets = metrics.finish();
    for (size_t j = 0; j < todo.size(); ++j) {
        c.versions[todo[j]].metrics = sets[j];
        c.versions[todo[j]].hasMetrics = true;
    }
    cancel.throwIfCancelled();
}

VersionTap::VersionTap(const Comparison& c, const ReferencePeaks& peaks)
    : c_(c), metrics_(c.frames, c.rate, c.scale, 1, peaks, compareScoresVisqol(c)) {}

VersionTap::~VersionTap() = default;

void VersionTap::push(const float* x, size_t n) {
    n = std::min(n, c_.frames - std::min(at_, c_.frames));
    if (n == 0) return;
    // The truth's same stretch, then the version's: MetricStream scores what both cover.
    if (ref_.size() < n) ref_.resize(n);
    c_.versions[0].audio->read(at_, n, ref_.data());
    metrics_.pushReference(ref_.data(), n);
    metrics_.pushEstimate(0, x, n);
    for (size_t i = 0; i < n; ++i) sumSquares_ += double(x[i]) * x[i];
    at_ += n;
}

MetricSet VersionTap::finish() { return metrics_.finish().at(0); }

double VersionTap::rms() const { return at_ ? std::sqrt(sumSquares_ / double(at_)) : 0.0; }

}  // namespace srlab
