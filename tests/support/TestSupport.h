// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Fixtures shared by the suites: temp folders, synthetic signals, WAV writing at any sample
// format, the development audio set, and running the CLI.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace srlab::test {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() / ("srlab-test-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path_, ec);
    }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }
    std::string str() const { return path_.string(); }

private:
    fs::path path_;
};

inline std::vector<float> sine(double hz, int rate, size_t n, double amp = 0.5) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = float(amp * std::sin(2 * M_PI * hz * double(i) / rate));
    return x;
}

inline std::vector<float> noise(size_t n, unsigned seed, double amp = 0.3) {
    std::mt19937 g(seed);
    std::normal_distribution<double> d(0, amp);
    std::vector<float> x(n);
    for (auto& v : x) v = float(d(g));
    return x;
}

// Linear chirp from f0 to f1 Hz: a broadband but deterministic music-like fixture.
inline std::vector<float> chirp(double f0, double f1, int rate, size_t n, double amp = 0.5) {
    std::vector<float> x(n);
    const double T = double(n) / rate;
    for (size_t i = 0; i < n; ++i) {
        const double t = double(i) / rate;
        x[i] = float(amp * std::sin(2 * M_PI * (f0 * t + (f1 - f0) * t * t / (2 * T))));
    }
    return x;
}

// Writes interleaved samples with libsndfile's `format` (e.g. SF_FORMAT_WAV | SF_FORMAT_PCM_16).
void writeWav(const std::string& path, const std::vector<float>& interleaved, int rate, int channels, int format);
void writeMonoWav(const std::string& path, const std::vector<float>& x, int rate);  // 16-bit PCM

inline void writeText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

struct CommandResult {
    int code = -1;
    std::string output;  // stdout and stderr together
};
std::vector<double> readF64(const std::string& path);

std::string readBytes(const std::string& path);

// The broken audio of the bad-input matrix, written into `dir`: empty.wav, text.wav, good.wav
// (a 1 s 16 kHz chirp), truncated.wav (good cut in half), zero-ch.wav (its header claims no
// channels), nan.wav, one.wav (one sample), lowrate.wav (100 Hz), and a folder folder.wav.
void writeBrokenAudio(const std::string& dir);

// Four chirps at 16 kHz in dir/audio, built by the CLI into dir/set.h5 (16 kHz, r = 4,
// 1024-sample patches). Returns the CLI's result.
CommandResult buildToneDataset(const std::string& dir);

// The development audio of ../shared/data, fetched by the test script into SRLAB_DEV_AUDIO.
// Returns "" (and the test skips) when absent outside CI; under CI its absence fails the test.
std::string devAudioDir();
#define SRLAB_REQUIRE_DEV_AUDIO(dir)                                                     \
    const std::string dir = ::srlab::test::devAudioDir();                                \
    if (dir.empty()) {                                                                   \
        if (std::getenv("CI")) FAIL() << "SRLAB_DEV_AUDIO is not set in CI";             \
        GTEST_SKIP() << "set SRLAB_DEV_AUDIO to the fetched development audio to run this"; \
    }

CommandResult run(const std::string& command);
std::string cli();  // path of the srlab binary under test

// Runs Debian's python3 (which sees python3-scipy/numpy/h5py) on a tests/python script.
CommandResult runPython(const std::string& scriptAndArgs);
// Runs the reference virtual environment's python (SRLAB_REF_PYTHON, scripts/reference-venv.sh:
// PyPI's tensorboard, pystoi, fast-bss-eval) on a tests/python script.
CommandResult runReferencePython(const std::string& scriptAndArgs);
// Runs the python of this build's torch (SRLAB_PACKAGE_PYTHON, scripts/package-venv.sh: Debian's
// python3-torch 1.13 or the torch2 build's wheel, with PyPI's onnxruntime) on a tests/python
// script, with the repository's python/ package first on its path.
CommandResult runPackagePython(const std::string& scriptAndArgs);

}  // namespace srlab::test
