// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Files -> metric table. Each high-res file is brought to the target rate, decimated like the
// dataset builder, and every method reconstructs it from the low-res signal; the table holds
// one row per (file, method) plus per-method means. Methods are plain functions, so baselines
// and trained models sit in the same table.
#include <functional>
#include <string>
#include <vector>

#include "dsp/Decimate.h"
#include "metrics/Metrics.h"
#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab {

// A way to make the high-res estimate: a baseline or a trained model. Called on any thread;
// `run` must be safe to call from several threads at once.
struct Method {
    std::string name;
    // low-res signal (rate / scale) -> estimate with exactly n samples at rate. Long methods
    // check `cancel` between pieces of work and throw Cancelled.
    std::function<std::vector<float>(const std::vector<float>& low, size_t n, const CancelToken& cancel)> run;
};

struct EvalRow {
    std::string file, method;
    MetricSet m;
};

struct EvalTable {
    int rate = 0, scale = 0;
    std::string filter;
    std::vector<EvalRow> rows;                           // file-major, methods in given order
    std::vector<std::pair<std::string, std::string>> skipped;  // file, reason
    std::vector<EvalRow> means() const;                  // one per method, file = "mean"
    std::string toCsv() const;
    std::string toJson() const;
    std::string toText() const;                          // aligned table + metric definitions
};

Method baselineMethod(const std::string& name, int scale);  // spline, linear, sinc

EvalTable evaluateFiles(const std::vector<std::string>& files, int rate, int scale, DecimFilter filter,
                        const std::vector<Method>& methods, int threads, ProgressSink& progress,
                        const CancelToken& cancel);

}  // namespace srlab
