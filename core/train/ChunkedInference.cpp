// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/ChunkedInference.h"

#include <algorithm>
#include <cmath>

#include "util/ThreadPool.h"

namespace srlab {

ChunkedStream::ChunkedStream(ChunkForward forward, ChunkPlan plan, size_t batch, bool parallel, int threads,
                             const CancelToken* cancel)
    : forward_(std::move(forward)), plan_(plan), hop_(plan.chunk - plan.overlap), batch_(std::max<size_t>(1, batch)),
      parallel_(parallel), threads_(threads > 0 ? threads : poolThreads()), cancel_(cancel) {
    // A block holds 8 batches per thread: enough that the pool's threads finish together, and
    // a few MB of samples.
    block_ = batch_ * (parallel_ ? 8 * size_t(threads_) : 8);
    // Complementary raised-cosine ramps over each overlap: the weights sum to one everywhere.
    rampUp_.resize(plan.overlap);
    for (size_t i = 0; i < plan.overlap; ++i)
        rampUp_[i] = float(0.5 - 0.5 * std::cos(M_PI * (double(i) + 0.5) / double(plan.overlap)));
}

void ChunkedStream::push(const float* x, size_t n, const SampleSink& sink) {
    // A long piece goes in a block's worth at a time, so the buffer stays a block long.
    const size_t piece = block_ * hop_ + plan_.chunk;
    for (size_t at = 0; at < n; at += piece) {
        const size_t len = std::min(piece, n - at);
        x_.insert(x_.end(), x + at, x + at + len);
        pushed_ += len;
        while (ready(next_ + block_ - 1)) runBlock(next_, next_ + block_, 0, sink);
    }
}

void ChunkedStream::finish(const SampleSink& sink) {
    const size_t n = pushed_, W = plan_.chunk;
    if (n <= W) {  // one zero-padded chunk: the model sees the length it was trained on
        auto t = torch::zeros({1, 1, int64_t(W)});
        std::copy(x_.begin(), x_.end(), t.data_ptr<float>());
        auto y = forward_(t);
        if (n) sink(y.data_ptr<float>(), n);
        emitted_ = n;
        return;
    }
    const size_t chunks = 1 + (n - W + hop_ - 1) / hop_;
    while (next_ < chunks) runBlock(next_, std::min(chunks, next_ + block_), n, sink);
}

void ChunkedStream::runBlock(size_t first, size_t end, size_t total, const SampleSink& sink) {
    const size_t W = plan_.chunk, O = plan_.overlap, H = hop_, B = batch_;
    const size_t chunks = total ? 1 + (total - W + H - 1) / H : size_t(-1);
    const size_t n = total ? total : pushed_;
    const size_t count = end - first, batches = (count + B - 1) / B;
    // Each batch writes its own span; the spans are added in after the parallel part, so no
    // two threads write one sample.
    std::vector<std::vector<float>> spans(batches);
    auto runBatch = [&](size_t b) {
        if (cancel_) cancel_->throwIfCancelled();
        const size_t c0 = first + b * B, m = std::min(B, end - c0);
        auto t = torch::zeros({int64_t(m), 1, int64_t(W)});
        for (size_t k = 0; k < m; ++k) {
            const size_t s = (c0 + k) * H, len = std::min(W, n - s);
            std::copy(x_.begin() + long(s - xBase_), x_.begin() + long(s - xBase_ + len), t.data_ptr<float>() + k * W);
        }
        auto y = forward_(t);
        auto& span = spans[b];
        span.assign(std::min((m - 1) * H + W, n - c0 * H), 0.0f);
        for (size_t k = 0; k < m; ++k) {
            const size_t c = c0 + k, s = c * H, len = std::min(W, n - s);
            const float* yk = y.data_ptr<float>() + k * W;
            float* out = span.data() + k * H;
            for (size_t i = 0; i < len; ++i) {
                float w = 1.0f;
                if (c > 0 && i < O) w = rampUp_[i];
                if (c + 1 < chunks && i >= W - O) w = 1.0f - rampUp_[i - (W - O)];
                out[i] += w * yk[i];
            }
        }
    };
    if (parallel_) {
        // On the CPU, batches run side by side on the shared pool with one torch thread each:
        // measured on 2 cores, 1.6x faster than one batch at a time on two intra-op threads,
        // and OpenMP's intra-op threads are slower still when called from a worker thread.
        const int callerThreads = torch::get_num_threads();
        try {
            parallelFor(batches, [&](size_t b) {
                if (torch::get_num_threads() != 1) torch::set_num_threads(1);
                runBatch(b);
            }, threads_);
        } catch (...) {
            torch::set_num_threads(callerThreads);
            throw;
        }
        torch::set_num_threads(callerThreads);
    } else {
        for (size_t b = 0; b < batches; ++b) runBatch(b);  // the GPU is one queue
    }
    // acc_ covers [emitted_, ...): the block's spans start at first * H >= emitted_.
    const size_t reach = std::min(n, (end - 1) * H + W);
    if (acc_.size() < reach - emitted_) acc_.resize(reach - emitted_, 0.0f);
    for (size_t b = 0; b < batches; ++b) {
        float* dst = acc_.data() + ((first + b * B) * H - emitted_);
        for (size_t i = 0; i < spans[b].size(); ++i) dst[i] += spans[b][i];
    }
    // Everything before the next chunk's start is final (all of it at the end).
    const size_t final = end >= chunks ? n : end * H;
    sink(acc_.data(), final - emitted_);
    acc_.erase(acc_.begin(), acc_.begin() + long(final - emitted_));
    emitted_ = final;
    next_ = end;
    // The next chunk's input starts at end * H.
    const size_t keep = std::min(end * H, n);
    x_.erase(x_.begin(), x_.begin() + long(keep - xBase_));
    xBase_ = keep;
}

std::vector<float> runChunked(const ChunkForward& forward, const std::vector<float>& x, ChunkPlan plan,
                              size_t batch, bool parallel, int threads, const CancelToken* cancel) {
    std::vector<float> out;
    out.reserve(x.size());
    const SampleSink append = [&out](const float* s, size_t n) { out.insert(out.end(), s, s + n); };
    ChunkedStream stream(forward, plan, batch, parallel, threads, cancel);
    stream.push(x.data(), x.size(), append);
    stream.finish(append);
    return out;
}

}  // namespace srlab
