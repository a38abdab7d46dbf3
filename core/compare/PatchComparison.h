// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One dataset patch as Compare's data: the label as ground truth (when the dataset has
// labels) and the input brought to the label's rate with the dataset's baseline, with their
// overview spectrograms and where the patch came from. Read on a worker (one HDF5 read), drawn
// by the patch browser.
#include <string>
#include <vector>

#include "compare/Comparison.h"
#include "dataset/PairSpec.h"
#include "dsp/DisplaySpectrogram.h"

namespace srlab {

struct PatchComparison {
    Split split = Split::Train;
    size_t index = 0;
    Comparison comparison;                       // versions: label (if any), input
    std::vector<DisplaySpectrogram> overviews;   // one per version
    std::string source;                          // the audio file the patch was cut from, "" if unknown
    double offsetSeconds = 0;                    // where in it
    std::string degradation;                     // how its low-res side was made (dsp/Degradation.h)
};

// Throws Error naming the file for a dataset that cannot be read or an index out of range.
PatchComparison loadPatch(const std::string& dataset, Split split, size_t index);

}  // namespace srlab
