// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/ThreadPool.h"

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace srlab {
namespace {

constexpr int kNoBackground = -100;  // below any niceness: lowerBackgroundWork() was never called
std::atomic<int> backgroundNice{kNoBackground};

#ifdef __linux__
id_t threadId() { return id_t(syscall(SYS_gettid)); }  // on Linux, niceness is per thread
#endif

// A parallelFor's shared state. Helpers join it from the queue; the caller works on it too.
struct Loop {
    const std::function<void(size_t)>* fn = nullptr;
    size_t n = 0;
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    int helpersWanted = 0, helpers = 0;  // guarded by Pool::mu_
    std::exception_ptr error;            // guarded by Pool::mu_

    void work(std::mutex& mu) {
        for (size_t i; !failed.load(std::memory_order_relaxed) && (i = next.fetch_add(1)) < n;) try {
                (*fn)(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mu);
                if (!error) error = std::current_exception();
                failed = true;
            }
    }
};

class Pool {
public:
    Pool() : size_(int(std::max(1u, std::thread::hardware_concurrency()))) {
        for (int i = 0; i < size_; ++i) threads_.emplace_back([this] { run(); });
    }
    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
        }
        wake_.notify_all();
        for (auto& t : threads_) t.join();
    }
    int size() const { return size_; }

    void parallelFor(size_t n, const std::function<void(size_t)>& fn, int maxThreads) {
        if (n == 0) return;
        // The caller is one of the threads: a loop never uses more threads than there are cores.
        const int threads = maxThreads > 0 ? std::min(maxThreads, size_) : size_;
        auto loop = std::make_shared<Loop>();
        loop->fn = &fn;
        loop->n = n;
        loop->helpersWanted = int(std::min<size_t>(n, size_t(threads))) - 1;
        if (loop->helpersWanted > 0) {
            std::lock_guard<std::mutex> lock(mu_);
            loops_.push_back(loop);
        }
        wake_.notify_all();
        loop->work(mu_);
        std::unique_lock<std::mutex> lock(mu_);
        // No helper may join once the caller has seen every item taken; then wait for those
        // that joined.
        loops_.erase(std::remove(loops_.begin(), loops_.end(), loop), loops_.end());
        done_.wait(lock, [&] { return loop->helpers == 0; });
        if (loop->error) std::rethrow_exception(loop->error);
    }

    std::future<void> submit(std::function<void()> task) {
        auto packaged = std::make_shared<std::packaged_task<void()>>(std::move(task));
        auto future = packaged->get_future();
        {
            std::lock_guard<std::mutex> lock(mu_);
            tasks_.emplace_back([packaged] { (*packaged)(); });
        }
        wake_.notify_one();
        return future;
    }

private:
    void run() {
        enterBackground();
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            wake_.wait(lock, [&] { return stop_ || !loops_.empty() || !tasks_.empty(); });
            if (stop_) return;
            if (!loops_.empty()) {  // loops first: a caller is waiting on them
                auto loop = loops_.front();
                if (++loop->helpers >= loop->helpersWanted) loops_.pop_front();
                lock.unlock();
                loop->work(mu_);
                lock.lock();
                if (--loop->helpers == 0) done_.notify_all();
                continue;
            }
            auto task = std::move(tasks_.front());
            tasks_.pop_front();
            lock.unlock();
            task();  // a packaged_task: its exception goes to the future
            lock.lock();
        }
    }

    const int size_;
    std::mutex mu_;
    std::condition_variable wake_, done_;
    std::deque<std::shared_ptr<Loop>> loops_;
    std::deque<std::function<void()>> tasks_;
    bool stop_ = false;
    std::vector<std::thread> threads_;
};

Pool& pool() {
    static Pool p;
    return p;
}

}  // namespace

int poolThreads() { return pool().size(); }

void lowerBackgroundWork(int steps) {
#ifdef __linux__
    errno = 0;
    const int mine = getpriority(PRIO_PROCESS, threadId());
    if (errno == 0) backgroundNice = std::min(19, mine + std::max(0, steps));
#else
    (void)steps;
#endif
}

void enterBackground() {
    const int nice = backgroundNice.load();
    if (nice != kNoBackground) setThreadNice(nice);
}

void setThreadNice(int nice) {
#ifdef __linux__
    setpriority(PRIO_PROCESS, threadId(), nice);  // lowering one's own priority needs no privilege
#else
    (void)nice;
#endif
}

void parallelFor(size_t n, const std::function<void(size_t)>& fn, int maxThreads) {
    if (n == 1 || maxThreads == 1) {  // no hand-off for what one thread does anyway
        for (size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    pool().parallelFor(n, fn, maxThreads);
}

std::future<void> submit(std::function<void()> task) { return pool().submit(std::move(task)); }

}  // namespace srlab
