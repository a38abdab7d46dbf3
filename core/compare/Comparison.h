// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What Compare & Listen shows for one file: its versions (ground truth, low-res, baselines and
// later model outputs), all at the target rate and length so they can be played A/B and drawn
// on one time axis, each with metrics against the ground truth when there is one. Designed for
// N versions. Pure core: the GUI runs makeComparison on a worker thread.
#include <string>
#include <vector>

#include "dsp/Decimate.h"
#include "infer/Evaluator.h"
#include "metrics/Metrics.h"
#include "util/CancelToken.h"

namespace srlab {

struct Version {
    std::string name;         // "ground truth", "low-res", "spline", ...
    std::vector<float> audio; // at Comparison::rate, Comparison::frames long
    double bandLimitHz = 0;   // content limit to mark (low-res Nyquist), 0 for none
    bool hasMetrics = false;
    MetricSet metrics;
};

struct Comparison {
    std::string path;
    int rate = 0, scale = 1;
    size_t frames = 0;
    bool hasTruth = false;        // false when the file was already low-res
    std::vector<Version> versions;
    int truthIndex() const { return hasTruth ? 0 : -1; }
};

struct CompareSettings {
    int rate = 44100;
    int scale = 4;
    DecimFilter filter = DecimFilter::Cheby;
    std::vector<std::string> baselines{"spline", "linear", "sinc"};
    // Trained models (or any method) shown as "super-res: NAME" after the baselines.
    std::vector<Method> models;
};

// Reads `path`. A file at (or above) the target rate gives ground truth + low-res + baselines;
// a file at or below rate/scale is treated as real low-res: baselines only, no metrics.
Comparison makeComparison(const std::string& path, const CompareSettings& s, const CancelToken& cancel);

// A spectrogram for drawing: dB values, time and frequency scales.
struct DisplaySpectrogram {
    size_t frames = 0, bins = 0;
    double secondsPerFrame = 0, hzPerBin = 0;
    std::vector<float> db;  // frame-major
};

// Window length in milliseconds (so different rates look alike); the hop is chosen so there
// are about `columns` frames (never below a quarter window).
DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, int rate, double windowMs, size_t columns,
                                          int threads = 0);

}  // namespace srlab
