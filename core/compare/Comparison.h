// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What Compare & Listen shows for one file: its versions (ground truth, low-res, baselines and
// later model outputs), all at the target rate and length so they can be played A/B and drawn
// on one time axis, each with metrics against the ground truth when there is one. Designed for
// N versions. Pure core: the GUI runs these steps on worker threads, drawing what is ready.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audio/Samples.h"
#include "dsp/Decimate.h"
#include "infer/Evaluator.h"
#include "metrics/Metrics.h"
#include "util/CancelToken.h"

namespace srlab {

struct Version {
    std::string name;         // "ground truth", "low-res", "spline", ...
    Samples audio;            // at Comparison::rate, Comparison::frames long
    double bandLimitHz = 0;   // content limit to mark (low-res Nyquist), 0 for none
    bool hasMetrics = false;
    MetricSet metrics;
    double rms = 0;           // for loudness matching
};

double rmsOf(const std::vector<float>& x);

struct Comparison {
    std::string path;
    int rate = 0, scale = 1;
    size_t frames = 0;
    bool hasTruth = false;        // false when the file was already low-res
    std::vector<float> low;       // the real low-rate signal, what models take
    std::vector<Version> versions;
    int truthIndex() const { return hasTruth ? 0 : -1; }
};

struct CompareSettings {
    int rate = 44100;
    int scale = 4;
    DecimFilter filter = DecimFilter::Cheby;
    std::vector<std::string> baselines{"spline", "linear", "sinc"};
};

// Called on a worker thread as soon as version `index` has its audio (versions finish in any
// order, on different threads): lets the caller draw it while the others are computed.
using VersionReady = std::function<void(size_t index, const Version& v)>;

// Reads `path` and makes its versions in parallel, without metrics. A file at (or above) the
// target rate gives ground truth + low-res + baselines; a file at or below rate/scale is
// treated as real low-res: baselines only.
Comparison makeVersions(const std::string& path, const CompareSettings& s, const CancelToken& cancel,
                        const VersionReady& ready = {});

// The output of a trained model (or any method) on c.low, named "super-res: NAME".
Version methodVersion(const Comparison& c, const Method& m);

// Fills the metrics of every version that has none, against the ground truth (the truth's
// spectrogram is computed once); versions run in parallel. Nothing to do without truth.
void addMetrics(Comparison& c, const CancelToken& cancel);

// A spectrogram for drawing: dB values, time and frequency scales.
struct DisplaySpectrogram {
    size_t frames = 0, bins = 0;
    double startSeconds = 0;  // centre of frame 0
    double secondsPerFrame = 0, hzPerBin = 0;
    std::vector<float> db;  // frame-major
    double endSeconds() const { return startSeconds + double(frames) * secondsPerFrame; }
};

// Window length in milliseconds (so different rates look alike); the hop is chosen so there
// are about `columns` frames (never below a quarter window).
DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, int rate, double windowMs, size_t columns,
                                          int threads = 0);
// The same over samples [begin, end) only: what a zoomed view needs, one frame per pixel.
DisplaySpectrogram makeDisplaySpectrogram(const std::vector<float>& x, size_t begin, size_t end, int rate,
                                          double windowMs, size_t columns, int threads = 0);

}  // namespace srlab
