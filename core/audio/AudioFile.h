// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reading and writing audio files through libsndfile (WAV, FLAC, OGG/Vorbis, Opus, MP3 and
// whatever else this libsndfile reads). All errors are srlab::Error naming the file.
#include <cstddef>
#include <string>
#include <vector>

namespace srlab {

struct AudioBuffer {
    int rate = 0;
    int channels = 0;
    std::vector<float> samples;  // interleaved, frames * channels
    size_t frames() const { return channels ? samples.size() / size_t(channels) : 0; }
};

struct AudioInfo {
    int rate = 0;
    int channels = 0;
    long long frames = 0;
    std::string format;  // libsndfile's name for the container/codec
};

// Header only: cheap, used to list corpora and check rates before reading.
AudioInfo probeAudio(const std::string& path);

// Whole file as float in [-1, 1]. Rejects empty files and NaN/Inf samples (naming the frame).
AudioBuffer readAudio(const std::string& path);

// Average of all channels.
std::vector<float> mixToMono(const AudioBuffer& in);

// readAudio + mixToMono; refuses rates below 1 kHz (no SRLab use has them).
std::vector<float> readMono(const std::string& path, int* rate);

// Writes mono audio atomically. Format from the extension: .wav (32-bit float) or .flac
// (24-bit PCM, clipped to [-1, 1]).
void writeAudio(const std::string& path, const std::vector<float>& mono, int rate);

// True when the extension is one libsndfile can usually read (for scanning folders).
bool looksLikeAudioFile(const std::string& path);

}  // namespace srlab
