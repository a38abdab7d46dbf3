// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Files -> metric table. Each high-res file is brought to the target rate, made low-res by a
// Degradation (the dataset builder's fixed filter, or any case of a robustness matrix,
// docs/reference.md §6), and every method reconstructs it from the low-res signal; the table holds
// one row per (file, method) plus per-method means. Methods are plain functions, so baselines
// and trained models sit in the same table.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audio/AudioStream.h"
#include "dsp/Degradation.h"
#include "metrics/Metrics.h"
#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab {

// A method run as a stream: the low-res signal in pieces, the estimate out in order, as soon as
// it is final. Its output equals the method's run() on the whole signal. One thread at a time.
class MethodStream {
public:
    virtual ~MethodStream() = default;
    virtual void push(const float* low, size_t m, const SampleSink& out) = 0;
    // The rest: the estimate then has n samples in all (n is about m x scale).
    virtual void finish(size_t n, const SampleSink& out) = 0;
};

// A way to make the high-res estimate: a baseline or a trained model. Called on any thread;
// `run` must be safe to call from several threads at once.
struct Method {
    std::string name;
    // low-res signal (rate / scale) -> estimate with exactly n samples at rate. Long methods
    // check `cancel` between pieces of work and throw Cancelled.
    std::function<std::vector<float>(const std::vector<float>& low, size_t n, const CancelToken& cancel)> run;
    // The same method as a stream (every baseline and model has one): with it, files stream
    // through evaluation and memory does not grow with their length.
    std::function<std::unique_ptr<MethodStream>(const CancelToken& cancel)> stream;
    // Set instead of run/stream for a method that is not a function of the low-res signal:
    // another system's output for each file (eval/ExternalOutput.h), given the truth file, the
    // target rate, the scale and the truth's length there. Its stream ignores the low-res samples' values.
    std::function<std::unique_ptr<MethodStream>(const std::string& file, int rate, int scale, size_t n,
                                                 const CancelToken& cancel)>
        forFile;
};

// The method's stream for one file (forFile where set).
std::unique_ptr<MethodStream> methodStreamFor(const Method& m, const std::string& file, int rate, int scale, size_t n,
                                              const CancelToken& cancel);

struct EvalRow {
    std::string file, method;
    MetricSet m;
};

struct EvalTable {
    int rate = 0, scale = 0;
    std::string filter;                                  // the Degradation's text form
    double codecKbps = 0;                                // its codec's mean bit rate over the files
    std::vector<EvalRow> rows;                           // file-major, methods in given order
    std::vector<std::pair<std::string, std::string>> skipped;  // file, reason
    std::vector<EvalRow> means() const;                  // one per method, file = "mean"
    std::string toCsv() const;
    std::string toJson() const;
    std::string toText() const;                          // aligned table + metric definitions
};

Method baselineMethod(const std::string& name, int scale);  // spline, linear, sinc

// How files go through evaluation: streamed where the degradation and every method allow it
// (the default; the same numbers, memory independent of length), or each file whole.
enum class EvalMode { Auto, Whole };

// visqol: score ViSQOL too (metrics/VisqolSums.h; it costs more than every other metric
// together), else its column is NaN.
EvalTable evaluateFiles(const std::vector<std::string>& files, int rate, int scale, const Degradation& how,
                        const std::vector<Method>& methods, int threads, ProgressSink& progress,
                        const CancelToken& cancel, EvalMode mode = EvalMode::Auto, bool visqol = true);

// A robustness matrix: every method scored on every case (each file read once).
struct EvalMatrix {
    std::vector<EvalTable> cases;  // in the order asked
    // Per case, each method's mean SNR and LSD, then each method's mean over the cases.
    std::string toText() const;
    std::string toJson() const;    // every case's table, and the summary
    std::string toCsv() const;     // case,method,<every metric> (means per case)
};
EvalMatrix evaluateMatrix(const std::vector<std::string>& files, int rate, int scale,
                          const std::vector<Degradation>& cases, const std::vector<Method>& methods, int threads,
                          ProgressSink& progress, const CancelToken& cancel, EvalMode mode = EvalMode::Auto,
                          bool visqol = true);
// DEFAULT, or a file with one Degradation text form per line (# comments). Throws Error.
std::vector<Degradation> loadDegradationMatrix(const std::string& defaultOrPath);

}  // namespace srlab
