// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Lossy codec round trips in memory through libsndfile (which links LAME and mpg123 for MP3,
// libopus and libvorbis inside Ogg): what real low-res input has been through. Used by the
// degradation zoo (dsp/Degradation.h, docs/reference.md §6). Stateless and thread-safe.
#include <string>
#include <vector>

namespace srlab {

enum class Codec { Mp3, Opus, Vorbis };
Codec parseCodec(const std::string& name);  // "mp3", "opus", "vorbis"; throws Error otherwise
std::string toString(Codec c);

struct CodecResult {
    std::vector<float> audio;  // decoded, aligned to the input (encoder delay removed), same length
    double kbps = 0;           // the encoded stream's mean bit rate
    int delay = 0;             // samples the decoder's output lagged the input by, before alignment
};

// Encodes mono `x` at `rate` Hz with libsndfile's compression level `quality` in [0, 1]
// (0 = the codec's highest bit rate, 1 = its lowest), decodes it, and aligns the decoded signal
// with `x` by cross-correlation over at most +-maxLag samples. Opus only codes at 8/12/16/24/48
// kHz and MP3 at 8 to 48 kHz: other rates are resampled to the next one it has and back. Throws Error on failure.
// The lag (dec[i + lag] ~ ref[i]) within +-maxLag with the largest normalised correlation over
// ref's loudest stretch (at most 2^16 samples); the smallest |lag| wins ties.
int alignmentLag(const std::vector<float>& ref, const std::vector<float>& dec, int maxLag);

CodecResult codecRoundTrip(const std::vector<float>& x, int rate, Codec codec, double quality, int maxLag = 4096);

}  // namespace srlab
