// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobRunner.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "util/ThreadPool.h"

namespace srlab {
namespace {

// Job threads are detached; this counts them so the process can wait for them at exit.
std::mutex liveMutex;
std::condition_variable liveChanged;
int liveJobs = 0;

}  // namespace

// Messages go through the application object, which outlives every page: the runner's
// QPointer is only read on the GUI thread, where it is destroyed.
void JobContext::post(std::function<void()> fn) const {
    QMetaObject::invokeMethod(QCoreApplication::instance(), [runner = runner_, gen = generation_, fn = std::move(fn)] {
        if (runner && runner->generation_ == gen) fn();
    }, Qt::QueuedConnection);
}

void JobContext::progress(double done, double total, const std::string& what) {
    post([runner = runner_, done, total, w = QString::fromStdString(what)] {
        if (runner->progress_) runner->progress_(done, total, w);
    });
}

std::shared_ptr<JobContext> JobRunner::begin(Progress progress) {
    cancel();
    ++generation_;
    running_ = true;
    progress_ = std::move(progress);
    cancel_ = std::make_shared<CancelToken>();
    auto ctx = std::make_shared<JobContext>();
    ctx->runner_ = this;
    ctx->generation_ = generation_;
    ctx->cancel_ = cancel_;
    return ctx;
}

void JobRunner::cancel() {
    if (cancel_) cancel_->cancel();
}

void JobRunner::launch(std::function<void()> body) {
    {
        std::lock_guard<std::mutex> lock(liveMutex);
        ++liveJobs;
    }
    std::thread([body = std::move(body)] {
        enterBackground();  // below the GUI thread (util/ThreadPool.h)
        body();
        std::lock_guard<std::mutex> lock(liveMutex);
        --liveJobs;
        liveChanged.notify_all();
    }).detach();
}

void JobRunner::deliver(QPointer<JobRunner> self, int gen, std::function<void()> fn) {
    QMetaObject::invokeMethod(QCoreApplication::instance(), [self, gen, fn = std::move(fn)] {
        if (!self || self->generation_ != gen) return;
        self->running_ = false;
        fn();
    }, Qt::QueuedConnection);
}

bool waitForAllJobs(int timeoutMs) {
    std::unique_lock<std::mutex> lock(liveMutex);
    return liveChanged.wait_for(lock, std::chrono::milliseconds(timeoutMs), [] { return liveJobs == 0; });
}

void keepGuiThreadAhead() {
    // Nice 5: the GUI thread weighs three times a worker, enough to win every wake-up, while
    // Compare's work still gets a fair share beside a training run at normal priority.
    lowerBackgroundWork(5);
}

}  // namespace srlab
