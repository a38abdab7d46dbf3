// SPDX-License-Identifier: GPL-3.0-or-later
// The job runner's contract: a superseded job's messages (progress, done, failed) never reach
// the GUI, cancellation arrives as a state, and nothing waits on the GUI thread.
#include "JobRunner.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QElapsedTimer>
#include <atomic>
#include <future>

#include "WidgetTestSupport.h"

using namespace srlab;

namespace {
QApplication& guiApp() { return srlab::test::app(); }
bool spinUntil(const std::function<bool()>& ok, int ms = 30000) {
    QElapsedTimer t;
    t.start();
    while (!ok() && t.elapsed() < ms) guiApp().processEvents(QEventLoop::AllEvents, 10);
    return ok();
}
}  // namespace

TEST(JobRunner, ASupersededJobNeverReachesTheGui) {
    guiApp();
    JobRunner runner;
    std::promise<void> release;
    auto released = release.get_future().share();
    std::atomic<bool> firstReturned{false};
    QStringList seen;
    runner.start<int>(
        [released, &firstReturned](JobContext& ctx) {
            ctx.progress(1, 2, "old");
            released.wait();  // still running when the second job starts
            ctx.progress(2, 2, "old");
            firstReturned = true;
            return 1;
        },
        [&](int v) { seen << QString("done %1").arg(v); },
        [&](const JobFailure& f) { seen << (f.cancelled ? "cancelled 1" : "failed 1"); },
        [&](double, double, const QString& w) { seen << "progress " + w; });
    runner.start<int>([](JobContext& ctx) {
        ctx.progress(1, 1, "new");
        return 2;
    },
                      [&](int v) { seen << QString("done %1").arg(v); }, [&](const JobFailure&) { seen << "failed 2"; },
                      [&](double, double, const QString& w) { seen << "progress " + w; });
    ASSERT_TRUE(spinUntil([&] { return !runner.running(); }));
    release.set_value();
    ASSERT_TRUE(spinUntil([&] { return firstReturned.load(); }));
    // The old job's thread has posted its last message (done) once it ended: only then can
    // the check below see a stale message that got through.
    ASSERT_TRUE(waitForAllJobs(30000));
    guiApp().processEvents(QEventLoop::AllEvents, 100);
    seen.removeAll("progress old");  // the first job's first progress may land before the second start
    EXPECT_EQ(seen, (QStringList{"progress new", "done 2"}));
    EXPECT_TRUE(waitForAllJobs(30000));
}

TEST(JobRunner, CancellationIsAStateNotAMessage) {
    guiApp();
    JobRunner runner;
    std::optional<JobFailure> failure;
    runner.start<int>(
        [](JobContext& ctx) {
            for (;;) ctx.cancel().throwIfCancelled();
            return 0;
        },
        [](int) {}, [&](const JobFailure& f) { failure = f; });
    runner.cancel();
    ASSERT_TRUE(spinUntil([&] { return failure.has_value(); }));
    EXPECT_TRUE(failure->cancelled);
    EXPECT_TRUE(failure->message.isEmpty());
    EXPECT_FALSE(runner.running());

    failure.reset();
    runner.start<int>([](JobContext&) -> int { throw Error("x.wav", "is broken"); }, [](int) {},
                      [&](const JobFailure& f) { failure = f; });
    ASSERT_TRUE(spinUntil([&] { return failure.has_value(); }));
    EXPECT_FALSE(failure->cancelled);
    EXPECT_TRUE(failure->message.contains("x.wav")) << failure->message.toStdString();
}

// A runner destroyed while its job runs: the job ends on its own thread and its messages are
// dropped (the runner is gone), with no wait on the GUI thread.
TEST(JobRunner, ARunnerCanGoWhileItsJobRuns) {
    guiApp();
    std::atomic<bool> ended{false};
    {
        JobRunner runner;
        runner.start<int>(
            [&ended](JobContext& ctx) {
                while (!ctx.cancel().cancelled()) std::this_thread::yield();
                ended = true;
                return 0;
            },
            [](int) { ADD_FAILURE() << "done after the runner was destroyed"; },
            [](const JobFailure&) { ADD_FAILURE() << "failed after the runner was destroyed"; });
    }
    ASSERT_TRUE(spinUntil([&] { return ended.load(); }));
    EXPECT_TRUE(waitForAllJobs(30000));  // its done is posted by now
    guiApp().processEvents(QEventLoop::AllEvents, 100);
}
