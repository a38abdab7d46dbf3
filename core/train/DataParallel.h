// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Data-parallel training on torch.distributed's c10d, the way PyTorch's DistributedDataParallel
// does it: a TCPStore rendezvous at MASTER_ADDR:MASTER_PORT (rank 0 serves it), a Gloo process
// group (and for CUDA tensors an NCCL one where the build has it, NcclGroup.h), rank 0's
// initial weights broadcast to all, and after each backward the gradients
// averaged across ranks with all-reduces over ~25 MB buckets of flattened gradients.
// docs/training.md, "Data-parallel training", gives the scaling model. Internal to srlab_ml (includes torch).
//
// Threads: one training thread per process calls everything; every call is collective (all
// ranks make the same calls in the same order) and blocks until the peers join, at most
// `timeout`. A peer that dies makes the call throw Error within that bound.
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <vector>

#include "runs/DistEnv.h"

namespace srlab {

class DataParallel {
public:
    DataParallel(const DistEnv& env, std::chrono::seconds timeout);
    ~DataParallel();
    DataParallel(const DataParallel&) = delete;
    DataParallel& operator=(const DataParallel&) = delete;

    const DistEnv& env() const { return env_; }

    // The device the model trains on: CUDA tensors then go through NCCL where this build has
    // it (collective: every rank calls it once, before the first broadcast).
    void useDevice(const torch::Device& device);
    // "Gloo", or "NCCL (CUDA tensors), Gloo" after useDevice picked NCCL.
    std::string backendName() const;

    // Rank 0's values of `tensors` everywhere (in place).
    void broadcast(std::vector<torch::Tensor> tensors);
    // Replaces each parameter's gradient by its mean over the ranks (a missing one counts as 0).
    void averageGradients(const std::vector<torch::Tensor>& parameters);
    // Elementwise sums of a small CPU double vector across ranks (losses, metric sums, flags).
    std::vector<double> sum(std::vector<double> values);
    void barrier();

    // Gradient bytes all-reduced per step, and the seconds spent in all-reduces so far.
    double gradientBytesPerStep() const { return gradientBytes_; }
    double allreduceSeconds() const { return allreduceS_; }

private:
    void allreduce(torch::Tensor& t);
    DistEnv env_;
    struct Impl;
    std::unique_ptr<Impl> d_;
    double gradientBytes_ = 0, allreduceS_ = 0;
};

}  // namespace srlab
