// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// STFT helpers shared by the spectral networks and the multi-resolution STFT loss. Same
// signature on libtorch 1.13 and 2.x.
#include <torch/torch.h>

namespace srlab {

// (B, 1, T) or (B, T) -> complex (B, F, N), Hann window of `win` samples (0: nfft) centred in
// each nfft-point frame, frames centred (reflect padding).
torch::Tensor stftOf(const torch::Tensor& x, int nfft, int hop, int win = 0);
// complex (B, F, N) -> (B, 1, length); the same window as stftOf.
torch::Tensor istftOf(const torch::Tensor& X, int nfft, int hop, int64_t length, int win = 0);
// First bin above the low-res Nyquist: bins below it keep the input's phase.
int64_t lowBandBins(int nfft, int scale);

}  // namespace srlab
