// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Short-time Fourier transform on FFTW3 (single precision). Plans are created once per size
// under a lock (FFTW's planner is not thread-safe) and executed lock-free from any thread.
#include <cstddef>
#include <vector>

namespace srlab {

struct StftParams {
    int nfft = 2048;
    int hop = 512;
    int win = 0;          // window length (<= nfft, zero-padded); 0 means nfft
    bool center = true;   // pad nfft/2 each side, reflect (torch.stft / old librosa); zeros if too short
};

struct Spectrogram {
    size_t frames = 0, bins = 0;  // bins = nfft/2 + 1
    std::vector<float> power;     // |X|^2, frame-major: power[f * bins + k]
    float at(size_t f, size_t k) const { return power[f * bins + k]; }
};

// Periodic Hann window of length n (scipy get_window('hann'), torch.hann_window).
std::vector<float> hannWindow(int n);

// Power spectrogram; splits frames over `threads` (0 = all cores).
Spectrogram powerSpectrogram(const float* x, size_t n, const StftParams& p, int threads = 1);

// Plain real FFT magnitude-squared of one frame (length nfft, already windowed).
void powerSpectrum(const float* frame, int nfft, float* outBins);

}  // namespace srlab
