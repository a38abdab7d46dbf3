// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/TestSupport.h"

#include <sndfile.h>
#include <sys/wait.h>

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

CommandResult runPython(const std::string& scriptAndArgs) {
    return run("/usr/bin/python3 " + std::string(SRLAB_PYTHON_DIR) + "/" + scriptAndArgs);
}

}  // namespace srlab::test
