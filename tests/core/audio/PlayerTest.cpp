// SPDX-License-Identifier: GPL-3.0-or-later
// Real playback through PortAudio into ALSA's file plugin (../shared/testing/README.md): the
// captured stream must equal the selected version's samples, a switch must be a linear
// crossfade with no step larger than the signals' own, and a loop must wrap.
#include "audio/Player.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <thread>

#include "support/TestSupport.h"

namespace srlab {
using namespace test;

namespace {

// ALSA reads ~/.asoundrc when PortAudio first initialises it: point HOME at a folder whose
// default device writes everything played into capture.raw (float32, no clock).
class CaptureDevice {
public:
    CaptureDevice() {
        setenv("HOME", dir_.str().c_str(), 1);
        std::ofstream(dir_ / ".asoundrc") << "pcm.!default {\n  type file\n  slave.pcm \"null\"\n  file \""
                                          << (dir_ / "capture.raw") << "\"\n  format \"raw\"\n}\n";
    }
    std::vector<float> read() const {
        std::ifstream in(dir_ / "capture.raw", std::ios::binary | std::ios::ate);
        std::vector<float> v(in ? size_t(in.tellg()) / sizeof(float) : 0);
        in.seekg(0);
        in.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
        return v;
    }

private:
    TempDir dir_;
};

std::vector<float> tone(double hz, double phase, size_t n) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = float(0.5 * std::cos(2 * M_PI * hz * double(i) / 48000 + phase));
    return x;
}

size_t firstNonZero(const std::vector<float>& c) {
    size_t z = 0;
    while (z < c.size() && c[z] == 0.0f) ++z;
    return z;
}

}  // namespace

TEST(Player, PlaysTheSelectedVersionAndCrossfadesOnSwitch) {
    CaptureDevice cap;
    const size_t n = 48000 * 60;
    const auto a = tone(440, 0.3, n), b = tone(660, 1.1, n);
    {
        Player p;
        std::string err;
        ASSERT_TRUE(p.open(&err)) << err;
        p.load({a, b}, 48000);
        p.setFadeMs(10);  // 480 frames
        p.play();
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        p.select(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        p.pause();
    }
    const auto c = cap.read();
    const size_t z = firstNonZero(c);
    ASSERT_LT(z + 2000, c.size()) << "nothing was played";
    // Find where the output leaves version a.
    size_t s = z;
    while (s < c.size() && s - z < n && std::abs(c[s] - a[s - z]) < 1e-6f) ++s;
    ASSERT_GT(s - z, 100u) << "playback did not start with version 0";
    ASSERT_LT(s + 1000, c.size()) << "no switch captured";
    --s;  // the fade's first frame has weight 0, so it still equals version a
    const size_t F = 480;
    for (size_t j = 0; j < F; ++j) {
        const size_t k = s - z + j;
        const float w = float(j) / float(F);
        ASSERT_NEAR(c[s + j], (1 - w) * a[k] + w * b[k], 1e-5f) << "crossfade frame " << j;
    }
    for (size_t j = F; j < F + 500 && s + j < c.size() && c[s + j] != 0.0f; ++j)
        ASSERT_NEAR(c[s + j], b[s - z + j], 1e-6f) << "after the fade";
    // No click: the largest step across the switch is no larger than the signals' own.
    double maxOwn = 0, maxSwitch = 0;
    for (size_t k = 1; k < 48000; ++k) maxOwn = std::max({maxOwn, double(std::abs(a[k] - a[k - 1])), double(std::abs(b[k] - b[k - 1]))});
    for (size_t j = s - 10; j < s + F + 10; ++j) maxSwitch = std::max(maxSwitch, double(std::abs(c[j + 1] - c[j])));
    EXPECT_LE(maxSwitch, maxOwn * 1.05);
}

TEST(Player, LoopWrapsWithRampsAtTheEdges) {
    CaptureDevice cap;
    const size_t n = 48000 * 10;
    const auto a = tone(440, 0.3, n);
    {
        Player p;
        std::string err;
        ASSERT_TRUE(p.open(&err)) << err;
        p.load({a}, 48000);
        p.setLoop(48000, 48000 + 4800);
        p.seek(48000 + 200);
        p.play();
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        p.pause();
    }
    const auto c = cap.read();
    const size_t z = firstNonZero(c);
    ASSERT_LT(z + 3 * 4800, c.size());
    // Output frame m is a[48200 + m] wrapped into [48000, 52800), scaled by the edge ramps.
    const size_t ramp = 144;  // 3 ms
    for (size_t m = 0; m < 3 * 4800; ++m) {
        const size_t pos = 48000 + (200 + m) % 4800;
        const size_t edge = std::min(pos - 48000, 48000 + 4800 - pos);
        const float g = edge < ramp ? float(edge) / float(ramp) : 1.0f;
        ASSERT_NEAR(c[z + m], g * a[pos], 1e-5f) << "frame " << m;
    }
}

}  // namespace srlab

namespace srlab {

TEST(Player, MissingDeviceIsAMessageNotACrash) {
    test::TempDir home;
    setenv("HOME", home.str().c_str(), 1);
    std::ofstream(home / ".asoundrc") << "pcm.!default { type hw card 97 }\nctl.!default { type hw card 97 }\n";
    Player p;
    std::string err;
    EXPECT_FALSE(p.open(&err));
    EXPECT_FALSE(err.empty());
    p.load({std::vector<float>(100, 0.1f)}, 48000);  // still usable: play is a no-op
    p.play();
    EXPECT_FALSE(p.isPlaying());
}

}  // namespace srlab
