// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The workbench's one way of running work off the GUI thread, in the style of KDAB hotspot's
// job tracker. A JobRunner is one slot of work (a page's load, a pane's detail): starting a
// job supersedes the slot's previous one, which is cancelled and left to end on its own
// thread. Every message a job sends (progress, a posted stage, done, failed) carries its
// generation and is dropped on arrival unless it is still the slot's current job, so an old
// job can never overwrite or hide a new one's state. Nothing joins a worker on the GUI thread;
// only waitForAllJobs() does, after the event loop has ended.
//
// Threads: a JobRunner lives on the GUI thread and its methods are called there; callbacks
// (done, failed, progress, post) run there. The work function runs on its own thread and
// touches only what it captured by value and its JobContext.
#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>
#include <memory>

#include "util/CancelToken.h"
#include "util/Error.h"
#include "util/Progress.h"

namespace srlab {

// How a job that did not finish ended: cancelled is a state, not a message.
struct JobFailure {
    bool cancelled = false;
    QString message;  // the error's one line; empty when cancelled
};

class JobRunner;

// Handed to the work function, on its thread.
class JobContext : public ProgressSink {
public:
    const CancelToken& cancel() const { return *cancel_; }
    // Runs fn on the GUI thread, if this job is still the runner's current one by then.
    void post(std::function<void()> fn) const;
    void progress(double done, double total, const std::string& what) override;

private:
    friend class JobRunner;
    QPointer<JobRunner> runner_;
    int generation_ = 0;
    std::shared_ptr<CancelToken> cancel_;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    using Progress = std::function<void(double done, double total, const QString& what)>;
    using Failed = std::function<void(const JobFailure&)>;

    explicit JobRunner(QObject* parent = nullptr) : QObject(parent) {}
    ~JobRunner() override { cancel(); }

    // Starts work(context) on a new thread; done(result) or failed(why) follows on the GUI
    // thread unless a later start() or the runner's end came first.
    template <typename R>
    void start(std::function<R(JobContext&)> work, std::function<void(R)> done, Failed failed, Progress progress = {}) {
        auto ctx = begin(std::move(progress));
        QPointer<JobRunner> self(this);
        const int gen = generation_;
        launch([ctx, work = std::move(work), done = std::move(done), failed = std::move(failed), self, gen]() mutable {
            try {
                auto result = std::make_shared<R>(work(*ctx));
                deliver(self, gen, [done, result] { done(std::move(*result)); });
            } catch (const Cancelled&) {
                deliver(self, gen, [failed] { failed({true, {}}); });
            } catch (const std::exception& e) {
                deliver(self, gen, [failed, m = QString::fromStdString(e.what())] { failed({false, m}); });
            }
        });
    }
    // Cancels the current job (its failed() reports cancelled, if the runner still exists).
    void cancel();
    // Cancels the current job and drops every message it would still send.
    void abandon() {
        cancel();
        ++generation_;
        running_ = false;
    }
    // A job was started and has not yet delivered done or failed.
    bool running() const { return running_; }

private:
    friend class JobContext;
    std::shared_ptr<JobContext> begin(Progress progress);
    static void launch(std::function<void()> body);
    // Runs fn on the runner's thread if job `gen` is still current, and marks it ended.
    static void deliver(QPointer<JobRunner> self, int gen, std::function<void()> fn);

    int generation_ = 0;
    bool running_ = false;
    std::shared_ptr<CancelToken> cancel_;
    Progress progress_;
};

// Cancels nothing, waits for every job thread the workbench started to return: for main(),
// after the event loop, so no job outlives the objects it uses. Returns false on timeout.
bool waitForAllJobs(int timeoutMs);

// Puts the workbench's background work (its jobs, the shared pool's workers and what they
// start) below the GUI thread's scheduling priority, so a window drawing or a click is never
// kept waiting for a core behind the work it started (util/ThreadPool.h). Called once at
// start-up, before any job or pool work.
void keepGuiThreadAhead();

}  // namespace srlab
