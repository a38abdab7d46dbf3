// SPDX-License-Identifier: GPL-3.0-or-later
// srlab train / upsample / eval --checkpoint as a user runs them, including kill -9 mid-run.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "audio/AudioFile.h"
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

}  // namespace

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
