// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/NcclGroup.h"

#ifdef SRLAB_HAVE_NCCL
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace srlab {

#ifdef SRLAB_HAVE_NCCL

bool ncclAvailable() { return true; }

std::function<void(torch::Tensor&)> makeNcclAllreduce(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                       int world, std::chrono::milliseconds timeout) {
    auto opts = c10d::ProcessGroupNCCL::Options::create();
    opts->timeout = timeout;
    // Its own key space in the store the Gloo group already uses.
    auto prefixed = c10::make_intrusive<c10d::PrefixStore>("nccl", store);
    auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed, rank, world, opts);
    return [group](torch::Tensor& t) {
        std::vector<torch::Tensor> v{t};
        group->allreduce(v)->wait();
    };
}

#else

bool ncclAvailable() { return false; }

std::function<void(torch::Tensor&)> makeNcclAllreduce(const c10::intrusive_ptr<c10d::Store>&, int, int,
                                                       std::chrono::milliseconds) {
    return {};
}

#endif

}  // namespace srlab
