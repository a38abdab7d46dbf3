// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/BatchLoader.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "dsp/Interpolate.h"

namespace srlab {

std::vector<size_t> epochOrder(size_t n, uint64_t seed, int epoch) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t(0));
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + uint64_t(epoch) + 1);
    // Fisher-Yates by hand: std::shuffle's draws are implementation-defined.
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    return order;
}

void readItems(const PairFileReader& reader, Split split, const size_t* idx, size_t n, float* input, float* label) {
    const auto& info = reader.info();
    const size_t dim = size_t(info.spec.dim), inDim = size_t(info.inputDim);
    std::vector<float> low(inDim);
    for (size_t i = 0; i < n; ++i) {
        if (inDim == dim) {
            reader.read(split, idx[i], 1, input + i * dim, label ? label + i * dim : nullptr);
        } else {
            reader.read(split, idx[i], 1, low.data(), label ? label + i * dim : nullptr);
            auto up = splineUpsample(low, info.spec.scale, dim);
            std::copy(up.begin(), up.end(), input + i * dim);
        }
    }
}

BatchLoader::BatchLoader(const PairFileReader& reader, Split split, int batch, std::vector<size_t> order,
                         size_t first, size_t last, int depth, bool pinned)
    : reader_(reader), split_(split), batch_(batch), order_(std::move(order)), next_(first), last_(last),
      depth_(depth), pinned_(pinned), thread_([this] { work(); }) {}

BatchLoader::~BatchLoader() {
    {
        std::lock_guard<std::mutex> lock(m_);
        quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

void BatchLoader::work() {
    const int64_t dim = reader_.info().spec.dim;
    try {
        for (;;) {
            size_t b;
            {
                std::unique_lock<std::mutex> lock(m_);
                cv_.wait(lock, [&] { return quit_ || int(queue_.size()) < depth_; });
                if (quit_ || next_ >= last_) break;
                b = next_++;
            }
            const auto opts = torch::TensorOptions().dtype(torch::kFloat).pinned_memory(pinned_);
            auto x = torch::empty({batch_, 1, dim}, opts);
            auto y = torch::empty({batch_, 1, dim}, opts);
            readItems(reader_, split_, order_.data() + b * size_t(batch_), size_t(batch_), x.data_ptr<float>(),
                      y.data_ptr<float>());
            std::lock_guard<std::mutex> lock(m_);
            queue_.emplace_back(std::move(x), std::move(y));
            cv_.notify_all();
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(m_);
        error_ = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(m_);
    done_ = true;
    cv_.notify_all();
}

bool BatchLoader::next(torch::Tensor& input, torch::Tensor& label) {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
        if (error_) std::rethrow_exception(error_);
        return false;
    }
    std::tie(input, label) = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return true;
}

}  // namespace srlab
