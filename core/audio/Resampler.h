// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Band-limited sample-rate conversion through libsoxr (the resampler librosa, FFmpeg and SoX
// use: linear-phase polyphase windowed sinc), whole signals or streams.
#include <memory>
#include <vector>

#include "audio/AudioStream.h"

namespace srlab {

enum class ResampleQuality { High, VeryHigh };

// Output length is round(x.size() * outRate / inRate); input time 0 maps to output time 0.
// Stateless and thread-safe.
std::vector<float> resample(const std::vector<float>& x, double inRate, double outRate,
                            ResampleQuality q = ResampleQuality::High);

// The same conversion of a stream given in pieces of any size: the concatenated output equals
// resample() of the concatenated input (libsoxr's result does not depend on how its input is
// cut), round(total * outRate / inRate) samples in all, passed to the sink as they settle.
// Memory is the filter's length, whatever the stream's. One thread at a time.
class StreamResampler {
public:
    StreamResampler(double inRate, double outRate, ResampleQuality q = ResampleQuality::High);
    ~StreamResampler();
    StreamResampler(const StreamResampler&) = delete;
    StreamResampler& operator=(const StreamResampler&) = delete;

    void push(const float* x, size_t n, const SampleSink& sink);
    void finish(const SampleSink& sink);  // the rest; the stream then holds its total length
    size_t pushed() const { return in_; }
    size_t emitted() const { return out_; }

private:
    void drain(const float* x, size_t n, bool last, const SampleSink& sink);
    size_t total() const;  // round(in * outRate / inRate), as resample() has always rounded
    struct Impl;
    std::unique_ptr<Impl> d_;
    double inRate_, outRate_;
    size_t in_ = 0, out_ = 0;
};

}  // namespace srlab
