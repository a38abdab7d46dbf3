// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// libsndfile helpers shared by AudioFile.cpp and AudioStream.cpp (internal to srlab_audio).
#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "util/Error.h"

namespace srlab::sndfile {

struct SfCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SfHandle = std::unique_ptr<SNDFILE, SfCloser>;

inline SfHandle openForRead(const std::string& path, SF_INFO* info) {
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
inline void checkNotTruncated(SNDFILE* f, const std::string& path) {
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

inline std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}


// Throws naming the frame when a block of interleaved samples holds a NaN or Inf. The check is
// an OR of exponent bits (vectorisable); the block is searched only when one is there.
inline void checkFinite(const float* x, size_t n, size_t channels, long long firstFrame, const std::string& path) {
    uint32_t special = 0;
    for (size_t i = 0; i < n; ++i) {
        uint32_t bits;
        std::memcpy(&bits, &x[i], sizeof bits);
        special |= uint32_t((bits & 0x7f800000u) == 0x7f800000u);
    }
    if (special)
        for (size_t i = 0; i < n; ++i)
            if (!std::isfinite(x[i]))
                throw Error(path, "contains a non-finite sample (NaN or Inf) at frame " +
                                      std::to_string(firstFrame + (long long)(i / channels)));
}

}  // namespace srlab::sndfile
