// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Mel filterbank as librosa.filters.mel with its defaults (Slaney mel scale, Slaney area
// normalisation), and helpers to map power spectrograms onto it.
#include <vector>

#include "dsp/Stft.h"

namespace srlab {

double hzToMel(double hz);   // Slaney: linear below 1 kHz, logarithmic above
double melToHz(double mel);

struct MelBank {
    int nMels = 0, bins = 0;
    std::vector<float> weights;  // nMels x bins
};

MelBank melFilterbank(int rate, int nfft, int nMels, double fmin = 0, double fmax = -1);

// Mel power spectrogram, frame-major (frames x nMels).
std::vector<float> applyMel(const MelBank& bank, const Spectrogram& spec);

}  // namespace srlab
