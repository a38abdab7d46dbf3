// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Batches from an HDF5 pair file, read ahead on a worker thread so the device never waits on
// disk. The order of an epoch depends only on (seed, epoch), which is what lets a resumed run
// continue exactly where it stopped.
#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "dataset/PairFile.h"

namespace srlab {

std::vector<size_t> epochOrder(size_t n, uint64_t seed, int epoch);

class BatchLoader {
public:
    // Batches `first` .. `last`-1 of `order` (batch b = order[b*batch .. (b+1)*batch)).
    // pinned: batches in page-locked memory, so a CUDA device copies them with non_blocking
    // transfers that overlap the step (only where CUDA is in use).
    BatchLoader(const PairFileReader& reader, Split split, int batch, std::vector<size_t> order,
                size_t first, size_t last, int depth = 4, bool pinned = false);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;
    // (input, label), each (batch, 1, dim), float32 on the CPU; false when done. Rethrows read errors.
    bool next(torch::Tensor& input, torch::Tensor& label);

private:
    void work();
    const PairFileReader& reader_;
    Split split_;
    int batch_;
    std::vector<size_t> order_;
    size_t next_, last_;
    int depth_;
    bool pinned_;
    std::mutex m_;
    std::condition_variable cv_;
    std::deque<std::pair<torch::Tensor, torch::Tensor>> queue_;
    std::exception_ptr error_;
    bool done_ = false, quit_ = false;
    std::thread thread_;
};

// Reads items into (n, 1, dim) tensors, spline-interpolating low-rate inputs.
void readItems(const PairFileReader& reader, Split split, const size_t* idx, size_t n, float* input, float* label);

}  // namespace srlab
