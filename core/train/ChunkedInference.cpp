// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/ChunkedInference.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "util/ThreadPool.h"

namespace srlab {

std::vector<float> runChunked(const ChunkForward& forward, const std::vector<float>& x, ChunkPlan plan,
                              size_t batch, bool parallel, int threads, ProgressSink* progress,
                              const CancelToken* cancel) {
    const size_t n = x.size();
    const size_t W = plan.chunk, O = plan.overlap, H = W - O;
    if (n <= W) {  // one zero-padded chunk: the model sees the length it was trained on
        auto t = torch::zeros({1, 1, int64_t(W)});
        std::copy(x.begin(), x.end(), t.data_ptr<float>());
        auto y = forward(t);
        return std::vector<float>(y.data_ptr<float>(), y.data_ptr<float>() + n);
    }
    const size_t chunks = 1 + (n - W + H - 1) / H;
    const size_t B = std::max<size_t>(1, batch), batches = (chunks + B - 1) / B;
    // Complementary raised-cosine ramps over each overlap: the weights sum to one everywhere.
    std::vector<float> rampUp(O);
    for (size_t i = 0; i < O; ++i) rampUp[i] = float(0.5 - 0.5 * std::cos(M_PI * (double(i) + 0.5) / double(O)));
    std::vector<float> out(n, 0.0f);
    // A batch's first chunk shares its first O samples with the previous batch's last chunk:
    // that part is added after all batches, so batches never write the same sample at once.
    std::vector<std::vector<float>> heads(batches);
    std::mutex progressMutex;
    size_t done = 0;
    auto runBatch = [&](size_t b) {
        if (cancel) cancel->throwIfCancelled();
        const size_t first = b * B, m = std::min(B, chunks - first);
        auto t = torch::zeros({int64_t(m), 1, int64_t(W)});
        for (size_t k = 0; k < m; ++k) {
            const size_t s = (first + k) * H, len = std::min(W, n - s);
            std::copy(x.begin() + long(s), x.begin() + long(s + len), t.data_ptr<float>() + k * W);
        }
        auto y = forward(t);
        for (size_t k = 0; k < m; ++k) {
            const size_t c = first + k, s = c * H, len = std::min(W, n - s);
            const float* yk = y.data_ptr<float>() + k * W;
            const bool separateHead = k == 0 && c > 0;
            if (separateHead) heads[b].assign(std::min(O, len), 0.0f);
            for (size_t i = 0; i < len; ++i) {
                float w = 1.0f;
                if (c > 0 && i < O) w = rampUp[i];
                if (c + 1 < chunks && i >= W - O) w = 1.0f - rampUp[i - (W - O)];
                if (separateHead && i < O) heads[b][i] = w * yk[i];
                else out[s + i] += w * yk[i];
            }
        }
        if (progress) {
            std::lock_guard<std::mutex> lock(progressMutex);
            done += m;
            progress->progress(double(done), double(chunks), "upsampling");
        }
    };
    if (parallel) {
        // On the CPU, batches run side by side on the shared pool with one torch thread each:
        // measured on 2 cores, 1.6x faster than one batch at a time on two intra-op threads,
        // and OpenMP's intra-op threads are slower still when called from a worker thread.
        const int callerThreads = torch::get_num_threads();
        try {
            parallelFor(batches, [&](size_t b) {
                if (torch::get_num_threads() != 1) torch::set_num_threads(1);
                runBatch(b);
            }, threads);
        } catch (...) {
            torch::set_num_threads(callerThreads);
            throw;
        }
        torch::set_num_threads(callerThreads);
    } else {
        for (size_t b = 0; b < batches; ++b) runBatch(b);  // the GPU is one queue
    }
    for (size_t b = 1; b < batches; ++b) {
        const size_t s = b * B * H;
        for (size_t i = 0; i < heads[b].size(); ++i) out[s + i] += heads[b][i];
    }
    return out;
}

}  // namespace srlab
