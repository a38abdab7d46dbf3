// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// NCCL for a data-parallel run's CUDA tensors (gradients, the initial weights), as PyTorch's
// DDP uses it on GPUs; Gloo keeps the small CPU collectives. Only the torch2 build with the
// CUDA and NCCL headers at hand compiles NcclGroup.cpp (SRLAB_HAVE_NCCL, cmake/Torch.cmake);
// elsewhere CUDA tensors go through Gloo. Internal to srlab_ml (includes torch).
//
// Threads: the training thread of each rank; every call is collective.
#include <torch/torch.h>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>
#include <functional>

namespace srlab {

// True when this build can make an NCCL group.
bool ncclAvailable();

// An all-reduce (sum, in place, waited for) over an NCCL group of `world` ranks on the CUDA
// device current for this rank, rendezvousing through `store` under its own prefix. Throws
// c10::Error as the c10d calls do.
std::function<void(torch::Tensor&)> makeNcclAllreduce(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                       int world, std::chrono::milliseconds timeout);

}  // namespace srlab
