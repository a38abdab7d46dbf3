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

// ALSA's null device has no clock: the callback runs as fast as the CPU lets it, and a loaded
// machine may deschedule this thread for any time. So the tests never wait for wall-clock time;
// they wait for the callback's own progress, and they loop the signal so the stream cannot run
// out before the test acts. The deadline only turns a dead stream into a failure.
void waitForFrames(const Player& p, uint64_t frames) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (p.framesRendered() < frames) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the stream stopped at " << p.framesRendered();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

// The loop-edge gain of Player::render (3 ms ramps) for a loop [ls, le).
float edgeGain(size_t pos, size_t ls, size_t le) {
    const size_t ramp = 144;
    const size_t edge = std::min(pos - ls, le - pos);
    return edge < ramp ? float(edge) / float(ramp) : 1.0f;
}

}  // namespace

TEST(Player, PlaysTheSelectedVersionAndCrossfadesOnSwitch) {
    CaptureDevice cap;
    const size_t n = 48000, start = 1000, F = 480;  // F: the 10 ms fade
    const auto a = tone(440, 0.3, n), b = tone(660, 1.1, n);
    uint32_t underflows = 0;
    {
        Player p;
        std::string err;
        ASSERT_TRUE(p.open(&err)) << err;
        p.load({a, b}, 48000);
        p.setFadeMs(10);
        p.setLoop(0, n);  // endless, so the switch always falls inside the signal
        p.seek(start);
        p.play();
        waitForFrames(p, 4800);
        p.select(1);
        const uint64_t selectedAt = p.framesRendered();
        waitForFrames(p, selectedAt + F + 4800);
        p.pause();
        underflows = p.underflows();
    }
    ASSERT_EQ(underflows, 0u) << "the device played gaps: the capture cannot show a continuous switch";
    const auto c = cap.read();
    const size_t z = firstNonZero(c);
    // Output frame m (from z) plays loop position pos(m); gA/gB what version a/b alone give there.
    auto pos = [&](size_t m) { return (start + m) % n; };
    auto gA = [&](size_t m) { return edgeGain(pos(m), 0, n) * a[pos(m)]; };
    auto gB = [&](size_t m) { return edgeGain(pos(m), 0, n) * b[pos(m)]; };
    ASSERT_LT(z + 4800 + F + 4800, c.size()) << "too little was played";
    size_t s = 0;  // where the output leaves version a
    while (z + s < c.size() && std::abs(c[z + s] - gA(s)) < 1e-6f) ++s;
    ASSERT_GE(s, 4800u) << "playback did not start with version 0, or left it before the switch";
    ASSERT_LT(z + s + F + 2000, c.size()) << "no switch captured";
    // The fade's first frame has weight 0 and its next ones differ from version a by (b-a)/480
    // per step, which can be below the 1e-6 used to find s where a and b nearly meet: the fade
    // starts at the one of the few frames before s that the crossfade model fits.
    auto fadeError = [&](size_t f0) {
        double e = 0;
        for (size_t j = 0; j < F; ++j) {
            const float w = float(j) / float(F);
            e = std::max(e, double(std::abs(c[z + f0 + j] - ((1 - w) * gA(f0 + j) + w * gB(f0 + j)))));
        }
        return e;
    };
    size_t f0 = s - 1;
    for (size_t k = s - 1; k + 8 > s && k > 0; --k)
        if (fadeError(k) < fadeError(f0)) f0 = k;
    ASSERT_LT(fadeError(f0), 1e-5) << "the switch is not a linear crossfade of " << F << " frames";
    s = f0;
    for (size_t j = F; j < F + 2000; ++j) ASSERT_NEAR(c[z + s + j], gB(s + j), 1e-6f) << "after the fade, frame " << j;
    // No click: across the switch, no step is larger than either version's own steps there.
    double maxOwn = 0, maxSwitch = 0;
    for (size_t m = s - 10; m < s + F + 10; ++m) {
        maxOwn = std::max({maxOwn, double(std::abs(gA(m + 1) - gA(m))), double(std::abs(gB(m + 1) - gB(m)))});
        maxSwitch = std::max(maxSwitch, double(std::abs(c[z + m + 1] - c[z + m])));
    }
    EXPECT_LE(maxSwitch, maxOwn * 1.05);
}

TEST(Player, LoopWrapsWithRampsAtTheEdges) {
    CaptureDevice cap;
    const size_t n = 48000 * 10;
    const auto a = tone(440, 0.3, n);
    uint32_t underflows = 0;
    {
        Player p;
        std::string err;
        ASSERT_TRUE(p.open(&err)) << err;
        p.load({a}, 48000);
        p.setLoop(48000, 48000 + 4800);
        p.seek(48000 + 200);
        p.play();
        waitForFrames(p, 3 * 4800 + 100);
        p.pause();
        underflows = p.underflows();
    }
    ASSERT_EQ(underflows, 0u) << "the device played gaps";
    const auto c = cap.read();
    const size_t z = firstNonZero(c);
    ASSERT_LT(z + 3 * 4800, c.size());
    // Output frame m is a[48200 + m] wrapped into [48000, 52800), scaled by the edge ramps.
    for (size_t m = 0; m < 3 * 4800; ++m) {
        const size_t pos = 48000 + (200 + m) % 4800;
        ASSERT_NEAR(c[z + m], edgeGain(pos, 48000, 48000 + 4800) * a[pos], 1e-5f) << "frame " << m;
    }
}

// Versions that live in files (Compare's cache) play through the feed: after a seek deep into a
// long file, once the feed says its blocks are in place, the output is the file's samples, a
// loop of it wraps, and the callback never found a sample missing.
TEST(Player, VersionsInFilesPlayThroughTheFeedFromAnyPlace) {
    CaptureDevice cap;
    TempDir d;
    const size_t n = 48000 * 30;  // 30 s: more blocks than the feed holds
    const auto a = tone(440, 0.3, n), b = tone(660, 1.1, n);
    std::vector<Samples> versions;
    for (const auto* x : {&a, &b}) {
        SampleWriter w(d / ("v" + std::to_string(versions.size()) + ".f32"));
        w.write(x->data(), x->size());
        versions.push_back(w.finish());
        ASSERT_FALSE(versions.back()->path().empty());
    }
    const size_t ls = 48000 * 20 + 123, le = ls + 4800 * 5;
    uint32_t underflows = 0;
    uint64_t misses = 0;
    {
        Player p;
        std::string err;
        ASSERT_TRUE(p.open(&err)) << err;
        p.load(versions, 48000);
        p.setLoop(ls, le);
        p.seek(ls + 200);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!p.feedReady()) {
            ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the feed never filled";
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        p.play();
        waitForFrames(p, 3 * 24000 + 100);
        p.pause();
        underflows = p.underflows();
        misses = p.feedMisses();
    }
    ASSERT_EQ(underflows, 0u) << "the device played gaps";
    EXPECT_EQ(misses, 0u) << "the callback played samples the feed had not brought";
    const auto c = cap.read();
    const size_t z = firstNonZero(c);
    ASSERT_LT(z + 3 * 24000, c.size());
    for (size_t m = 0; m < 3 * 24000; ++m) {
        const size_t pos = ls + (200 + m) % (le - ls);
        ASSERT_NEAR(c[z + m], edgeGain(pos, ls, le) * a[pos], 1e-5f) << "frame " << m;
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
