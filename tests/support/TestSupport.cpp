// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/TestSupport.h"

#include <cstdlib>
#include <sndfile.h>
#include <sys/wait.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace srlab::test {

void writeWav(const std::string& path, const std::vector<float>& interleaved, int rate, int channels, int format) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error("cannot write fixture " + path + ": " + sf_strerror(nullptr));
    sf_writef_float(f, interleaved.data(), sf_count_t(interleaved.size() / size_t(channels)));
    sf_close(f);
}

void writeMonoWav(const std::string& path, const std::vector<float>& x, int rate) {
    writeWav(path, x, rate, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}

std::vector<double> readF64(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw std::runtime_error("cannot read " + path);
    const auto bytes = size_t(in.tellg());
    std::vector<double> v(bytes / sizeof(double));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(double)));
    return v;
}

std::string devAudioDir() {
    const char* d = std::getenv("SRLAB_DEV_AUDIO");
    if (!d || !*d || !fs::is_directory(fs::path(d) / "speech")) return "";
    return d;
}

CommandResult run(const std::string& command) {
    CommandResult r;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::string cli() { return SRLAB_CLI; }

CommandResult runReferencePython(const std::string& scriptAndArgs) {
    const char* python = std::getenv("SRLAB_REF_PYTHON");
    return run(std::string(python ? python : "false") + " " + SRLAB_PYTHON_DIR + "/" + scriptAndArgs);
}

CommandResult runPackagePython(const std::string& scriptAndArgs) {
    const char* python = std::getenv("SRLAB_PACKAGE_PYTHON");
    // The package as it is in this tree, ahead of any installed copy.
    const char* path = std::getenv("PYTHONPATH");
    return run("PYTHONPATH=" + std::string(SRLAB_PYTHON_DIR) + "/../../python" + (path && *path ? ":" + std::string(path) : "") +
               " " + std::string(python ? python : "false") + " " + SRLAB_PYTHON_DIR + "/" + scriptAndArgs);
}

CommandResult runPython(const std::string& scriptAndArgs) {
    return run("/usr/bin/python3 " + std::string(SRLAB_PYTHON_DIR) + "/" + scriptAndArgs);
}

std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

void writeBrokenAudio(const std::string& dir) {
    const std::string d = dir + "/";
    writeText(d + "empty.wav", "");
    writeText(d + "text.wav", "this is not audio at all, just text\n");
    writeMonoWav(d + "good.wav", chirp(100, 7000, 16000, 16000), 16000);
    std::string good = readBytes(d + "good.wav");
    std::ofstream(d + "truncated.wav", std::ios::binary) << good.substr(0, good.size() / 2);
    good[22] = good[23] = 0;  // channel count in the canonical header
    std::ofstream(d + "zero-ch.wav", std::ios::binary) << good;
    std::vector<float> nan = chirp(100, 7000, 16000, 16000);
    nan[5000] = NAN;
    writeWav(d + "nan.wav", nan, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    writeMonoWav(d + "one.wav", {0.1f}, 16000);
    writeMonoWav(d + "lowrate.wav", sine(20, 100, 300), 100);
    std::filesystem::create_directories(d + "folder.wav");
}

CommandResult buildToneDataset(const std::string& dir) {
    std::filesystem::create_directories(dir + "/audio");
    for (int i = 0; i < 4; ++i)
        writeMonoWav(dir + "/audio/c" + std::to_string(i) + ".wav", chirp(80 + 40 * i, 7000, 16000, 24000), 16000);
    return run(cli() + " dataset build --quiet --input " + dir + "/audio --out " + dir + "/set.h5" +
               " --rate 16000 --scale 4 --dim 1024 --stride 512 --split 0.5,0.25,0.25");
}

}  // namespace srlab::test
