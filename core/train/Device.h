// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The training device: which one a request ("auto", "cpu", "cuda") gets, and its name in words.
#include <torch/torch.h>

#include <string>

namespace srlab {

// Throws Error when CUDA is requested and this libtorch has no usable CUDA device.
torch::Device pickDevice(const std::string& request);
// "cuda:1 of 2 (NVIDIA H100 80GB HBM3, 79.6 GiB)" or "cpu (16 threads)".
std::string describe(const torch::Device& d);

}  // namespace srlab
