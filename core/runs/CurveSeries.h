// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A run's history reduced for drawing: rows go into buckets of equal row count, and each bucket
// keeps, per quantity, the min, max and mean of the finite values and the x positions (step,
// epoch, wall time) of its last row. When the buckets reach twice kMaxBuckets, neighbours are
// merged and a bucket holds twice the rows. Appending is amortised O(1), memory and a copy cost
// the same at 1k and 1M rows, and at a plot's width (below kMaxBuckets pixels) the min/max
// envelope is exactly what a per-pixel min/max over the raw rows draws. Up to kMaxBuckets rows
// a bucket is one row: short runs are drawn from their raw values.
//
// Threads: none of its own; RunModel guards it.
#include <array>
#include <cstdint>
#include <vector>

#include "runs/MetricsCsv.h"

namespace srlab {

// What the curves can show. Training rows carry the first six, validation rows the last three.
enum class Quantity { TrainLoss, Lr, GradNorm, SamplesPerS, DataWaitMs, MemMiB, ValLoss, ValSnr, ValLsd, Count };
constexpr int kQuantities = int(Quantity::Count);
double quantityOf(const TrainRow& r, Quantity q);  // NaN when the row does not carry it

struct CurveBucket {
    double step = 0, epoch = 0, wallS = 0;  // of the bucket's last row
    int64_t rows = 0;
    struct Stat {
        double min = 0, max = 0, sum = 0;
        int64_t n = 0;  // finite values
        double mean() const { return n ? sum / double(n) : 0; }
    };
    std::array<Stat, kQuantities> q{};
    void add(const TrainRow& r);
    void merge(const CurveBucket& later);
};

class CurveSeries {
public:
    static constexpr size_t kMaxBuckets = 1024;
    void append(const TrainRow& r);
    void clear() { *this = CurveSeries(); }
    const std::vector<CurveBucket>& buckets() const { return buckets_; }
    int64_t rowsPerBucket() const { return perBucket_; }
    int64_t rows() const { return rows_; }

private:
    std::vector<CurveBucket> buckets_;
    int64_t perBucket_ = 1, rows_ = 0;
};

// What a view draws of a run: training rows and validation rows, each reduced.
struct RunCurves {
    CurveSeries train, val;
    int64_t lastStep = -1;  // of the newest row
    void append(const TrainRow& r) {
        (r.hasVal() ? val : train).append(r);
        lastStep = r.step;
    }
    static RunCurves fromRows(const std::vector<TrainRow>& rows);
};

}  // namespace srlab
