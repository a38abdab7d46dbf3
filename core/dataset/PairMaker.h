// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One signal through the chain of docs/reference.md §1: resample to the target rate, crop to a multiple
// of r, anti-alias + decimate, baseline back to the target rate. Pure, thread-safe.
#include <vector>

#include "dataset/PairSpec.h"
#include "dsp/Degradation.h"

namespace srlab {

// One patch with a chain of its own (a zoo with per=patch): its label and model input.
struct PatchPair {
    std::string degradation;
    int64_t offset = 0;        // in the file, target-rate samples
    std::vector<float> label, input;
};

struct Pair {
    std::string degradation;   // the chain's text form (dsp/Degradation.h) that made `low`
    std::vector<float> label;  // high-res ground truth (empty for real low-res input)
    std::vector<float> low;    // at rate / scale
    std::vector<float> input;  // what the model sees: the baseline at rate, or `low` for None
    std::vector<PatchPair> patches;  // per-patch chains: the patches themselves (the rest empty)
    size_t frames = 0;               // the high-res signal's length at the target rate
};

// mono at inRate -> high-res `rate`, cropped to a multiple of scale.
std::vector<float> toTargetRate(std::vector<float> mono, int inRate, int rate, int scale);

// From high-res audio (already at spec.rate, cropped): low and input; label = hi (with the
// chain's gain). `chainSeed` picks the file's chain when spec.degrade is a zoo.
Pair makePairFromHigh(std::vector<float> hi, const PairSpec& spec, uint64_t chainSeed = 0);

// Per-patch chains: patch k (at k * stride; a short file, zero-padded, is one patch) gets the
// zoo's draw for (spec.seed, chainSeed, k), applied to its stretch of `hi` with kPatchContext
// samples of the file either side, where filters and codecs settle; the patch is cut from the middle.
constexpr size_t kPatchContext = 2048;
std::vector<PatchPair> makePatchPairs(std::vector<float> hi, const PairSpec& spec, uint64_t chainSeed);

// The stretch [start, end) of a signal of n samples (n >= spec.dim) that a patch at `off` is
// made from: kPatchContext either side where the signal has it, on the low-res grid.
struct PatchWindow {
    size_t start = 0, end = 0;
};
PatchWindow patchWindow(size_t off, size_t n, const PairSpec& spec);
// The patch at `off` from its window (samples [w.start, w.end) of the high-res signal) through
// `chain`: the label and the model input, each cut from the middle of the window.
PatchPair patchFromWindow(std::vector<float> window, const PatchWindow& w, size_t off, const PairSpec& spec,
                          const Degradation& chain);
// The zoo seed of patch k of a source whose chain seed is `chainSeed` (makePatchPairs' draw).
uint64_t patchChainSeed(const PairSpec& spec, uint64_t chainSeed, size_t k);

// From a file's samples at any rate, honouring spec.lowResInput.
Pair makePair(const std::vector<float>& mono, int inRate, const PairSpec& spec, uint64_t chainSeed = 0);

// The chain a file gets: spec.filter, or the zoo's draw for (spec.seed, chainSeed).
Degradation chainFor(const PairSpec& spec, uint64_t chainSeed);

}  // namespace srlab
