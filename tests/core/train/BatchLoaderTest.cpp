// SPDX-License-Identifier: GPL-3.0-or-later
// BatchLoader: batches in order with the items of the epoch's order, whatever thread made
// them, and loader threads at the lowest priority (so they only take CPU the step leaves).
#include "train/BatchLoader.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <atomic>

#include "support/TestSupport.h"

namespace srlab {
namespace {

// Item i reads as dim copies of i (input) and -i (label); each read notes its thread's nice.
class NumberedItems final : public PatchDataset {
public:
    explicit NumberedItems(size_t n) {
        info_.spec.dim = 8;
        info_.inputDim = 8;
        info_.counts = {n, 0, 0};
    }
    const PairFileInfo& info() const override { return info_; }
    const std::string& path() const override { return path_; }
    void read(Split, size_t first, size_t n, float* input, float* label, int) const override {
#ifdef __linux__
        const int nice = getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)));
#else
        const int nice = 19;  // priorities are set on Linux only
#endif
        int seen = lowestNice.load();
        while (nice < seen && !lowestNice.compare_exchange_weak(seen, nice)) {
        }
        for (size_t i = 0; i < n; ++i)
            for (size_t k = 0; k < 8; ++k) {
                input[i * 8 + k] = float(first + i);
                if (label) label[i * 8 + k] = -float(first + i);
            }
    }
    std::vector<int32_t> sources(Split) const override { return {}; }
    std::vector<int64_t> offsets(Split) const override { return {}; }
    std::string manifestJson() const override { return "{}"; }
    mutable std::atomic<int> lowestNice{100};

private:
    PairFileInfo info_;
    std::string path_ = "numbered";
};

TEST(BatchLoader, BatchesComeInOrderFromLowestPriorityThreads) {
    NumberedItems data(64);
#ifdef __linux__
    const int callerNice = getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)));
#endif
    const std::vector<size_t> order = epochOrder(64, 7, 3);
    for (int threads : {1, 2, 4}) {
        SCOPED_TRACE(threads);
        BatchLoader loader(data, Split::Train, 4, order, 2, 16, 3, threads, 4);
        torch::Tensor x, y;
        size_t b = 2;
        while (loader.next(x, y)) {
            ASSERT_EQ(x.size(0), 4);
            for (int64_t i = 0; i < 4; ++i) {
                EXPECT_EQ(x[i][0][5].item<float>(), float(order[b * 4 + size_t(i)]));
                EXPECT_EQ(y[i][0][0].item<float>(), -float(order[b * 4 + size_t(i)]));
            }
            ++b;
        }
        EXPECT_EQ(b, 16u);
    }
    // Every read ran at nice 19 (the caller's own priority is untouched).
    EXPECT_EQ(data.lowestNice.load(), 19);
#ifdef __linux__
    EXPECT_EQ(getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid))), callerNice);
#endif
}

}  // namespace
}  // namespace srlab
