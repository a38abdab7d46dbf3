// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/CurveSeries.h"

#include <algorithm>
#include <cmath>

namespace srlab {

double quantityOf(const TrainRow& r, Quantity q) {
    const bool val = r.hasVal();
    switch (q) {
        case Quantity::TrainLoss: return val ? NAN : r.trainLoss;
        case Quantity::Lr: return val ? NAN : r.lr;
        case Quantity::GradNorm: return val ? NAN : r.gradNorm;
        case Quantity::SamplesPerS: return val ? NAN : r.samplesPerS;
        case Quantity::DataWaitMs: return val ? NAN : r.dataWaitMs;
        case Quantity::MemMiB: return val ? NAN : r.memMiB;
        case Quantity::ValLoss: return r.valLoss;
        case Quantity::ValSnr: return r.valSnr;
        case Quantity::ValLsd: return r.valLsd;
        case Quantity::Count: break;
    }
    return NAN;
}

void CurveBucket::add(const TrainRow& r) {
    step = double(r.step);
    epoch = r.epoch;
    wallS = r.wallS;
    ++rows;
    for (int i = 0; i < kQuantities; ++i) {
        const double v = quantityOf(r, Quantity(i));
        if (!std::isfinite(v)) continue;
        Stat& s = q[size_t(i)];
        s.min = s.n ? std::min(s.min, v) : v;
        s.max = s.n ? std::max(s.max, v) : v;
        s.sum += v;
        ++s.n;
    }
}

void CurveBucket::merge(const CurveBucket& later) {
    step = later.step;
    epoch = later.epoch;
    wallS = later.wallS;
    rows += later.rows;
    for (size_t i = 0; i < q.size(); ++i) {
        const Stat& o = later.q[i];
        if (!o.n) continue;
        Stat& s = q[i];
        s.min = s.n ? std::min(s.min, o.min) : o.min;
        s.max = s.n ? std::max(s.max, o.max) : o.max;
        s.sum += o.sum;
        s.n += o.n;
    }
}

void CurveSeries::append(const TrainRow& r) {
    if (buckets_.empty() || buckets_.back().rows >= perBucket_) {
        if (buckets_.size() == 2 * kMaxBuckets) {  // halve: pairs of neighbours become one
            for (size_t i = 0; i < kMaxBuckets; ++i) {
                CurveBucket b = buckets_[2 * i];
                b.merge(buckets_[2 * i + 1]);
                buckets_[i] = b;
            }
            buckets_.resize(kMaxBuckets);
            perBucket_ *= 2;
        }
        if (buckets_.empty() || buckets_.back().rows >= perBucket_) buckets_.emplace_back();
    }
    buckets_.back().add(r);
    ++rows_;
}

RunCurves RunCurves::fromRows(const std::vector<TrainRow>& rows) {
    RunCurves c;
    for (const auto& r : rows) c.append(r);
    return c;
}

}  // namespace srlab
