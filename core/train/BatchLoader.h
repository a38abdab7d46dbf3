// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Batches from a dataset, made ahead by loader threads so the device never waits on disk or, for
// a streamed dataset, on cutting and degrading items. A batch's content depends only on
// (order, batch number, epoch), never on which thread made it or when, and batches come out in
// order: the order of an epoch depends only on (seed, epoch), which is what lets a resumed run
// continue exactly where it stopped.
//
// Threads: the loader's own threads (they run beside the step for the whole epoch, so they are
// not the shared pool's, which the step's parallel loops use) call only the dataset's const
// read(), at the lowest scheduling priority (nice 19, Linux): they use the CPU the step leaves
// idle, and all of it while the step waits for them. next() and the destructor are called by
// the training thread.
#include <torch/torch.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "dataset/PatchDataset.h"

namespace srlab {

std::vector<size_t> epochOrder(size_t n, uint64_t seed, int epoch);

class BatchLoader {
public:
    // Batches `first` .. `last`-1 of `order` (batch b = order[b*batch .. (b+1)*batch)), items
    // read for `epoch`, by `threads` loader threads at most `depth` batches ahead of next().
    // pinned: batches in page-locked memory, so a CUDA device copies them with non_blocking
    // transfers that overlap the step (only where CUDA is in use).
    BatchLoader(const PatchDataset& data, Split split, int batch, std::vector<size_t> order, size_t first, size_t last,
                int epoch, int threads = 2, int depth = 4, bool pinned = false);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;
    // (input, label), each (batch, 1, dim), float32 on the CPU; false when done. Rethrows read errors.
    bool next(torch::Tensor& input, torch::Tensor& label);

private:
    void work();
    const PatchDataset& data_;
    Split split_;
    int batch_;
    std::vector<size_t> order_;
    size_t claim_, wanted_, last_;  // next batch to make, next batch to hand out, end
    int epoch_, depth_;
    bool pinned_;
    std::mutex m_;
    std::condition_variable cv_;
    std::map<size_t, std::pair<torch::Tensor, torch::Tensor>> ready_;
    std::exception_ptr error_;
    int running_ = 0;
    bool quit_ = false;
    std::vector<std::thread> threads_;
};

// Reads items into (n, 1, dim) tensors as read for `epoch`, spline-interpolating low-rate inputs.
void readItems(const PatchDataset& data, Split split, const size_t* idx, size_t n, float* input, float* label,
               int epoch = kNominal);

}  // namespace srlab
