// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/ThreadPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

using namespace srlab;

TEST(ThreadPool, ParallelForRunsEveryItemExactlyOnce) {
    std::vector<std::atomic<int>> hits(10000);
    parallelFor(hits.size(), [&](size_t i) { ++hits[i]; });
    for (const auto& h : hits) ASSERT_EQ(h.load(), 1);
}

// A loop inside a pool task (metrics inside a loop over versions, STFTs inside a loop over
// files) must finish even with every worker busy: the caller works through its own items.
TEST(ThreadPool, NestedLoopsFinish) {
    std::atomic<int> total{0};
    parallelFor(16, [&](size_t) { parallelFor(64, [&](size_t) { ++total; }); });
    EXPECT_EQ(total.load(), 16 * 64);
    auto f = submit([&] { parallelFor(100, [&](size_t) { ++total; }); });
    f.get();
    EXPECT_EQ(total.load(), 16 * 64 + 100);
}

TEST(ThreadPool, TheFirstErrorIsRethrownAfterEveryStartedItemEnded) {
    std::atomic<int> running{0}, maxRunningAfterThrow{0};
    EXPECT_THROW(parallelFor(1000, [&](size_t i) {
        ++running;
        if (i == 3) {
            --running;
            throw std::runtime_error("item 3");
        }
        --running;
    }), std::runtime_error);
    EXPECT_EQ(running.load(), 0);  // nothing still runs once it returned
    auto f = submit([] { throw std::runtime_error("task"); });
    EXPECT_THROW(f.get(), std::runtime_error);
}

TEST(ThreadPool, MaxThreadsOneRunsInOrderOnTheCaller) {
    std::vector<size_t> order;
    parallelFor(5, [&](size_t i) { order.push_back(i); }, 1);
    EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
    EXPECT_GE(poolThreads(), 1);
}
