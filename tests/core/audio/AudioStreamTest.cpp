// SPDX-License-Identifier: GPL-3.0-or-later
// Streams give what whole signals give: the resampler against libsoxr's one-shot call (the
// whole-file path), the reader against readMono, the writer against writeAudio; and the
// writer leaves nothing under the final name when it fails or is abandoned.
#include "audio/AudioStream.h"

#include <signal.h>
#include <sndfile.h>
#include <soxr.h>
#include <sys/resource.h>

#include <random>

#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;
namespace {

// A stream cut into pieces of random sizes (1 sample to 3 blocks).
template <typename Push>
void inPieces(const std::vector<float>& x, unsigned seed, Push push) {
    std::mt19937 g(seed);
    std::uniform_int_distribution<size_t> len(1, 200000);
    for (size_t at = 0; at < x.size();) {
        const size_t n = std::min(len(g), x.size() - at);
        push(x.data() + at, n);
        at += n;
    }
}

std::vector<float> oneshot(const std::vector<float>& x, double in, double out) {
    const size_t len = size_t(std::llround(double(x.size()) * out / in));
    std::vector<float> y(len);
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t qs = soxr_quality_spec(SOXR_HQ, 0);
    soxr_runtime_spec_t rt = soxr_runtime_spec(1);
    size_t done = 0;
    EXPECT_EQ(soxr_oneshot(in, out, 1, x.data(), x.size(), nullptr, y.data(), y.size(), &done, &io, &qs, &rt), nullptr);
    y.resize(done);
    y.resize(len, 0.0f);
    return y;
}

}  // namespace

TEST(StreamResampler, PiecesOfAnySizeGiveTheOneShotResult) {
    const auto x = chirp(50, 5000, 11025, 700001);
    for (auto [in, out] : {std::pair{11025.0, 4000.0}, {44100.0, 11025.0}, {16000.0, 44100.0}, {8000.0, 8000.0}}) {
        SCOPED_TRACE(std::to_string(in) + " -> " + std::to_string(out));
        const auto expected = in == out ? x : oneshot(x, in, out);
        std::vector<float> got;
        const SampleSink append = [&](const float* s, size_t n) { got.insert(got.end(), s, s + n); };
        StreamResampler r(in, out);
        inPieces(x, unsigned(in), [&](const float* p, size_t n) { r.push(p, n, append); });
        r.finish(append);
        ASSERT_EQ(got.size(), expected.size());
        float worst = 0;
        for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - expected[i]));
        EXPECT_LE(worst, 1e-6f);
        EXPECT_EQ(resample(x, in, out), got);  // the whole-signal call is the same stream
    }
    // Shorter than one output sample, and nothing at all.
    StreamResampler tiny(44100, 4000);
    std::vector<float> got;
    const float one = 0.5f;
    tiny.push(&one, 1, [&](const float* s, size_t n) { got.insert(got.end(), s, s + n); });
    tiny.finish([&](const float* s, size_t n) { got.insert(got.end(), s, s + n); });
    EXPECT_TRUE(got.empty());
}

TEST(AudioStream, ReaderMixesAndNamesBadFramesAsReadMonoDoes) {
    TempDir d;
    const auto left = chirp(100, 3000, 16000, 50000), right = noise(50000, 3);
    std::vector<float> inter(100000);
    for (size_t i = 0; i < 50000; ++i) inter[2 * i] = left[i], inter[2 * i + 1] = right[i];
    writeWav(d / "st.wav", inter, 16000, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    int rate = 0;
    const auto whole = readMono(d / "st.wav", &rate);
    AudioReader reader(d / "st.wav");
    EXPECT_EQ(reader.rate(), 16000);
    EXPECT_EQ(reader.framesHint(), 50000);
    std::vector<float> streamed;
    pump(reader, [&](const float* s, size_t n) { streamed.insert(streamed.end(), s, s + n); }, 777);
    EXPECT_EQ(streamed, whole);
    // A NaN 40000 frames in is named by its frame, after the blocks before it were read.
    auto bad = left;
    bad[40000] = NAN;
    writeWav(d / "nan.wav", bad, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    AudioReader nan(d / "nan.wav");
    try {
        pump(nan, [](const float*, size_t) {}, 4096);
        FAIL() << "a NaN sample must stop the stream";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("nan.wav"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("frame 40000"), std::string::npos) << e.what();
    }
    // A file cut mid-data is refused when opened, not read as a shorter recording.
    const std::string bytes = readBytes(d / "st.wav");
    writeText(d / "cut.wav", bytes.substr(0, bytes.size() / 2));
    try {
        AudioReader cut(d / "cut.wav");
        FAIL() << "a truncated file must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cut.wav: truncated"), std::string::npos) << e.what();
    }
}

TEST(AudioStream, WriterInPiecesEqualsWriteAudioAndAppearsOnlyOnCommit) {
    TempDir d;
    const auto x = chirp(100, 7000, 44100, 300001);
    for (const char* name : {"a.wav", "a.flac"}) {
        SCOPED_TRACE(name);
        writeAudio(d / (std::string("whole-") + name), x, 44100);
        {
            AudioWriter w(d / name, 44100);
            inPieces(x, 5, [&](const float* p, size_t n) { w.write(p, n); });
            EXPECT_FALSE(fs::exists(d / name));
            w.commit();
        }
        int rate = 0;
        EXPECT_EQ(readMono(d / name, &rate), readMono(d / (std::string("whole-") + name), &rate));
        EXPECT_EQ(rate, 44100);
    }
    EXPECT_EQ(readBytes(d / "a.wav").substr(0, 4), "RIFF");  // a plain WAV below 4 GiB
    {
        AudioWriter abandoned(d / "gone.wav", 16000);
        abandoned.write(x.data(), 1000);
    }
    EXPECT_FALSE(fs::exists(d / "gone.wav"));
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(d.str())) files += e.path().filename().string()[0] == '.';
    EXPECT_EQ(files, 0u) << "no temporary file is left behind";
}

// A full disk is a write that fails: the file-size limit makes one without filling a disk.
TEST(AudioStream, AFullDiskIsOneLineNamingTheFileAndLeavesNothing) {
    TempDir d;
    struct rlimit old {};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 1 << 20;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string message;
    try {
        AudioWriter w(d / "big.wav", 44100);
        const auto x = noise(44100, 1);
        for (int s = 0; s < 20; ++s) w.write(x.data(), x.size());
        w.commit();
    } catch (const Error& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    EXPECT_NE(message.find("big.wav"), std::string::npos) << message;
    EXPECT_NE(message.find("disk full"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_FALSE(fs::exists(d / "big.wav"));
    EXPECT_TRUE(fs::is_empty(d.str()));
}

}  // namespace srlab
