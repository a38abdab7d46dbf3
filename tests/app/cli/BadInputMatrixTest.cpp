// SPDX-License-Identifier: GPL-3.0-or-later
// The bad-input matrix: every way a user can hand srlab something broken, each run as a user
// would. Every case must end with exit status 1 or 2 (never a signal, never 0), a message that
// names the offending file or option, and no output file left behind.
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "audio/AudioFile.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;

namespace {

struct Case {
    const char* name;
    std::string args;      // after "srlab "
    std::string expect;    // substring of the message
    std::string output;    // a path that must not exist afterwards ("" = none)
};

// One set of fixtures for all cases.
class BadInputs : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        const TempDir& d = *dir_;
        writeBrokenAudio(d.str());
        fs::create_directories(d / "audio");
        for (int i = 0; i < 4; ++i) writeMonoWav(d / ("audio/c" + std::to_string(i) + ".wav"), chirp(90, 7000, 16000, 24000), 16000);
        fs::create_directories(d / "audio-low");
        for (int i = 0; i < 4; ++i) writeMonoWav(d / ("audio-low/c" + std::to_string(i) + ".wav"), chirp(90, 1900, 4000, 6000), 4000);
        fs::create_directories(d / "noaudio");
        writeText(d / "noaudio/readme.txt", "nothing here");
        writeText(d / "text.h5", "not an HDF5 file");
        writeMonoWav(d / "silence.wav", std::vector<float>(16000, 0.0f), 16000);
        auto r = run(cli() + " dataset build --quiet --input " + d / "audio" + " --out " + d / "set.h5" +
                     " --rate 16000 --scale 4 --dim 1024 --stride 512 --split 0.5,0.25,0.25");
        ASSERT_EQ(r.code, 0) << r.output;
        r = run(cli() + " dataset build --quiet --low-res-input --input " + d / "audio-low" + " --out " + d / "lowres.h5" +
                " --rate 16000 --scale 4 --dim 1024 --stride 512 --split 0.5,0.25,0.25");
        ASSERT_EQ(r.code, 0) << r.output;
        {
            std::ifstream in(d / "set.h5", std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), {});
            std::ofstream(d / "cut.h5", std::ios::binary) << bytes.substr(0, bytes.size() / 3);
        }
        r = run(cli() + " train --quiet --threads 1 --dataset " + d / "set.h5" + " --model audiounet --preset tiny --epochs 1 --batch 4 --run " +
                d / "run");
        ASSERT_EQ(r.code, 0) << r.output;
        // HDF5 files: someone else's, one missing a dataset, one with a mis-shaped dataset.
        const std::string py = "/usr/bin/python3 -c \"import h5py, shutil, sys; d = sys.argv[1]; "
                               "h5py.File(d + '/other.h5', 'w').create_dataset('x', data=[1, 2, 3]); "
                               "shutil.copy(d + '/set.h5', d + '/nolabel.h5'); f = h5py.File(d + '/nolabel.h5', 'r+'); "
                               "del f['train/label']; f.close(); "
                               "shutil.copy(d + '/set.h5', d + '/shape.h5'); f = h5py.File(d + '/shape.h5', 'r+'); "
                               "n = f['train/data'].shape[0]; del f['train/data']; f['train/data'] = [[[0.0]] * 100] * n; f.close()\" ";
        r = run(py + d.str());
        ASSERT_EQ(r.code, 0) << r.output;
        fs::create_directories(d / "badtypes");
        writeText(d / "badtypes/config.json", "{\"dataset\": \"x.h5\", \"model\": {\"arch\": \"audiounet\", \"rate\": 16000, "
                                               "\"scale\": 4, \"dim\": 1024}, \"batch\": \"sixteen\"}");
        fs::create_directories(d / "cut-ck");
        fs::copy(d / "run/checkpoints/best/model.json", d / "cut-ck/model.json");
        {
            std::ifstream in(d / "run/checkpoints/best/model.pt", std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), {});
            std::ofstream(d / "cut-ck/model.pt", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        }
        fs::create_directories(d / "badrun");
        writeText(d / "badrun/config.json", "{ broken");
        fs::create_directories(d / "garbage-ck");
        fs::copy(d / "run/checkpoints/best/model.json", d / "garbage-ck/model.json");
        writeText(d / "garbage-ck/model.pt", "garbage");
        fs::create_directories(d / "mismatch-ck");
        fs::copy(d / "run/checkpoints/best/model.pt", d / "mismatch-ck/model.pt");
        std::ifstream in(d / "run/checkpoints/best/model.json");
        std::string json((std::istreambuf_iterator<char>(in)), {});
        json.replace(json.find("\"preset\": \"tiny\""), 16, "\"preset\": \"smal\"");
        const auto pos = json.find("\"filters\": [");
        json.replace(pos, 12, "\"filters\": [9, ");
        writeText(d / "mismatch-ck/model.json", json);
        fs::create_directories(d / "newer-ck");  // as a future SRLab would write it
        fs::copy(d / "run/checkpoints/best/model.pt", d / "newer-ck/model.pt");
        std::ifstream best(d / "run/checkpoints/best/model.json");
        std::string newer((std::istreambuf_iterator<char>(best)), {});
        ASSERT_NE(newer.find("\"format_version\": 1"), std::string::npos) << newer;
        newer.replace(newer.find("\"format_version\": 1"), 19, "\"format_version\": 2");
        writeText(d / "newer-ck/model.json", newer);
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static TempDir* dir_;
};
TempDir* BadInputs::dir_ = nullptr;

}  // namespace

TEST_F(BadInputs, EveryCaseFailsCleanlyWithAMessageNamingTheProblem) {
    const TempDir& d = *dir_;
    const std::string ck = " --checkpoint " + d / "run/checkpoints/best";
    const std::vector<Case> cases = {
        {"empty audio file", "dataset build --input " + d / "empty.wav" + " --out " + d / "o1.h5", "empty.wav", d / "o1.h5"},
        {"text as audio", "upsample" + ck + " --in " + d / "text.wav" + " --out " + d / "o2.wav", "text.wav", d / "o2.wav"},
        {"truncated wav", "upsample" + ck + " --in " + d / "truncated.wav" + " --out " + d / "o3.wav", "truncated.wav", d / "o3.wav"},
        {"NaN sample", "upsample" + ck + " --in " + d / "nan.wav" + " --out " + d / "o4.wav", "nan.wav", d / "o4.wav"},
        {"folder named .wav", "upsample" + ck + " --in " + d / "folder.wav" + " --out " + d / "o5.wav", "no audio files", d / "o5.wav"},
        {"missing input", "upsample" + ck + " --in " + d / "nope.wav" + " --out " + d / "o6.wav", "nope.wav", d / "o6.wav"},
        {"folder without audio", "dataset build --input " + d / "noaudio" + " --out " + d / "o7.h5", "no input audio files", d / "o7.h5"},
        {"one-sample file", "eval --input " + d / "one.wav" + " --rate 16000 --scale 4", "one.wav", ""},
        {"unwritable output folder", "upsample" + ck + " --in " + d / "good.wav" + " --out /proc/srlab-o.wav", "/proc", "/proc/srlab-o.wav"},
        {"output under a file", "upsample" + ck + " --in " + d / "good.wav" + " --out " + d / "good.wav/o.wav", "good.wav", ""},
        {"output is a folder", "dataset build --input " + d / "audio" + " --out " + d / "audio", "audio", ""},
        {"text as dataset", "dataset inspect " + d / "text.h5", "text.h5", ""},
        {"truncated dataset", "dataset inspect " + d / "cut.h5", "cut.h5", ""},
        {"missing dataset", "train --dataset " + d / "none.h5" + " --run " + d / "r1", "none.h5", d / "r1/config.json"},
        {"unlabelled dataset for training", "train --dataset " + d / "lowres.h5" + " --run " + d / "r2", "lowres.h5", d / "r2/config.json"},
        {"resume a non-run", "train --resume " + d / "audio", "not a run folder", ""},
        {"corrupt run config", "train --resume " + d / "badrun", "config.json", ""},
        {"run folder reused", "train --dataset " + d / "set.h5" + " --run " + d / "run", "already holds a run", ""},
        {"unknown model", "train --dataset " + d / "set.h5" + " --model wavenet --run " + d / "r3", "wavenet", d / "r3/config.json"},
        {"unknown loss", "train --dataset " + d / "set.h5" + " --loss l7 --run " + d / "r4", "l7", d / "r4/config.json"},
        {"zero batch", "train --dataset " + d / "set.h5" + " --batch 0 --run " + d / "r5", "batch", d / "r5/config.json"},
        {"negative learning rate", "train --dataset " + d / "set.h5" + " --lr -1 --run " + d / "r6", "learning rate", d / "r6/config.json"},
        {"garbage weights", "upsample --checkpoint " + d / "garbage-ck" + " --in " + d / "good.wav" + " --out " + d / "o8.wav", "model.pt", d / "o8.wav"},
        {"weights from another config", "upsample --checkpoint " + d / "mismatch-ck" + " --in " + d / "good.wav" + " --out " + d / "o9.wav", "mismatch-ck", d / "o9.wav"},
        {"missing checkpoint", "upsample --checkpoint " + d / "nock" + " --in " + d / "good.wav" + " --out " + d / "o10.wav", "nock", d / "o10.wav"},
        {"overlap over half the chunk", "upsample" + ck + " --in " + d / "good.wav" + " --out " + d / "o11.wav --chunk 1024 --overlap 1000", "overlap", d / "o11.wav"},
        {"unsupported output format", "upsample" + ck + " --in " + d / "good.wav" + " --out " + d / "o12.mp3", "o12.mp3", d / "o12.mp3"},
        {"zero scale", "eval --input " + d / "good.wav" + " --rate 16000 --scale 0", "--scale", ""},
        {"bad split fractions", "dataset build --input " + d / "audio" + " --out " + d / "o13.h5 --split 0.5,0.5,0.5", "split", d / "o13.h5"},
        {"patch not a multiple of r", "dataset build --input " + d / "audio" + " --out " + d / "o14.h5 --dim 1023", "1023", d / "o14.h5"},
        {"rate too low", "dataset build --input " + d / "audio" + " --out " + d / "o15.h5 --rate 10", "rate", d / "o15.h5"},
        {"model for another rate", "eval --input " + d / "good.wav" + " --rate 44100 --scale 4" + ck, "16000 Hz", ""},
        {"empty split", "eval --input " + d / "set.h5" + " --split nosuch", "nosuch", ""},
        {"HDF5 that is not ours", "dataset inspect " + d / "other.h5", "other.h5", ""},
        {"dataset missing its labels", "train --dataset " + d / "nolabel.h5" + " --run " + d / "r7", "nolabel.h5", d / "r7/config.json"},
        {"mis-shaped dataset", "dataset inspect " + d / "shape.h5", "shape.h5", ""},
        {"config with wrong types", "train --resume " + d / "badtypes", "config.json", ""},
        {"truncated checkpoint", "upsample --checkpoint " + d / "cut-ck" + " --in " + d / "good.wav" + " --out " + d / "o17.wav", "model.pt", d / "o17.wav"},
        {"input at 100 Hz", "upsample" + ck + " --in " + d / "lowrate.wav" + " --out " + d / "o16.wav", "lowrate.wav", d / "o16.wav"},
        {"zero channels", "upsample" + ck + " --in " + d / "zero-ch.wav" + " --out " + d / "o18.wav", "zero-ch.wav", d / "o18.wav"},
        {"digital silence as reference", "eval --input " + d / "silence.wav" + " --rate 16000 --scale 4", "silence.wav: digital silence", ""},
        {"scale that does not fit the rate", "dataset build --input " + d / "audio" + " --out " + d / "o19.h5 --rate 44100 --scale 8",
         "not a multiple of the scale 8", d / "o19.h5"},
        {"scale that does not fit the rate (eval)", "eval --input " + d / "good.wav" + " --rate 22050 --scale 4", "5512.5 Hz", ""},
        {"checkpoint of a newer version", "upsample --checkpoint " + d / "newer-ck" + " --in " + d / "good.wav" + " --out " + d / "o20.wav",
         "checkpoint format 2", d / "o20.wav"},
    };
    ASSERT_GE(cases.size(), 25u);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto r = run(cli() + " " + c.args);
        EXPECT_TRUE(r.code == 1 || r.code == 2) << "exit " << r.code << "\n" << r.output;
        EXPECT_NE(r.output.find(c.expect), std::string::npos) << "expected '" << c.expect << "' in:\n" << r.output;
        EXPECT_EQ(r.output.find("unexpected error"), std::string::npos) << r.output;
        if (!c.output.empty()) EXPECT_FALSE(fs::exists(c.output)) << c.output;
    }
}

}  // namespace srlab

namespace srlab {
using namespace test;

// Inputs that are extreme but valid must simply work: the right rate and length, finite samples.
TEST_F(BadInputs, ExtremeButValidInputsWork) {
    const TempDir& d = *dir_;
    const std::string ck = " --checkpoint " + d / "run/checkpoints/best";  // 4 kHz -> 16 kHz
    writeWav(d / "u8.wav", sine(440, 16000, 16000), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_U8);
    writeWav(d / "r384k.wav", sine(1000, 384000, 384000), 384000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    writeMonoWav(d / "dc.wav", std::vector<float>(16000, 0.5f), 16000);
    std::vector<float> square(16000);
    for (size_t i = 0; i < square.size(); ++i) square[i] = (i / 20) % 2 ? 1.0f : -1.0f;  // full scale, 400 Hz
    writeWav(d / "clipped.wav", square, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    for (const char* name : {"u8", "r384k", "dc", "clipped", "silence"}) {
        SCOPED_TRACE(name);
        const std::string out = d / (std::string("x-") + name + ".wav");
        const auto r = run(cli() + " upsample" + ck + " --in " + d / (std::string(name) + ".wav") + " --out " + out);
        ASSERT_EQ(r.code, 0) << r.output;
        int rate = 0;
        const auto y = readMono(out, &rate);
        EXPECT_EQ(rate, 16000);
        EXPECT_EQ(y.size(), 16000u);  // one second in, one second out
        EXPECT_TRUE(std::all_of(y.begin(), y.end(), [](float v) { return std::isfinite(v); }));
    }
    // Baselines keep DC and a full-scale square finite and close to the truth.
    for (const char* name : {"dc", "clipped"}) {
        const auto r = run(cli() + " eval --input " + d / (std::string(name) + ".wav") + " --rate 16000 --scale 4");
        EXPECT_EQ(r.code, 0) << r.output;
        EXPECT_EQ(r.output.find("inf"), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("nan"), std::string::npos) << r.output;
    }
}

// Upsampling (docs/reference.md §4) takes any length: 1, 2, r-1, r and window-1 samples, at the model's low rate
// and at its output rate, through the tiny U-Net (window 1024) and the shipped spectral models
// (whose STFT once refused inputs shorter than its padding with a raw libtorch trace).
TEST_F(BadInputs, MinimalLengthsUpsampleToExactlyTheirLength) {
    const TempDir& d = *dir_;
    struct Model {
        std::string args;
        int low, high;
        size_t window;
    };
    const std::string shipped = std::string(" --checkpoint ") + SRLAB_SOURCE_DIR "/resources/models/";
    const std::vector<Model> models = {{" --checkpoint " + d / "run/checkpoints/best", 4000, 16000, 1024},
                                       {shipped + "music-44k-x4", 11025, 44100, 8192},
                                       {shipped + "speech-16k-x4", 4000, 16000, 8192}};
    for (const auto& m : models)
        for (int rate : {m.low, m.high})
            for (size_t len : {size_t(1), size_t(2), size_t(3), size_t(4), m.window / 4 - 1, m.window - 1}) {
                const std::string name = "short-" + std::to_string(rate) + "-" + std::to_string(len);
                SCOPED_TRACE(name + m.args);
                writeWav(d / (name + ".wav"), sine(300, rate, len), rate, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
                const std::string out = d / (name + "-up.wav");
                const auto r = run(cli() + " upsample" + m.args + " --in " + d / (name + ".wav") + " --out " + out);
                ASSERT_EQ(r.code, 0) << r.output;
                int outRate = 0;
                const auto y = readMono(out, &outRate);
                EXPECT_EQ(outRate, m.high);
                EXPECT_EQ(y.size(), size_t(std::llround(double(len) * m.high / rate)));
                EXPECT_TRUE(std::all_of(y.begin(), y.end(), [](float v) { return std::isfinite(v); }));
            }
}

// Where no sensible output exists (eval of a file shorter than the chain needs), one clear line
// names the file: never a signal, a library's message or a stack trace.
TEST_F(BadInputs, MinimalLengthsEvaluateOrSayWhyNot) {
    const TempDir& d = *dir_;
    const std::string ck = " --checkpoint " + d / "run/checkpoints/best";
    for (size_t len : {size_t(1), size_t(2), size_t(3), size_t(4), size_t(255), size_t(1023), size_t(1024)}) {
        const std::string f = d / ("evalshort-" + std::to_string(len) + ".wav");
        SCOPED_TRACE(f);
        writeWav(f, sine(300, 16000, len), 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
        const auto r = run(cli() + " eval --input " + f + ck + " --rate 16000 --scale 4");
        ASSERT_TRUE(r.code == 0 || r.code == 1) << r.output;
        EXPECT_EQ(r.output.find("unexpected error"), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("Exception raised from"), std::string::npos) << r.output;
        if (r.code == 1) EXPECT_NE(r.output.find(f + ": "), std::string::npos) << r.output;
        if (r.code == 0) EXPECT_EQ(r.output.find("nan"), std::string::npos) << r.output;
    }
}

// The smallest datasets and runs: one patch per split, one step.
TEST_F(BadInputs, OnePatchDatasetsAndOneStepRunsTrain) {
    const TempDir& d = *dir_;
    fs::create_directories(d / "one");
    for (int i = 0; i < 3; ++i) writeMonoWav(d / ("one/c" + std::to_string(i) + ".wav"), chirp(90, 7000, 16000, 1024), 16000);
    auto r = run(cli() + " dataset build --quiet --input " + d / "one" + " --out " + d / "one.h5" +
                 " --rate 16000 --scale 4 --dim 1024 --stride 1024 --split 0.34,0.33,0.33");
    ASSERT_EQ(r.code, 0) << r.output;
    r = run(cli() + " dataset inspect " + d / "one.h5");
    ASSERT_EQ(r.code, 0) << r.output;
    r = run(cli() + " train --quiet --threads 1 --dataset " + d / "one.h5" +
            " --model audiounet --preset tiny --epochs 1 --steps-per-epoch 1 --batch 16 --run " + d / "onerun");
    EXPECT_EQ(r.code, 1) << r.output;  // a batch larger than the split: said, naming the dataset
    EXPECT_NE(r.output.find(d / "one.h5" + ": has 1 training patches, fewer than one batch of 16"), std::string::npos) << r.output;
    r = run(cli() + " train --quiet --threads 1 --dataset " + d / "one.h5" +
            " --model audiounet --preset tiny --epochs 1 --steps-per-epoch 1 --batch 1 --run " + d / "onerun");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_TRUE(fs::exists(d / "onerun/checkpoints/last/model.pt"));
    r = run(cli() + " upsample --checkpoint " + d / "onerun/checkpoints/last --in " + d / "good.wav --out " + d / "one-up.wav");
    EXPECT_EQ(r.code, 0) << r.output;
}

// One hour of audio builds a dataset like one second does (files are processed whole).
TEST_F(BadInputs, OneHourFileBuilds) {
    const TempDir& d = *dir_;
    fs::create_directories(d / "hour");
    writeMonoWav(d / "hour/hour.wav", chirp(50, 7000, 16000, size_t(16000) * 3600), 16000);
    const auto r = run(cli() + " dataset build --quiet --input " + d / "hour" + " --out " + d / "hour.h5" +
                       " --rate 16000 --scale 4 --dim 1024 --stride 65536");
    ASSERT_EQ(r.code, 0) << r.output;
    const auto inspect = run(cli() + " dataset inspect " + d / "hour.h5");
    ASSERT_EQ(inspect.code, 0) << inspect.output;
    EXPECT_NE(inspect.output.find("879"), std::string::npos) << inspect.output;  // (57.6M - 1024) / 65536 + 1
}

// A full disk, injected: the shell ignores SIGXFSZ and caps file size (ulimit -f, KiB), so
// writes past it fail with EFBIG as they would with ENOSPC. On a real small tmpfs too where
// the machine lets the test mount one.
TEST_F(BadInputs, FullDiskFailsCleanlyAndLeavesNothing) {
    const TempDir& d = *dir_;
    const std::string ck = " --checkpoint " + d / "run/checkpoints/best";
    auto capped = [](const std::string& args) { return run("bash -c 'trap \"\" XFSZ; ulimit -f 16; exec " + cli() + " " + args + "'"); };
    fs::create_directories(d / "full");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"dataset build --quiet --input " + d / "audio" + " --out " + d / "full/set.h5", "full/set.h5"},
        {"upsample" + ck + " --in " + d / "good.wav" + " --out " + d / "full/up.wav", "full/up.wav"},
    };
    for (const auto& [args, out] : cases) {
        SCOPED_TRACE(args);
        const auto r = capped(args);
        EXPECT_EQ(r.code, 1) << r.output;
        EXPECT_NE(r.output.find(out), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("unexpected error"), std::string::npos) << r.output;
    }
    EXPECT_TRUE(fs::is_empty(d / "full")) << "partial or temporary files left behind";
    // Training: the checkpoint (a 244 kB model.pt) does not fit under 200 kB.
    const auto t = run("bash -c 'trap \"\" XFSZ; ulimit -f 200; exec " + cli() + " train --quiet --threads 1 --dataset " +
                       d / "set.h5" + " --model audiounet --preset tiny --epochs 1 --batch 4 --run " + d / "fullrun'");
    EXPECT_EQ(t.code, 1) << t.output;
    EXPECT_NE(t.output.find("epoch-0001: cannot write checkpoint"), std::string::npos) << t.output;
    EXPECT_TRUE(fs::is_empty(d / "fullrun/checkpoints")) << "a half-written checkpoint was left";

    fs::create_directories(d / "tmpfs");
    if (run("mount -t tmpfs -o size=64k srlab-test " + d / "tmpfs").code != 0) {
        std::printf("(no tmpfs: this machine does not allow the test to mount one; the injected case ran)\n");
        return;
    }
    const auto r = run(cli() + " dataset build --quiet --input " + d / "audio" + " --out " + d / "tmpfs/set.h5");
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("tmpfs/set.h5"), std::string::npos) << r.output;
    EXPECT_TRUE(fs::is_empty(d / "tmpfs"));
    run("umount " + d / "tmpfs");
}

}  // namespace srlab
