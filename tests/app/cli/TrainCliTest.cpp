// SPDX-License-Identifier: GPL-3.0-or-later
// srlab train / upsample / eval --checkpoint as a user runs them, including kill -9 mid-run.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "audio/AudioFile.h"
#include "runs/Snapshots.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;

namespace {

std::string makeDataset(const TempDir& d) {
    fs::create_directories(d / "audio");
    for (int i = 0; i < 6; ++i) {
        auto x = chirp(100 + 30 * i, 7000, 16000, 32000, 0.3);
        auto n = noise(32000, unsigned(i), 0.02);
        for (size_t k = 0; k < x.size(); ++k) x[k] += n[k];
        writeMonoWav(d / ("audio/c" + std::to_string(i) + ".wav"), x, 16000);
    }
    auto r = run(cli() + " dataset build --quiet --input " + d / "audio" + " --out " + d / "ds.h5" +
                 " --rate 16000 --scale 4 --dim 1024 --stride 512 --split 0.5,0.25,0.25");
    EXPECT_EQ(r.code, 0) << r.output;
    return d / "ds.h5";
}

std::string train(const std::string& args) { return cli() + " train --quiet --threads 1 " + args; }

// Starts `srlab train ARGS` as a child process; its pid.
pid_t spawnTrain(const std::string& args) {
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string cmd = "exec " + train(args) + " > /dev/null 2>&1";
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    return pid;
}

// Data rows in a run's metrics.csv (the header excluded).
int metricsRows(const std::string& runDir) {
    std::ifstream in(runDir + "/metrics.csv");
    std::string line;
    int rows = -1;
    while (std::getline(in, line)) ++rows;
    return std::max(rows, 0);
}

// Waits (on the run's own progress, not on the clock) until metrics.csv has `rows` rows.
void waitForRows(const std::string& runDir, int rows) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (metricsRows(runDir) < rows) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << runDir << " never reached " << rows << " rows";
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void killAndReap(pid_t pid) {
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
}

}  // namespace

// Two writers of one run folder: the second is refused with a message while the first holds it
// (stopped with SIGSTOP, so the test does not race the run's end); after kill -9 of the first,
// the folder is free and resumes.
TEST(TrainCli, ASecondWriterOfARunFolderIsRefused) {
    TempDir d;
    const auto ds = makeDataset(d);
    const std::string runDir = d / "run";
    const pid_t a = spawnTrain("--dataset " + ds + " --model audiounet --preset tiny --epochs 4 --steps-per-epoch 5 --batch 2 --run " + runDir);
    waitForRows(runDir, 1);
    kill(a, SIGSTOP);
    auto r = run(train("--resume " + runDir));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find(runDir + ": is being trained by another process (pid " + std::to_string(a) + ")"), std::string::npos)
        << r.output;
    r = run(train("--dataset " + ds + " --model audiounet --preset tiny --run " + runDir));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find(runDir + ": "), std::string::npos) << r.output;
    killAndReap(a);
    r = run(train("--resume " + runDir));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(run("cat " + runDir + "/status.json").output.find("finished"), std::string::npos);
}

// kill -9 while snapshots are written, at many moments: the index only names complete
// snapshots, every snapshot file under its final name is whole, and the run resumes.
TEST(TrainCli, KillDuringSnapshotsLeavesNoHalfFile) {
    TempDir d;
    const auto ds = makeDataset(d);
    const std::string runDir = d / "run";
    const std::string create = "--dataset " + ds + " --model audiounet --preset tiny --epochs 400 --steps-per-epoch 1 "
                               "--batch 2 --val-items 2 --snapshot-clips 3 --snapshot-seconds 0.5 --run " + runDir;
    for (int trial = 0; trial < 8; ++trial) {
        const int before = metricsRows(runDir);
        const pid_t pid = spawnTrain(trial == 0 ? create : "--resume " + runDir);
        waitForRows(runDir, before + 2 + trial % 3);  // the kill lands at a different moment each time
        std::this_thread::sleep_for(std::chrono::milliseconds(3 * trial));
        killAndReap(pid);
        const SnapshotIndex idx = readSnapshotIndex(runDir);
        ASSERT_EQ(idx.clips.size(), 3u);
        for (int64_t step : idx.steps)
            for (const auto& clip : idx.clips) {
                SCOPED_TRACE(snapshotPath(runDir, step, clip.name));
                const AudioInfo a = probeAudio(snapshotPath(runDir, step, clip.name));
                EXPECT_EQ(a.frames, 8192);
            }
        // Any snapshot file under a final name (not a dot-named temp file) is whole.
        for (const auto& e : fs::recursive_directory_iterator(runDir + "/snapshots")) {
            const std::string name = e.path().filename().string();
            if (e.path().extension() != ".flac" || name[0] == '.') continue;
            SCOPED_TRACE(e.path().string());
            EXPECT_EQ(probeAudio(e.path().string()).frames, 8192);
        }
    }
    // It resumes, and stops cleanly on Ctrl-C with its snapshots whole.
    const int before = metricsRows(runDir);
    const pid_t pid = spawnTrain("--resume " + runDir);
    waitForRows(runDir, before + 2);
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << status;
    const SnapshotIndex idx = readSnapshotIndex(runDir);
    ASSERT_FALSE(idx.steps.empty());
    EXPECT_EQ(probeAudio(snapshotPath(runDir, idx.steps.back(), "clip-3")).frames, 8192);
}

// The dataset replaced (as `dataset build` replaces a file: a new file renamed over it) while a
// run trains: the run reads the file it opened to its end; resuming it against the new dataset is
// refused with a message, and with the original restored it resumes.
TEST(TrainCli, ADatasetReplacedWhileTrainingIsNotSilentlyMixedIn) {
    TempDir d;
    const auto ds = makeDataset(d);
    fs::copy_file(ds, d / "original.h5");
    const std::string runDir = d / "run";
    const pid_t a = spawnTrain("--dataset " + ds + " --model audiounet --preset tiny --epochs 12 --steps-per-epoch 5 --batch 2 --run " + runDir);
    waitForRows(runDir, 1);
    kill(a, SIGSTOP);
    const int rows = metricsRows(runDir);
    for (int i = 0; i < 6; ++i) writeMonoWav(d / ("audio/c" + std::to_string(i) + ".wav"), sine(300 + 50 * i, 16000, 32000), 16000);
    auto r = run(cli() + " dataset build --quiet --input " + d / "audio" + " --out " + ds +
                 " --rate 16000 --scale 4 --dim 1024 --stride 512 --split 0.5,0.25,0.25");
    ASSERT_EQ(r.code, 0) << r.output;
    kill(a, SIGCONT);
    waitForRows(runDir, rows + 2);  // still training, on the file it opened
    killAndReap(a);
    r = run(train("--resume " + runDir));
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find(ds + ": has changed since this run was created"), std::string::npos) << r.output;
    fs::rename(d / "original.h5", ds);
    r = run(train("--resume " + runDir));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(run("cat " + runDir + "/status.json").output.find("finished"), std::string::npos);
}

// A workspace on a read-only filesystem: every command that writes says so, naming the path.
TEST(TrainCli, AReadOnlyWorkspaceIsAMessage) {
    TempDir d;
    const auto ds = makeDataset(d);
    fs::create_directories(d / "ro");
    if (run("mount -t tmpfs -o size=1m,ro srlab-ro " + d / "ro").code != 0) {
        GTEST_SKIP() << "this machine does not let the test mount a read-only filesystem";
    }
    writeMonoWav(d / "in.wav", chirp(100, 1900, 4000, 4000), 4000);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {train("--dataset " + ds + " --model audiounet --preset tiny --epochs 1 --run " + d / "ro/run"), d / "ro/run"},
        {cli() + " dataset build --quiet --input " + d / "audio" + " --out " + d / "ro/set.h5", d / "ro/set.h5"},
        {cli() + " upsample --in " + d / "in.wav" + " --out " + d / "ro/up.wav", d / "ro/up.wav"},
    };
    for (const auto& [cmd, path] : cases) {
        SCOPED_TRACE(cmd);
        const auto r = run(cmd);
        EXPECT_EQ(r.code, 1) << r.output;
        EXPECT_NE(r.output.find(path), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("Read-only file system"), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("unexpected error"), std::string::npos) << r.output;
    }
    run("umount " + d / "ro");
}

TEST(TrainCli, TrainUpsampleEvalAndReadTheCheckpointBack) {
    TempDir d;
    const auto ds = makeDataset(d);
    auto r = run(train("--dataset " + ds + " --model audiounet --preset tiny --epochs 2 --batch 4 --run " + d / "run"));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("epoch 2: val loss"), std::string::npos) << r.output;

    // A 22.05 kHz file of odd length: resampled to 4 kHz, out at 16 kHz with the same duration.
    writeMonoWav(d / "in.wav", chirp(200, 1800, 22050, 22051), 22050);
    r = run(cli() + " upsample --checkpoint " + d / "run/checkpoints/best" + " --in " + d / "in.wav" + " --out " + d / "out.wav");
    ASSERT_EQ(r.code, 0) << r.output;
    const AudioInfo out = probeAudio(d / "out.wav");
    EXPECT_EQ(out.frames, std::llround(22051 * 16000.0 / 22050));
    EXPECT_EQ(out.rate, 16000);

    r = run(cli() + " eval --input " + ds + " --split test --checkpoint " + d / "run/checkpoints/best/model.pt" +
            " --csv " + d / "eval.csv");
    ASSERT_EQ(r.code, 0) << r.output;
    std::ifstream csv(d / "eval.csv");
    std::string all((std::istreambuf_iterator<char>(csv)), {});
    EXPECT_NE(all.find("audiounet/tiny"), std::string::npos) << all;
    EXPECT_NE(all.find("spline"), std::string::npos);
}

// A run that TensorBoard opens: its own reader (PyPI's tensorboard, in the virtual environment
// scripts/reference-venv.sh makes) finds every scalar of metrics.csv with equal values, and
// every audio snapshot, in the event file the trainer wrote into the run folder.
TEST(TrainCli, TensorBoardReadsTheRunsScalarsAndAudio) {
    const char* python = std::getenv("SRLAB_REF_PYTHON");
    if (!python || !*python) {
        if (std::getenv("CI")) FAIL() << "SRLAB_REF_PYTHON is not set in CI (scripts/test.sh sets it)";
        GTEST_SKIP() << "set SRLAB_REF_PYTHON to a python with tensorboard (scripts/reference-venv.sh)";
    }
    TempDir d;
    const auto ds = makeDataset(d);
    auto r = run(train("--dataset " + ds + " --model audiounet --preset tiny --epochs 2 --steps-per-epoch 4 --batch 4 "
                       "--snapshot-clips 2 --snapshot-seconds 0.25 --lr-schedule cosine --warmup-steps 2 --run " + d / "run"));
    ASSERT_EQ(r.code, 0) << r.output;
    r = run(std::string(python) + " " + SRLAB_SOURCE_DIR + "/tests/python/tensorboard_check.py " + d / "run");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("ok"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("2 clips x 2 snapshots"), std::string::npos) << r.output;
}

TEST(TrainCli, BadInputsNameTheFileAndTheProblem) {
    TempDir d;
    auto r = run(train("--dataset " + d / "none.h5" + " --run " + d / "run"));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find("none.h5"), std::string::npos) << r.output;
    r = run(train("--resume " + d.str()));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find("not a run folder"), std::string::npos) << r.output;
    r = run(train("--dataset x.h5 --model wavenet --run " + d / "run2"));
    EXPECT_NE(r.output.find("unknown architecture"), std::string::npos) << r.output;
    writeMonoWav(d / "in.wav", sine(300, 8000, 8000), 8000);
    r = run(cli() + " upsample --checkpoint " + d / "missing" + " --in " + d / "in.wav --out " + d / "o.wav");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find("missing: no such checkpoint"), std::string::npos) << r.output;
    fs::create_directories(d / "fake");
    writeText(d / "fake/model.json", "{\"model\": {\"arch\": \"audiounet\"}}");
    r = run(cli() + " upsample --checkpoint " + d / "fake" + " --in " + d / "in.wav --out " + d / "o.wav");
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find("model.json"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(d / "o.wav"));
}

// kill -9 in the middle of training loses at most the steps since the last checkpoint; the
// resumed run finishes with the same number of steps as an uninterrupted one.
TEST(TrainCli, KilledRunResumesFromItsLastCheckpoint) {
    TempDir d;
    const auto ds = makeDataset(d);
    const std::string args = "--dataset " + ds + " --model audiounet --preset tiny --epochs 6 --batch 2 --run " + d / "run";
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string cmd = "exec " + train(args) + " > /dev/null 2>&1";
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(d / "run/checkpoints/epoch-0002") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
    auto r = run(train("--resume " + d / "run"));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("resumed from step"), std::string::npos) << r.output;
    std::ifstream csv(d / "run/metrics.csv");
    std::string line, last;
    int rows = 0;
    std::getline(csv, line);
    int64_t prev = 0;
    bool ordered = true;
    while (std::getline(csv, line)) {
        ++rows;
        int64_t step = std::stoll(line.substr(0, line.find(',')));
        ordered &= step >= prev;
        prev = step;
    }
    EXPECT_TRUE(ordered);  // no rows from the killed tail left behind
    EXPECT_TRUE(fs::exists(d / "run/checkpoints/epoch-0006"));
    EXPECT_NE(run("cat " + d / "run/status.json").output.find("finished"), std::string::npos);
}

}  // namespace srlab
