// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Runs a core job on a worker thread and delivers progress, result or failure on the GUI
// thread through queued invocations. A generation counter drops results of jobs that were
// superseded; a QPointer drops them if the receiver is gone. Core's ProgressSink and
// CancelToken are the only interface to the job.
#include <QMetaObject>
#include <QPointer>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include "util/CancelToken.h"
#include "util/Error.h"
#include "util/Progress.h"

namespace srlab {

class Job {
public:
    using ProgressFn = std::function<void(double done, double total, const std::string& msg)>;

    ~Job() { cancelAndWait(); }

    // work(progress, cancel) runs on the worker; done/failed run on `receiver`'s thread.
    template <typename R>
    void start(QObject* receiver, std::function<R(ProgressSink&, const CancelToken&)> work, ProgressFn onProgress,
               std::function<void(R)> done, std::function<void(const QString&)> failed) {
        cancelAndWait();
        cancel_ = std::make_shared<CancelToken>();
        const int gen = ++generation_;
        QPointer<QObject> guard(receiver);
        auto cancel = cancel_;
        std::atomic<int>* genp = &generation_;
        thread_ = std::thread([=]() mutable {
            struct Sink : ProgressSink {
                QPointer<QObject> g;
                ProgressFn fn;
                void progress(double d, double t, const std::string& m) override {
                    if (g) QMetaObject::invokeMethod(g, [fn = fn, d, t, m] { fn(d, t, m); }, Qt::QueuedConnection);
                }
            } sink;
            sink.g = guard;
            sink.fn = onProgress;
            try {
                R r = work(sink, *cancel);
                if (guard)
                    QMetaObject::invokeMethod(guard, [=, r = std::move(r)]() mutable {
                        if (genp->load() == gen) done(std::move(r));
                    }, Qt::QueuedConnection);
            } catch (const Cancelled&) {
                if (guard) QMetaObject::invokeMethod(guard, [=] { failed("cancelled"); }, Qt::QueuedConnection);
            } catch (const std::exception& e) {
                const QString msg = QString::fromStdString(e.what());
                if (guard) QMetaObject::invokeMethod(guard, [=] { failed(msg); }, Qt::QueuedConnection);
            }
        });
    }

    void cancel() {
        if (cancel_) cancel_->cancel();
    }
    void cancelAndWait() {
        cancel();
        if (thread_.joinable()) thread_.join();
    }
    bool running() const { return thread_.joinable(); }

private:
    std::thread thread_;
    std::shared_ptr<CancelToken> cancel_;
    std::atomic<int> generation_{0};
};

}  // namespace srlab
