// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A flag shared between whoever starts a job (GUI thread, SIGINT handler) and the job's
// threads. Lock-free so a signal handler may set it.
#include <atomic>
#include "util/Error.h"

namespace srlab {

class CancelToken {
public:
    void cancel() noexcept { flag_.store(true, std::memory_order_relaxed); }
    bool cancelled() const noexcept { return flag_.load(std::memory_order_relaxed); }
    void throwIfCancelled() const {
        if (cancelled()) throw Cancelled();
    }
    void reset() noexcept { flag_.store(false, std::memory_order_relaxed); }

private:
    std::atomic<bool> flag_{false};
};

}  // namespace srlab
