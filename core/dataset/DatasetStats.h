// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What `srlab dataset inspect` and the Datasets page show: counts, durations, a finiteness
// check of every patch, and per-band energy statistics (5-number summaries) of input and label.
#include <array>
#include <set>
#include <string>
#include <vector>

#include "dataset/PatchDataset.h"
#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab {

struct FiveNumber {
    double min = 0, q1 = 0, median = 0, q3 = 0, max = 0;
};
FiveNumber fiveNumber(std::vector<double> values);  // empty input gives zeros

struct BandStats {
    double loHz = 0, hiHz = 0;
    FiveNumber inputDb, labelDb;  // mean power per patch in the band, dB
};

struct SplitStats {
    size_t patches = 0, sources = 0;
    double hours = 0;          // of audio: the split's sources' length (patches overlap; not counted)
    size_t nonFinite = 0;      // patches holding NaN or Inf
    std::vector<BandStats> bands;
    std::vector<double> meanSpectrumInputDb, meanSpectrumLabelDb;  // per rfft bin of `specBins`
    std::vector<double> histogram;  // amplitude histogram of the label (input if unlabelled), [-1, 1]
};

struct DatasetStats {
    std::array<SplitStats, 3> splits;
    // What was done to the sources to make them the dataset's audio: how many were averaged to
    // mono, and how many resampled (from which rates), so no conversion goes unsaid.
    size_t downmixed = 0, resampled = 0;
    std::set<int> resampledFrom;
    bool hoursFromPatches = false;  // the manifest could not be read: hours are the patches' span
    std::vector<double> bandEdgesHz;
    int specBins = 0;          // size of the mean spectra (nfft / 2 + 1)
};

// Band edges: octaves down from Nyquist, plus the low-res Nyquist. Statistics use at most
// `maxPatches` evenly spaced patches per split; the finite check reads every patch.
// The default number of patches sampled per split for statistics (srlab dataset inspect and the
// workbench's Summary show the same numbers).
constexpr size_t kInspectPatches = 2000;

// What `srlab dataset inspect` prints and the Datasets page's Summary shows: parameters, counts
// per split, per-band power of input and label per split, and finiteness.
std::string describeDataset(const PatchDataset& reader, const DatasetStats& stats, size_t maxPatches);

DatasetStats computeDatasetStats(const PatchDataset& reader, size_t maxPatches, ProgressSink& progress,
                                 const CancelToken& cancel);

}  // namespace srlab
