// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/BatchLoader.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "dsp/Interpolate.h"
#include "util/ThreadPool.h"

namespace srlab {

std::vector<size_t> epochOrder(size_t n, uint64_t seed, int epoch) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + uint64_t(epoch) + 1);
    // Fisher-Yates by hand: std::shuffle's draws are implementation-defined.
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    return order;
}

void readItems(const PatchDataset& data, Split split, const size_t* idx, size_t n, float* input, float* label,
               int epoch) {
    const auto& info = data.info();
    const size_t dim = size_t(info.spec.dim), inDim = size_t(info.inputDim);
    std::vector<float> low(inDim);
    for (size_t i = 0; i < n; ++i) {
        if (inDim == dim) {
            data.read(split, idx[i], 1, input + i * dim, label ? label + i * dim : nullptr, epoch);
        } else {
            data.read(split, idx[i], 1, low.data(), label ? label + i * dim : nullptr, epoch);
            auto up = splineUpsample(low, info.spec.scale, dim);
            std::copy(up.begin(), up.end(), input + i * dim);
        }
    }
}

BatchLoader::BatchLoader(const PatchDataset& data, Split split, int batch, std::vector<size_t> order, size_t first,
                         size_t last, int epoch, int threads, int depth, bool pinned)
    : data_(data), split_(split), batch_(batch), order_(std::move(order)), claim_(first), wanted_(first), last_(last),
      epoch_(epoch), depth_(std::max(depth, threads)), pinned_(pinned) {
    running_ = std::max(1, threads);
    // The shared pool first, from this thread: threads inherit their creator's priority, and a
    // pool first started from a loader (at nice 19) would run the step's loops at it too.
    poolThreads();
    for (int t = 0; t < running_; ++t) threads_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
    {
        std::lock_guard<std::mutex> lock(m_);
        quit_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void BatchLoader::work() {
    const int64_t dim = data_.info().spec.dim;
    // The lowest priority: a loader that is ahead only takes CPU the step leaves idle, and one
    // that falls behind gets it all while the step waits in next(). At equal priority the
    // loaders preempted the step's parallel loops mid-way (every thread then waits for the
    // preempted one): a streamed spectral/small on two cores trained at 74 % of its HDF5 speed,
    // and at 89 % like this (one run each, docs/benchmarks.md).
    setThreadNice(19);
    for (;;) {
        size_t b;
        {
            std::unique_lock<std::mutex> lock(m_);
            // At most depth batches ahead of the one next() waits for: memory stays bounded.
            cv_.wait(lock, [&] { return quit_ || error_ || claim_ < wanted_ + size_t(depth_); });
            if (quit_ || error_ || claim_ >= last_) break;
            b = claim_++;
        }
        try {
            const auto opts = torch::TensorOptions().dtype(torch::kFloat).pinned_memory(pinned_);
            auto x = torch::empty({batch_, 1, dim}, opts);
            auto y = torch::empty({batch_, 1, dim}, opts);
            readItems(data_, split_, order_.data() + b * size_t(batch_), size_t(batch_), x.data_ptr<float>(),
                      y.data_ptr<float>(), epoch_);
            std::lock_guard<std::mutex> lock(m_);
            ready_.emplace(b, std::make_pair(std::move(x), std::move(y)));
        } catch (...) {
            std::lock_guard<std::mutex> lock(m_);
            if (!error_) error_ = std::current_exception();
        }
        cv_.notify_all();
    }
    std::lock_guard<std::mutex> lock(m_);
    --running_;
    cv_.notify_all();
}

bool BatchLoader::next(torch::Tensor& input, torch::Tensor& label) {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return ready_.count(wanted_) || error_ || running_ == 0 || wanted_ >= last_; });
    auto it = ready_.find(wanted_);
    if (it == ready_.end()) {
        if (error_) std::rethrow_exception(error_);
        return false;
    }
    std::tie(input, label) = std::move(it->second);
    ready_.erase(it);
    ++wanted_;
    cv_.notify_all();
    return true;
}

}  // namespace srlab
