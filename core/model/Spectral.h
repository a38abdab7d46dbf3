// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// STFT helpers shared by the spectral networks and the multi-resolution STFT loss. Same
// signature on libtorch 1.13 and 2.x.
#include <torch/torch.h>

namespace srlab {

// (B, 1, T) or (B, T) -> complex (B, F, N), Hann window, centred (reflect padding).
torch::Tensor stftOf(const torch::Tensor& x, int nfft, int hop);
// complex (B, F, N) -> (B, 1, length)
torch::Tensor istftOf(const torch::Tensor& X, int nfft, int hop, int64_t length);
// First bin above the low-res Nyquist: bins below it keep the input's phase.
int64_t lowBandBins(int nfft, int scale);

}  // namespace srlab
