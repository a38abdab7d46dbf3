// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ViSQOL's patch similarity (NSIM, Hines & Harte's neurogram similarity: SSIM's intensity and
// structure terms over a 3x3 Gaussian window, edges replicated) and its search for the
// degraded patch that best matches each reference patch: dynamic programming over patch
// offsets within +-60 patches, so matches keep their order (Google visqol
// comparison_patches_selector.cc, as visqol-python ports it).
//
// Memory: the search keeps one backtrace row of (2 x 60 + 1) patches' worth of offsets per
// reference patch (int32), two score rows and per-window statistics; not a table over the
// whole degraded spectrogram as visqol-python does.
#include <cstddef>
#include <vector>

#include "metrics/Gammatone.h"

namespace srlab {

struct PatchMatch {
    double similarity = 0;         // mean over bands of bandMeans
    std::vector<double> bandMeans;  // mean NSIM of each band over the patch's frames
    double refStart = 0, refEnd = 0, degStart = 0, degEnd = 0;  // seconds; deg 0..0 = lost
    bool lost() const { return degStart == degEnd && degStart == 0.0; }
};

// NSIM of two patches of `bands` rows and `cols` columns, row-major (row = band).
PatchMatch patchSimilarity(const double* ref, const double* deg, int bands, size_t cols);

// visqol-python's find_most_optimal_deg_patches: for the reference patches starting at the
// columns `starts` (ascending) of `ref`, the best path of degraded patches within
// `searchPatches` patches either way. Drops trailing patches the degraded spectrogram cannot
// reach; throws when none is left.
std::vector<PatchMatch> matchPatches(const GammatoneSpectrogram& ref, const std::vector<size_t>& starts,
                                     const GammatoneSpectrogram& deg, size_t patchCols, double frameSeconds,
                                     int searchPatches);

}  // namespace srlab
