// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/AudioFile.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>

#include "audio/AudioStream.h"
#include "audio/Sndfile.h"
#include "util/Error.h"

namespace srlab {
using namespace sndfile;
namespace {

std::string formatName(int format) {
    SF_FORMAT_INFO fi{};
    fi.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_MAJOR, &fi, sizeof fi) == 0 && fi.name) return fi.name;
    return "unknown";
}

}  // namespace

AudioInfo probeAudio(const std::string& path) {
    SF_INFO info;
    SfHandle f = openForRead(path, &info);
    return {info.samplerate, info.channels, static_cast<long long>(info.frames), formatName(info.format)};
}

AudioBuffer readAudio(const std::string& path) {
    SF_INFO info;
    SfHandle f = openForRead(path, &info);
    checkNotTruncated(f.get(), path);
    AudioBuffer out;
    out.rate = info.samplerate;
    out.channels = info.channels;
    // Some formats (MP3, Opus) report an estimate or no frame count: read in blocks until EOF.
    const size_t block = std::max<size_t>(1, 65536 / size_t(info.channels));
    // The header's frame count is a claim, not a fact (a corrupt one asks for terabytes): trust
    // it for the reservation only as far as the file's size makes it plausible.
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    const double claimed = double(info.frames) * info.channels;
    if (info.frames > 0 && !ec && claimed <= 16.0 * double(bytes) + 65536)
        out.samples.reserve(size_t(claimed));
    // Blocks are read straight into place; a block is checked for NaN/Inf by its exponent bits
    // (a vectorisable OR), and searched only when one is there.
    const size_t c = size_t(info.channels);
    for (;;) {
        const size_t at = out.samples.size();
        // Within the reservation when there is room (no reallocation at the end of the file).
        const size_t room = (out.samples.capacity() - at) / c;
        const size_t want = room > 0 ? std::min(room, block) : block;
        out.samples.resize(at + want * c);
        const sf_count_t got = sf_readf_float(f.get(), out.samples.data() + at, sf_count_t(want));
        out.samples.resize(at + size_t(std::max<sf_count_t>(got, 0)) * c);
        if (got <= 0) break;
        checkFinite(out.samples.data() + at, out.samples.size() - at, c, (long long)(at / c), path);
    }
    if (sf_error(f.get()) != SF_ERR_NO_ERROR)
        throw Error(path, std::string("read error: ") + sf_strerror(f.get()));
    if (out.samples.empty()) throw Error(path, "contains no audio frames");
    return out;
}

std::vector<float> mixToMono(const AudioBuffer& in) {
    if (in.channels == 1) return in.samples;
    const size_t n = in.frames(), c = size_t(in.channels);
    std::vector<float> mono(n);
    const float g = 1.0f / float(c);
    for (size_t i = 0; i < n; ++i) {
        float s = 0;
        for (size_t k = 0; k < c; ++k) s += in.samples[i * c + k];
        mono[i] = s * g;
    }
    return mono;
}

std::vector<float> readMono(const std::string& path, int* rate) {
    AudioBuffer b = readAudio(path);
    // Every use of a file (build, eval, compare, upsample) needs real audio rates.
    if (b.rate < 1000)
        throw Error(path, "sample rate " + std::to_string(b.rate) + " Hz is below 1 kHz: not audio SRLab works with");
    if (rate) *rate = b.rate;
    if (b.channels == 1) return std::move(b.samples);
    return mixToMono(b);
}

void writeAudio(const std::string& path, const std::vector<float>& mono, int rate) {
    AudioWriter out(path, rate);
    out.write(mono.data(), mono.size());
    out.commit();
}

bool looksLikeAudioFile(const std::string& path) {
    static const char* exts[] = {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3",
                                 ".aif", ".aiff", ".au", ".caf", ".w64", ".rf64"};
    const std::string ext = lowerExtension(path);
    return std::any_of(std::begin(exts), std::end(exts), [&](const char* e) { return ext == e; });
}

}  // namespace srlab
