// SPDX-License-Identifier: GPL-3.0-or-later
// One start/pause/stop interface whether the run trains in this process or as a `srlab train
// --nproc` child; quitting while a child trains neither blocks nor orphans it.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "TrainingController.h"
#include "WidgetTestSupport.h"
#include "runs/ModelConfig.h"
#include "runs/RunFolder.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;
namespace {

TrainConfig tinyRun(const std::string& dataset, int epochs) {
    TrainConfig c;
    c.dataset = dataset;
    c.model = makeModelConfig("audiounet", "tiny");
    c.epochs = epochs;
    c.stepsPerEpoch = 2;
    c.valItems = 4;
    c.snapshotClips = 0;
    return c;
}

// Processes whose command line names `text` (the training child and its ranks).
int processesNaming(const std::string& text) {
    int n = 0;
    DIR* proc = opendir("/proc");
    while (dirent* e = proc ? readdir(proc) : nullptr) {
        // read(2), not a stream: a process that ends while it is read fails the read (ESRCH),
        // and libstdc++'s filebuf throws on that.
        std::string cmd;
        const int fd = ::open((std::string("/proc/") + e->d_name + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        char buf[4096];
        for (ssize_t k; (k = ::read(fd, buf, sizeof buf)) > 0;) cmd.append(buf, size_t(k));
        ::close(fd);
        if (cmd.find("train") != std::string::npos && cmd.find(text) != std::string::npos) ++n;
    }
    if (proc) closedir(proc);
    return n;
}

}  // namespace

TEST(TrainingController, InProcessAndChildRunsThroughOneInterface) {
    app();
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    setenv("SRLAB_CLI", cli().c_str(), 1);
    for (int ranks : {1, 2}) {
        TrainingController c;
        QSignalSpy ended(&c, &TrainingController::ended);
        const QString dir = QString::fromStdString(d / ("run" + std::to_string(ranks)));
        c.start(dir, tinyRun(d / "set.h5", 2), ranks);
        EXPECT_TRUE(c.busy());
        EXPECT_EQ(c.canPause(), false);  // creating: nothing to pause yet
        ASSERT_TRUE(waitFor([&] { return !ended.isEmpty(); }, 300000)) << "ranks " << ranks;
        EXPECT_EQ(ended.first().at(1).value<RunState>(), RunState::Finished) << ended.first().at(2).toString().toStdString();
        EXPECT_FALSE(c.busy());
        EXPECT_EQ(readRunStatus(dir.toStdString()).state, RunState::Finished);
        EXPECT_EQ(readRunMetrics(dir.toStdString()).size(), 6u);  // 2 epochs x (2 steps + validation)
    }
}

// Stop while the run is being created (hashing its dataset): the run is made but never trains.
TEST(TrainingController, StopWhileCreatingLeavesTheRunUntrained) {
    app();
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    TrainingController c;
    QSignalSpy ended(&c, &TrainingController::ended);
    const std::string dir = d / "run";
    c.start(QString::fromStdString(dir), tinyRun(d / "set.h5", 2), 1);
    ASSERT_EQ(c.state(), TrainingController::State::Creating);
    c.stop();
    EXPECT_EQ(c.state(), TrainingController::State::Stopping);
    ASSERT_TRUE(waitFor([&] { return !ended.isEmpty(); }));
    EXPECT_EQ(ended.first().at(1).value<RunState>(), RunState::Created);
    EXPECT_FALSE(c.busy());
    EXPECT_EQ(readRunStatus(dir).state, RunState::Created);
    EXPECT_TRUE(readRunMetrics(dir).empty());
}

TEST(TrainingController, QuittingWhileAChildTrainsNeitherBlocksNorOrphansIt) {
    app();
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    setenv("SRLAB_CLI", cli().c_str(), 1);
    const std::string dir = d / "long";
    auto* c = new TrainingController;
    c->start(QString::fromStdString(dir), tinyRun(d / "set.h5", 100000), 2);
    ASSERT_TRUE(waitFor([&] { return readRunMetrics(dir).size() > 2; }, 300000));  // the ranks train
    EXPECT_GE(processesNaming(dir), 1);
    QElapsedTimer t;
    t.start();
    delete c;  // as the workbench's window closing
    EXPECT_LT(t.elapsed(), 500) << "the GUI thread waited for the child";
    // The child stops on its own, with a checkpoint, and leaves no process behind.
    ASSERT_TRUE(waitFor([&] { return processesNaming(dir) == 0; }, 120000)) << "the training child was orphaned";
    std::ifstream log(dir + "/train.log");
    EXPECT_EQ(readRunStatus(dir).state, RunState::Stopped)
        << readRunStatus(dir).message << "\n" << std::string((std::istreambuf_iterator<char>(log)), {});
    EXPECT_TRUE(std::filesystem::exists(dir + "/checkpoints/last/model.pt"));
    // The let-go QProcess deleted itself once its child ended.
    ASSERT_TRUE(waitFor([] {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        return true;
    }));
}

}  // namespace srlab
