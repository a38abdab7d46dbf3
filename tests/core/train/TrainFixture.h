// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A tiny dataset and training run for the tests that need a trained checkpoint (core_ml_tests).
#include <string>
#include <vector>

#include "runs/TrainConfig.h"
#include "support/TestSupport.h"

namespace srlab::test {

// Harmonic tones with a moving pitch: their high band is predictable from the low band.
std::vector<float> harmonics(double f0, int rate, size_t n);
// tones.h5 (8 tones of 1.5 s at 16 kHz, x4), or a streamed dataset (`name` ending in .json)
// with `degrade` drawn per item.
std::string makeDataset(const TempDir& d, const std::string& name = "tones.h5", const std::string& degrade = "");
// audiounet/tiny, 3 epochs of 5 steps, one thread, seed 7, with dropout (an RNG a resume restores).
TrainConfig smallRun(const std::string& dataset);
// One epoch of smallRun on makeDataset(d), trained in d/run: its best checkpoint's folder.
std::string trainTinyCheckpoint(const TempDir& d);

}  // namespace srlab::test
