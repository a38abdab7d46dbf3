// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/Spectral.h"

namespace srlab {

torch::Tensor stftOf(const torch::Tensor& x, int nfft, int hop, int win) {
    if (win <= 0) win = nfft;
    auto flat = x.dim() == 3 ? x.squeeze(1) : x;
    auto window = torch::hann_window(win, flat.options());
    return torch::stft(flat, nfft, hop, win, window, /*center=*/true, "reflect", /*normalized=*/false,
                       /*onesided=*/true, /*return_complex=*/true);
}

torch::Tensor istftOf(const torch::Tensor& X, int nfft, int hop, int64_t length, int win) {
    if (win <= 0) win = nfft;
    auto window = torch::hann_window(win, torch::TensorOptions().dtype(torch::kFloat).device(X.device()));
    return torch::istft(X, nfft, hop, win, window, /*center=*/true, /*normalized=*/false,
                        /*onesided=*/true, length, /*return_complex=*/false)
        .unsqueeze(1);
}

int64_t lowBandBins(int nfft, int scale) { return nfft / 2 / scale; }

}  // namespace srlab
