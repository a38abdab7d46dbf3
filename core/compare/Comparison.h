// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What Compare & Listen shows for one file: its versions (ground truth, low-res, baselines and
// later model outputs), all at the target rate and length so they can be played A/B and drawn
// on one time axis, each with metrics against the ground truth when there is one. Designed for
// N versions. Plain data: CompareSession (CompareSession.h) makes it in stages.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "audio/Samples.h"
#include "dsp/Degradation.h"
#include "metrics/Metrics.h"

namespace srlab {

struct Version {
    Version() = default;
    explicit Version(std::string name, Samples audio = nullptr, double bandLimitHz = 0, std::string source = {})
        : name(std::move(name)), audio(std::move(audio)), bandLimitHz(bandLimitHz), source(std::move(source)) {}

    std::string name;         // "ground truth", "low-res", "spline", ...
    Samples audio;            // at Comparison::rate, Comparison::frames long
    double bandLimitHz = 0;   // content limit to mark (low-res Nyquist), 0 for none
    bool hasMetrics = false;
    MetricSet metrics;
    double rms = 0;           // for loudness matching
    std::string source;       // what made it, for exports: a model's checkpoint; empty otherwise
};

double rmsOf(const std::vector<float>& x);

struct Comparison {
    std::string path;
    int rate = 0, scale = 1;
    size_t frames = 0;
    bool hasTruth = false;        // false when the file was already low-res
    // The truth's content edge (docs/reference.md §5) when it is band-limited below its
    // Nyquist (an MP3 in a 44.1 kHz file), else 0.
    double contentCutoffHz = 0;
    Samples low;                  // the real low-rate signal, what models take
    std::vector<Version> versions;
    int truthIndex() const { return hasTruth ? 0 : -1; }
};

struct CompareSettings {
    // The ground truth's rate: 0 (the default) keeps the file's own rate, so the truth is
    // never made up by upsampling nor cut by a model's rate; a rate asks for a resample to it.
    int rate = 0;
    int scale = 4;
    // The rate and scale of the model picked, if any: with rate 0 and the model's scale, a file
    // at exactly modelRate / scale is that model's low-res input, so the comparison is at
    // modelRate with no ground truth (an 11025 Hz song for a 44.1 kHz x4 model). Every other
    // file keeps its own rate.
    int modelRate = 0, modelScale = 0;
    // How the low-res version is made from the truth: the published filter, or any degradation
    // (a filter family, a resampler, a codec: docs/reference.md §6), to hear what a model does
    // to MP3-damaged or differently filtered input.
    Degradation filter = Degradation::fixed(DecimFilter::Cheby);
    std::vector<std::string> baselines{"spline", "linear", "sinc"};
};

// The ground truth's rate for a file at `fileRate` under `s` (see CompareSettings::modelRate).
int targetRate(const CompareSettings& s, int fileRate);

}  // namespace srlab
