// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/ThreadPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <stdexcept>
#include <vector>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

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

// The caller's first item throws while a pool worker is inside an item (it waits for the
// throw, then works on for 50 ms): parallelFor must wait for that item before rethrowing, or
// the caller would go on while one of its items still runs.
TEST(ThreadPool, TheFirstErrorIsRethrownAfterEveryStartedItemEnded) {
    ASSERT_GE(poolThreads(), 1);
    const auto caller = std::this_thread::get_id();
    std::atomic<int> started{0}, ended{0};
    std::atomic<bool> workerIn{false}, workerClaimed{false}, callerThrew{false}, thrown{false};
    auto waitFor = [](const std::atomic<bool>& flag) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!flag && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    };
    EXPECT_THROW(parallelFor(8, [&](size_t) {
        ++started;
        if (std::this_thread::get_id() != caller) {
            if (!workerClaimed.exchange(true)) {
                workerIn = true;
                waitFor(thrown);
                std::this_thread::sleep_for(std::chrono::milliseconds(50));  // still running after the throw
            }
        } else if (!callerThrew.exchange(true)) {
            waitFor(workerIn);
            thrown = true;
            ++ended;
            throw std::runtime_error("the caller's item");
        }
        ++ended;
    }, 2), std::runtime_error);
    EXPECT_TRUE(workerIn.load()) << "no worker took an item: the wait was not exercised";
    EXPECT_EQ(ended.load(), started.load());  // nothing still runs once it returned
    auto f = submit([] { throw std::runtime_error("task"); });
    EXPECT_THROW(f.get(), std::runtime_error);
}

TEST(ThreadPool, MaxThreadsOneRunsInOrderOnTheCaller) {
    std::vector<size_t> order;
    parallelFor(5, [&](size_t i) { order.push_back(i); }, 1);
    EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
    EXPECT_GE(poolThreads(), 1);
}

#ifdef __linux__
// Background work (the workbench's jobs and pool) runs below the thread that asked for it, and
// that thread itself keeps its priority. Repeatable: the test leaves the background at the
// caller's priority.
TEST(ThreadPool, BackgroundWorkRunsBelowTheThreadThatAskedForIt) {
    const auto nice = [] { return getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid))); };
    const auto inBackground = [&] {
        int got = -100;
        std::thread([&] {
            enterBackground();
            got = nice();
        }).join();
        return got;
    };
    const int mine = nice();
    lowerBackgroundWork(5);
    EXPECT_EQ(inBackground(), std::min(19, mine + 5));
    EXPECT_EQ(nice(), mine);
    lowerBackgroundWork(0);
    EXPECT_EQ(inBackground(), mine);
}
#endif
