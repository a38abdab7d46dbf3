// SPDX-License-Identifier: GPL-3.0-or-later
// The bad-input matrix: every way a user can hand srlab something broken, each run as a user
// would. Every case must end with exit status 1 or 2 (never a signal, never 0), a message that
// names the offending file or option, and no output file left behind.
#include <sndfile.h>

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
        writeText(d / "empty.wav", "");
        writeText(d / "text.wav", "this is not audio at all, just text\n");
        writeMonoWav(d / "good.wav", chirp(100, 7000, 16000, 16000), 16000);
        {  // the good file cut in half: the header promises more than there is
            std::ifstream in(d / "good.wav", std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), {});
            std::ofstream(d / "truncated.wav", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        }
        std::vector<float> nan = chirp(100, 7000, 16000, 16000);
        nan[5000] = NAN;
        writeWav(d / "nan.wav", nan, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
        writeMonoWav(d / "one.wav", {0.1f}, 16000);
        writeMonoWav(d / "lowrate.wav", sine(20, 100, 300), 100);
        fs::create_directories(d / "folder.wav");
        fs::create_directories(d / "audio");
        for (int i = 0; i < 4; ++i) writeMonoWav(d / ("audio/c" + std::to_string(i) + ".wav"), chirp(90, 7000, 16000, 24000), 16000);
        fs::create_directories(d / "audio-low");
        for (int i = 0; i < 4; ++i) writeMonoWav(d / ("audio-low/c" + std::to_string(i) + ".wav"), chirp(90, 1900, 4000, 6000), 4000);
        fs::create_directories(d / "noaudio");
        writeText(d / "noaudio/readme.txt", "nothing here");
        writeText(d / "text.h5", "not an HDF5 file");
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
