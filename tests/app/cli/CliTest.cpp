// SPDX-License-Identifier: GPL-3.0-or-later
// The srlab binary as a user runs it: exit codes, messages naming files, no partial output,
// Ctrl-C and kill -9 during a build, and the dataset read back with h5py.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/TestSupport.h"

namespace srlab {
using namespace test;

namespace {

std::string build(const std::string& args) { return cli() + " dataset build --quiet " + args; }

bool anyFileBesides(const TempDir& d, const std::string& ext) {
    for (const auto& e : fs::directory_iterator(d.str()))
        if (e.path().extension() != ext) return true;
    return false;
}

// Starts the CLI with a long build, sends `sig` after `ms`, returns the exit status.
int interruptBuild(const std::string& dir, const std::string& args, int sig, int ms) {
    const pid_t pid = fork();
    if (pid == 0) {
        const std::string cmd = build(args) + " > /dev/null 2>&1";
        execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // Wait until the build has started writing its temp file, then give it `ms` more.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (bool started = false; !started && std::chrono::steady_clock::now() < deadline;) {
        for (const auto& e : fs::directory_iterator(dir))
            started |= e.path().filename().string().rfind(".big.h5.tmp-", 0) == 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST(Cli, VersionAndHelp) {
    const auto v = run(cli() + " --version");
    EXPECT_EQ(v.code, 0);
    EXPECT_NE(v.output.find("srlab 0."), std::string::npos);
    const auto h = run(cli() + " dataset build --help");
    EXPECT_EQ(h.code, 0);
    EXPECT_NE(h.output.find("--filter"), std::string::npos);
    EXPECT_NE(run(cli() + " frobnicate").code, 0);
}

TEST(Cli, BadInputsGiveClearErrorsAndNoOutput) {
    TempDir d;
    std::ofstream(d / "empty.wav").close();
    std::ofstream(d / "text.wav") << "hello";
    struct Case {
        std::string args, expect;
    } cases[] = {
        {"--input " + (d / "empty.wav") + " --out " + (d / "o.h5"), "empty.wav: file is empty"},
        {"--input " + (d / "text.wav") + " --out " + (d / "o.h5"), "text.wav: not a readable audio file"},
        {"--input " + (d / "nowhere") + " --out " + (d / "o.h5"), "nowhere: no such file or folder"},
        {"--input " + (d / "text.wav") + " --out " + (d / "no/dir/o.h5"), "does not exist"},
        {"--input " + (d / "text.wav") + " --out " + d.str(), "is a folder"},
        {"--input " + (d / "text.wav") + " --out " + (d / "o.h5") + " --dim 8191", "not a multiple of the scale"},
        {"--input " + (d / "text.wav") + " --out " + (d / "o.h5") + " --filter butter", "unknown decimation filter"},
        {"--input " + (d / "text.wav") + " --out " + (d / "o.h5") + " --split 0.5,0.5", "three fractions"},
    };
    for (const auto& c : cases) {
        const auto r = run(build(c.args));
        EXPECT_EQ(r.code, 1) << c.args << "\n" << r.output;
        EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.args << "\n" << r.output;
        EXPECT_FALSE(anyFileBesides(d, ".wav")) << c.args;
    }
    const auto i = run(cli() + " dataset inspect " + (d / "text.wav"));
    EXPECT_EQ(i.code, 1);
    EXPECT_NE(i.output.find("text.wav: not an HDF5 file"), std::string::npos) << i.output;
}

TEST(Cli, BuildInspectEvalAndReadWithH5py) {
    TempDir d;
    for (int i = 0; i < 6; ++i)
        writeMonoWav(d / ("c" + std::to_string(i) + ".wav"), chirp(80, 7000 + 100 * i, 16000, 40000), 16000);
    writeMonoWav(d / "tiny.wav", sine(200, 16000, 500), 16000);
    const auto b = run(build("--input " + d.str() + " --out " + (d / "set.h5") + " --dim 4096 --stride 2048 --split 0.5,0.25,0.25 --report " + (d / "report.json")));
    ASSERT_EQ(b.code, 0) << b.output;
    EXPECT_NE(b.output.find("skipped " + (d / "tiny.wav") + ": shorter than one patch"), std::string::npos) << b.output;
    EXPECT_TRUE(fs::exists(d / "report.json"));
    // What docs/cli.md ("Dataset formats") promises Python users.
    const auto py = run("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + (d / "set.h5") +
                        "', 'r'); x, y = f['train/data'][:], f['train/label'][:]; "
                        "assert x.shape[1:] == (4096, 1) and x.shape == y.shape and x.dtype == 'float32'; "
                        "import json; assert json.loads(f.attrs['spec'])['rate'] == 16000; "
                        "print(x.shape[0], f.attrs['rate'], f.attrs['filter'].decode())\"");
    ASSERT_EQ(py.code, 0) << py.output;
    EXPECT_NE(py.output.find("16000 cheby"), std::string::npos) << py.output;
    const auto i = run(cli() + " dataset inspect " + (d / "set.h5") + " --json " + (d / "stats.json"));
    EXPECT_EQ(i.code, 0) << i.output;
    EXPECT_NE(i.output.find("all patches finite"), std::string::npos) << i.output;
    EXPECT_NE(i.output.find("train"), std::string::npos);
    const auto e = run(cli() + " eval --input " + d.str() + " --rate 16000 --scale 4 --baseline spline --baseline linear --csv " + (d / "m.csv"));
    EXPECT_EQ(e.code, 0) << e.output;
    EXPECT_NE(e.output.find("lsd_hf"), std::string::npos);
    EXPECT_NE(e.output.find("too short to evaluate"), std::string::npos) << e.output;
    EXPECT_TRUE(fs::exists(d / "m.csv"));
}

// Real-world input from the command line: a zoo dataset names each file's chain (h5py reads
// it back), and the robustness matrix scores every case; a bad chain is one clear line.
TEST(Cli, DegradationZooAndRobustnessMatrix) {
    TempDir d;
    for (int i = 0; i < 4; ++i)
        writeMonoWav(d / ("c" + std::to_string(i) + ".wav"), chirp(80, 7000 + 100 * i, 16000, 40000), 16000);
    const auto b = run(build("--input " + d.str() + " --out " + (d / "zoo.h5") +
                             " --dim 4096 --stride 2048 --split 0.5,0.25,0.25 --degrade zoo,codec=1"));
    ASSERT_EQ(b.code, 0) << b.output;
    const auto py = run("/usr/bin/python3 -c \"import h5py, json; f = h5py.File('" + (d / "zoo.h5") +
                        "', 'r'); m = json.loads(f['manifest'][()]); s = json.loads(f.attrs['spec']); "
                        "last = {e['degradation'].split('+')[-1].split(':')[0] for e in m['sources']}; "
                        "assert last <= {'mp3', 'opus', 'vorbis'}, last; print(s['degrade'], len(m['sources']))\"");
    ASSERT_EQ(py.code, 0) << py.output;
    // codec=1: every file's chain ends in a codec round trip (asserted in Python above)
    EXPECT_NE(py.output.find("zoo,codec=1 4"), std::string::npos) << py.output;
    writeText(d / "cases.txt", "cheby  # the published filter\nbutter:4/min\nsoxr+vorbis:0.5\n");
    const auto e = run(cli() + " eval --input " + (d / "c0.wav") + " --input " + (d / "c1.wav") +
                       " --rate 16000 --scale 4 --baseline spline --degradations " + (d / "cases.txt") + " --json " +
                       (d / "m.json"));
    ASSERT_EQ(e.code, 0) << e.output;
    for (const char* c : {"butter:4/min", "soxr+vorbis:0.5", "mean over cases"})
        EXPECT_NE(e.output.find(c), std::string::npos) << c << "\n" << e.output;
    const auto j = nlohmann::json::parse(std::ifstream(d / "m.json"));
    ASSERT_EQ(j["cases"].size(), 3u);
    EXPECT_GT(j["cases"][2]["codec_kbps"].get<double>(), 1.0);
    const auto one = run(cli() + " eval --input " + (d / "c0.wav") + " --rate 16000 --scale 4 --filter ellip:6");
    EXPECT_EQ(one.code, 0) << one.output;
    EXPECT_NE(one.output.find("low-res made by ellip:6"), std::string::npos) << one.output;
    const auto bad = run(cli() + " eval --input " + (d / "c0.wav") + " --filter lanczos:3");
    EXPECT_NE(bad.code, 0);
    EXPECT_NE(bad.output.find("degradation 'lanczos:3': unknown filter 'lanczos'"), std::string::npos) << bad.output;
    const auto badZoo = run(build("--input " + d.str() + " --out " + (d / "bad.h5") + " --degrade zoo,colour=red"));
    EXPECT_NE(badZoo.code, 0);
    EXPECT_NE(badZoo.output.find("unknown key 'colour'"), std::string::npos) << badZoo.output;
    EXPECT_FALSE(fs::exists(d / "bad.h5"));
}

TEST(Cli, InterruptedBuildsLeaveNoFileUnderTheFinalName) {
    TempDir d;
    // About 25 minutes of audio on one thread: several seconds of work to interrupt.
    for (int i = 0; i < 25; ++i)
        writeMonoWav(d / ("n" + std::to_string(i) + ".wav"), noise(48000 * 60, unsigned(i), 0.2), 48000);
    const std::string args = "--input " + d.str() + " --out " + (d / "big.h5") + " --rate 48000 --threads 1";
    EXPECT_EQ(interruptBuild(d.str(), args, SIGINT, 200), 130);
    EXPECT_FALSE(anyFileBesides(d, ".wav")) << "Ctrl-C left a file behind";
    interruptBuild(d.str(), args, SIGKILL, 200);
    EXPECT_FALSE(fs::exists(d / "big.h5")) << "kill -9 left a file under the final name";
    const auto again = run(build(args));  // and the next build works
    EXPECT_EQ(again.code, 0) << again.output;
    EXPECT_TRUE(fs::exists(d / "big.h5"));
}


// `srlab upsample --auto` reads each file's bandwidth: a 44.1 kHz file with nothing above
// 5 kHz is upsampled from its content with the music model; a full-band file is left alone and
// said to be. Without --auto the bandwidth is still printed.
TEST(Cli, UpsampleAutoGoesByTheDetectedBandwidth) {
    TempDir d;
    fs::create_directories(d / "in");
    writeMonoWav(d / "in/narrow.wav", chirp(100, 5000, 44100, 44100 * 2), 44100);
    writeMonoWav(d / "in/full.wav", noise(44100 * 2, 1, 0.1), 44100);
    const auto r = run(cli() + " upsample --auto --in " + (d / "in") + " --out " + (d / "out"));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_TRUE(fs::exists(d / "out/narrow.wav")) << r.output;
    EXPECT_FALSE(fs::exists(d / "out/full.wav")) << r.output;
    EXPECT_NE(r.output.find("full.wav: not upsampled"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("narrow.wav: content up to 5."), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("music-44k-x4"), std::string::npos) << r.output;
    const auto plain = run(cli() + " upsample --in " + (d / "in/full.wav") + " --out " + (d / "plain.wav"));
    ASSERT_EQ(plain.code, 0) << plain.output;
    EXPECT_NE(plain.output.find("full band"), std::string::npos) << plain.output;
    EXPECT_NE(plain.output.find("note: content up to 22.1 kHz already reaches past"), std::string::npos) << plain.output;
}

// Low-band consistency from the command line: on by default, `--low-band model` turns it off
// (a different output), and eval's `both` scores a model both ways with the new metrics.
TEST(Cli, LowBandSwitchAndPerceptualMetrics) {
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    const std::string model = std::string(SRLAB_SOURCE_DIR) + "/resources/models/speech-16k-x4";
    writeMonoWav(d / "low.wav", chirp(100, 1500, 4000, 4000 * 2), 4000);
    for (const char* how : {"input", "model"}) {
        const auto r = run(cli() + " upsample --checkpoint " + model + " --low-band " + how + " --in " + (d / "low.wav") +
                           " --out " + (d / (std::string(how) + ".wav")));
        ASSERT_EQ(r.code, 0) << r.output;
    }
    EXPECT_NE(readBytes(d / "input.wav"), readBytes(d / "model.wav"));
    EXPECT_NE(run(cli() + " upsample --checkpoint " + model + " --low-band maybe --in " + (d / "low.wav") + " --out " +
                  (d / "x.wav")).code, 0);
    const auto e = run(cli() + " eval --input " + (d / "speech.wav") + " --checkpoint " + model + " --low-band both");
    ASSERT_EQ(e.code, 0) << e.output;
    for (const char* want : {"spectral/small (model's low band)", "si_sdr", "stoi", "estoi"})
        EXPECT_NE(e.output.find(want), std::string::npos) << want << "\n" << e.output;
}

// `srlab mushra` summarises results files as the workbench does, and names a bad one.
TEST(Cli, MushraSummary) {
    TempDir d;
    writeText(d / "r.csv", "listener,file,excerpt,trial,condition,score\nA,f,e,1,hidden reference,100\n"
                           "A,f,e,1,model,70\nB,f,e,1,hidden reference,50\nB,f,e,1,model,10\n");
    const auto r = run(cli() + " mushra " + (d / "r.csv") + " --csv " + (d / "s.csv"));
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("left out 1"), std::string::npos) << r.output;
    EXPECT_NE(readBytes(d / "s.csv").find("\"model\",1,70"), std::string::npos) << readBytes(d / "s.csv");
    writeText(d / "bad.csv", "hello\n");
    const auto b = run(cli() + " mushra " + (d / "bad.csv"));
    EXPECT_NE(b.code, 0);
    EXPECT_NE(b.output.find("bad.csv"), std::string::npos) << b.output;
}

}  // namespace srlab
