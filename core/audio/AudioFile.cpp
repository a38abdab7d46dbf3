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

#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab {
namespace {

struct SfCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SfHandle = std::unique_ptr<SNDFILE, SfCloser>;

SfHandle openForRead(const std::string& path, SF_INFO* info) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error(path, "no such file");
    if (std::filesystem::is_directory(path, ec)) throw Error(path, "is a folder, not an audio file");
    if (std::filesystem::file_size(path, ec) == 0) throw Error(path, "file is empty");
    *info = SF_INFO{};
    SfHandle f(sf_open(path.c_str(), SFM_READ, info));
    if (!f) throw Error(path, std::string("not a readable audio file (") + sf_strerror(nullptr) + ")");
    if (info->channels <= 0) throw Error(path, "file declares zero channels");
    if (info->samplerate <= 0) throw Error(path, "file declares a sample rate of zero");
    return f;
}

// libsndfile quietly reads what is there when a WAV/AIFF data chunk is cut short, noting
// "data : N (should be M)" in its log; a cut-off file is a damaged file, so say so.
void checkNotTruncated(SNDFILE* f, const std::string& path) {
    char log[8192] = {0};
    sf_command(f, SFC_GET_LOG_INFO, log, sizeof log);
    const std::string text(log);
    for (const char* chunk : {"\ndata : ", "\nSSND : "}) {
        const size_t at = text.find(chunk);
        if (at == std::string::npos) continue;
        const size_t eol = text.find('\n', at + 1);
        const std::string line = text.substr(at + 1, eol == std::string::npos ? std::string::npos : eol - at - 1);
        const size_t should = line.find("(should be ");
        if (should != std::string::npos)
            throw Error(path, "truncated: audio data chunk declares " +
                                  line.substr(7, line.find(' ', 7) - 7) + " bytes, file holds " +
                                  line.substr(should + 11, line.find(')', should) - should - 11));
    }
}

std::string formatName(int format) {
    SF_FORMAT_INFO fi{};
    fi.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_MAJOR, &fi, sizeof fi) == 0 && fi.name) return fi.name;
    return "unknown";
}

std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
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
        uint32_t special = 0;
        for (size_t i = at; i < out.samples.size(); ++i) {
            uint32_t bits;
            std::memcpy(&bits, &out.samples[i], sizeof bits);
            special |= uint32_t((bits & 0x7f800000u) == 0x7f800000u);
        }
        if (special)
            for (size_t i = at; i < out.samples.size(); ++i)
                if (!std::isfinite(out.samples[i]))
                    throw Error(path, "contains a non-finite sample (NaN or Inf) at frame " + std::to_string(i / c));
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
    const std::string ext = lowerExtension(path);
    int format;
    if (ext == ".wav")
        format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    else if (ext == ".flac")
        format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    else
        throw Error(path, "unsupported output format '" + ext + "' (use .wav or .flac)");
    if (rate <= 0) throw Error(path, "invalid sample rate " + std::to_string(rate));
    AtomicFile out(path);
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = format;
    {
        SfHandle f(sf_open(out.tempPath().c_str(), SFM_WRITE, &info));
        if (!f) throw Error(path, std::string("cannot write: ") + sf_strerror(nullptr));
        if (ext == ".flac") {
            int clip = SF_TRUE;  // libsndfile clips instead of wrapping on float->int
            sf_command(f.get(), SFC_SET_CLIPPING, &clip, sizeof clip);
        }
        sf_count_t n = sf_writef_float(f.get(), mono.data(), sf_count_t(mono.size()));
        if (n != sf_count_t(mono.size()))
            throw Error(path, std::string("write failed (disk full?): ") + sf_strerror(f.get()));
        if (sf_close(f.release()) != 0) throw Error(path, "write failed while closing");
    }
    out.commit();
}

bool looksLikeAudioFile(const std::string& path) {
    static const char* exts[] = {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3",
                                 ".aif", ".aiff", ".au", ".caf", ".w64", ".rf64"};
    const std::string ext = lowerExtension(path);
    return std::any_of(std::begin(exts), std::end(exts), [&](const char* e) { return ext == e; });
}

}  // namespace srlab
