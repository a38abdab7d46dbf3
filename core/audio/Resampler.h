// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Band-limited sample-rate conversion through libsoxr (the resampler librosa, FFmpeg and SoX
// use: linear-phase polyphase windowed sinc). Stateless and thread-safe.
#include <string>
#include <vector>

namespace srlab {

enum class ResampleQuality { High, VeryHigh };

// Output length is round(x.size() * outRate / inRate); input time 0 maps to output time 0.
std::vector<float> resample(const std::vector<float>& x, double inRate, double outRate,
                            ResampleQuality q = ResampleQuality::High);

}  // namespace srlab
