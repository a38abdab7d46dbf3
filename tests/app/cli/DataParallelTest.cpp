// SPDX-License-Identifier: GPL-3.0-or-later
// Data-parallel training over c10d's Gloo process group on loopback (127.0.0.1 only), through
// `srlab train --nproc N` as a user runs it. Runs are created without dropout so that ranks,
// whose random streams differ, compute exactly what one process computes.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "model/Nets.h"
#include "support/TestSupport.h"
#include "train/Checkpoint.h"
#include "train/Trainer.h"

namespace srlab {
using namespace test;

namespace {

// A tiny U-Net run on the tone dataset (90 training patches), `batch` per rank.
void makeRun(const std::string& runDir, const std::string& dataset, int batch, int epochs) {
    TrainConfig c;
    c.dataset = dataset;
    c.model = makeModelConfig("audiounet", "tiny");
    c.model.dropout = 0.0f;
    c.batch = batch;
    c.epochs = epochs;
    c.threads = 1;
    c.valItems = 24;
    c.stepsPerEpoch = 4;
    createRun(runDir, c);
}

std::string train(const std::string& args) { return cli() + " train --quiet " + args; }

// Largest difference between two checkpoints' weights.
double weightDistance(const std::string& a, const std::string& b) {
    auto na = loadModel(a), nb = loadModel(b);
    auto pa = na->named_parameters(), pb = nb->named_parameters();
    double d = 0;
    for (const auto& p : pa) d = std::max(d, (p.value() - pb[p.key()]).abs().max().item<double>());
    return d;
}

pid_t spawn(const std::string& cmd) {
    const pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", ("exec " + cmd + " > /dev/null 2>&1").c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

// The pid of the child of `parent` whose environment holds RANK=r (a rank the launcher started).
pid_t rankPid(pid_t parent, int r) {
    const auto kids = run("pgrep -P " + std::to_string(parent)).output;
    std::istringstream in(kids);
    pid_t pid = 0;
    while (in >> pid) {
        std::ifstream env("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
        std::string var;
        while (std::getline(env, var, '\0'))
            if (var == "RANK=" + std::to_string(r)) return pid;
    }
    return -1;
}

}  // namespace

// DDP's promise: 2 ranks x batch 8 take the same steps as 1 rank x batch 16 (the same items in
// the same order; gradients averaged), so losses and weights agree up to float summation order.
void expectTwoRanksEqualOne(const TempDir& d, const std::string& dataset) {
    makeRun(d / "one", dataset, 16, 2);
    makeRun(d / "two", dataset, 8, 2);
    auto r = run(train("--resume " + d / "one"));
    ASSERT_EQ(r.code, 0) << r.output;
    r = run(train("--resume " + d / "two --nproc 2"));
    ASSERT_EQ(r.code, 0) << r.output;
    const auto a = readRunMetrics(d / "one"), b = readRunMetrics(d / "two");
    ASSERT_EQ(a.size(), 10u);  // 2 epochs x (4 steps + validation)
    ASSERT_EQ(b.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(a[i].step, b[i].step);
        if (a[i].hasVal()) {
            EXPECT_NEAR(a[i].valLoss, b[i].valLoss, 1e-5 * std::abs(a[i].valLoss));
            EXPECT_NEAR(a[i].valSnr, b[i].valSnr, 1e-3);
        } else {
            EXPECT_NEAR(a[i].trainLoss, b[i].trainLoss, 1e-5 * std::abs(a[i].trainLoss));
            EXPECT_GT(b[i].samplesPerS, 0.0);
        }
    }
    // Adam's steps are at most lr (3e-4): 8 steps apart by float rounding stay far below 1e-4.
    EXPECT_LT(weightDistance(d / "one/checkpoints/last", d / "two/checkpoints/last"), 1e-4);
    // Only rank 0 wrote the folder: one header, one row per step, one lock holder.
    std::ifstream log(d / "two/train.log");
    const std::string text((std::istreambuf_iterator<char>(log)), {});
    EXPECT_NE(text.find("data-parallel: 2 ranks (Gloo), batch 8 per rank, 16 per step"), std::string::npos) << text;
    EXPECT_NE(text.find("MB of gradients all-reduced per step"), std::string::npos) << text;
}

TEST(DataParallel, TwoRanksOfBatch8EqualOneRankOfBatch16) {
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    expectTwoRanksEqualOne(d, d / "set.h5");
}

// From a streamed dataset with the zoo: each rank cuts its shard's items with the same
// (seed, epoch, item) draws the single rank makes.
TEST(DataParallel, TwoRanksOfAStreamedDatasetEqualOneRank) {
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    const auto r = run(cli() + " dataset build --quiet --input " + d / "audio --out " + d / "set.json" +
                       " --rate 16000 --scale 4 --dim 1024 --stride 512 --split 0.5,0.25,0.25 --degrade zoo");
    ASSERT_EQ(r.code, 0) << r.output;
    expectTwoRanksEqualOne(d, d / "set.json");
}

// A rank killed with -9 (both ranks frozen first, so the kill lands mid-run whatever the load):
// the other stops with a message naming the rank, soon; the folder resumes with 2 ranks and
// ends exactly where an uninterrupted 2-rank run ends.
TEST(DataParallel, AKilledRankStopsTheRunWhichResumesOnTheSameCurve) {
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    makeRun(d / "whole", d / "set.h5", 8, 3);
    makeRun(d / "killed", d / "set.h5", 8, 3);
    auto r = run(train("--resume " + d / "whole --nproc 2"));
    ASSERT_EQ(r.code, 0) << r.output;

    const pid_t launcher = spawn(train("--resume " + d / "killed --nproc 2"));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (!fs::exists(d / "killed/checkpoints/epoch-0001/model.pt")) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the run never reached its first checkpoint";
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const pid_t r0 = rankPid(launcher, 0), r1 = rankPid(launcher, 1);
    ASSERT_GT(r0, 0);
    ASSERT_GT(r1, 0);
    kill(r0, SIGSTOP);
    kill(r1, SIGSTOP);
    kill(r1, SIGKILL);
    const auto t0 = std::chrono::steady_clock::now();
    kill(r0, SIGCONT);
    int status = 0;
    waitpid(launcher, &status, 0);
    const double stopS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_LT(stopS, 60.0) << "the surviving rank took too long to notice";
    EXPECT_NE(run("cat " + d / "killed/status.json").output.find("failed"), std::string::npos);

    r = run(train("--resume " + d / "killed --nproc 2"));
    ASSERT_EQ(r.code, 0) << r.output;
    const auto a = readRunMetrics(d / "whole"), b = readRunMetrics(d / "killed");
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(a[i].step, b[i].step);
        if (a[i].hasVal())
            EXPECT_NEAR(a[i].valLoss, b[i].valLoss, 1e-6 * std::abs(a[i].valLoss));
        else
            EXPECT_NEAR(a[i].trainLoss, b[i].trainLoss, 1e-6 * std::abs(a[i].trainLoss));
    }
    EXPECT_LT(weightDistance(d / "whole/checkpoints/last", d / "killed/checkpoints/last"), 1e-6);
}

// What the launcher says when a rank cannot start the run, and torchrun's variables checked.
TEST(DataParallel, BadLaunchesAreMessages) {
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    auto r = run(train("--dataset " + d / "set.h5 --model audiounet --preset tiny --batch 64 --nproc 2 --run " + d / "big"));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("fewer than one step of 128 (batch 64 x 2 ranks)"), std::string::npos) << r.output;
    r = run("WORLD_SIZE=2 RANK=5 " + train("--resume " + d / "big"));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("RANK: '5' is not a whole number in [0, 1]"), std::string::npos) << r.output;
    r = run("WORLD_SIZE=2 RANK=0 " + train("--resume " + d / "big --nproc 2"));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("--nproc: cannot be combined with torchrun's WORLD_SIZE"), std::string::npos) << r.output;
}

}  // namespace srlab
