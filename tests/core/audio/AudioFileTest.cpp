// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/AudioFile.h"

#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

namespace {
std::string errorOf(const std::string& path) {
    try {
        readAudio(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(AudioFile, ReadsEveryContainerAndMixesToMono) {
    TempDir d;
    const auto x = sine(440, 22050, 5000);
    std::vector<float> stereo;
    for (float v : x) {
        stereo.push_back(v);
        stereo.push_back(-v * 0.5f);
    }
    const std::pair<const char*, int> formats[] = {
        {"a.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16},   {"b.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24},
        {"c.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},   {"d.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT},
        {"e.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8},   {"f.opus", SF_FORMAT_OGG | SF_FORMAT_OPUS}};
    for (const auto& [name, fmt] : formats) {
        const int rate = (fmt & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS ? 48000 : 22050;
        writeWav(d / name, stereo, rate, 2, fmt);
        AudioBuffer b = readAudio(d / name);
        EXPECT_EQ(b.channels, 2) << name;
        EXPECT_EQ(b.rate, rate) << name;
        EXPECT_NEAR(double(b.frames()), 5000.0, 1000.0) << name;
        const auto mono = mixToMono(b);
        // Mid-file sample of the mix is 0.25 * x (lossy codecs only roughly).
        const bool lossless = name[0] != 'c' && name[0] != 'f';
        if (lossless)
            for (size_t i = 1000; i < 1010; ++i) EXPECT_NEAR(mono[i], 0.25f * x[i], 0.01f) << name;
    }
}

TEST(AudioFile, BadFilesGiveMessagesNamingTheFile) {
    TempDir d;
    std::ofstream(d / "empty.wav").close();
    std::ofstream(d / "text.wav") << "this is not audio, just text pretending to be a wav file\n";
    writeMonoWav(d / "good.wav", sine(100, 8000, 8000), 8000);
    {  // truncated: cut the data chunk short
        std::ifstream in(d / "good.wav", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        std::ofstream(d / "trunc.wav", std::ios::binary) << bytes.substr(0, 2000);
        std::ofstream(d / "header.wav", std::ios::binary) << bytes.substr(0, 20);
    }
    std::vector<float> nan(100, 0.1f);
    nan[50] = std::numeric_limits<float>::quiet_NaN();
    writeWav(d / "nan.wav", nan, 8000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    std::vector<float> inf(100, 0.1f);
    inf[7] = std::numeric_limits<float>::infinity();
    writeWav(d / "inf.wav", inf, 8000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);

    EXPECT_NE(errorOf(d / "empty.wav").find("empty.wav: file is empty"), std::string::npos);
    EXPECT_NE(errorOf(d / "text.wav").find("text.wav: not a readable audio file"), std::string::npos);
    EXPECT_NE(errorOf(d / "header.wav").find("header.wav: not a readable audio file"), std::string::npos);
    EXPECT_NE(errorOf(d / "trunc.wav").find("trunc.wav: truncated"), std::string::npos) << errorOf(d / "trunc.wav");
    EXPECT_NE(errorOf(d / "nan.wav").find("non-finite sample (NaN or Inf) at frame 50"), std::string::npos);
    EXPECT_NE(errorOf(d / "inf.wav").find("at frame 7"), std::string::npos);
    EXPECT_NE(errorOf(d / "missing.wav").find("missing.wav: no such file"), std::string::npos);
    EXPECT_NE(errorOf(d.str()).find("is a folder"), std::string::npos);
}

TEST(AudioFile, WriteIsExactForWavAndClippedForFlac) {
    TempDir d;
    auto x = sine(1000, 48000, 4801, 0.9);
    x[10] = 1.5f;  // out of range
    writeAudio(d / "o.wav", x, 48000);
    int rate = 0;
    auto back = readMono(d / "o.wav", &rate);
    EXPECT_EQ(rate, 48000);
    ASSERT_EQ(back.size(), x.size());
    EXPECT_EQ(back, x);
    writeAudio(d / "o.flac", x, 48000);
    back = readMono(d / "o.flac", &rate);
    ASSERT_EQ(back.size(), x.size());
    EXPECT_LE(back[10], 1.0f);
    EXPECT_NEAR(back[100], x[100], 1e-6);
    EXPECT_THROW(writeAudio(d / "o.mp4", x, 48000), Error);
    EXPECT_THROW(writeAudio(d / "nodir/o.wav", x, 48000), Error);
}

}  // namespace srlab
