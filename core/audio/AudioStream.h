// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Audio as a stream: a reader that hands out a file (mixed to mono) block by block and a
// writer that appends blocks to a file that appears under its final name only when complete.
// Memory stays the size of a block whatever the file's length (docs/reference.md §4). Errors are
// srlab::Error naming the file.
//
// Threads: one object is used by one thread at a time.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace srlab {

// Receives consecutive samples of a stream.
using SampleSink = std::function<void(const float* samples, size_t n)>;

// Where a stream's samples come from: a file or a vector.
class AudioSource {
public:
    virtual ~AudioSource() = default;
    virtual int rate() const = 0;
    // Frames the source says it holds (a header's claim; compressed formats may estimate).
    virtual long long framesHint() const = 0;
    // Up to `max` next mono samples into `out`; 0 at the end.
    virtual size_t read(float* out, size_t max) = 0;
};

class VectorSource final : public AudioSource {
public:
    VectorSource(const std::vector<float>& samples, int rate) : x_(samples), rate_(rate) {}
    int rate() const override { return rate_; }
    long long framesHint() const override { return (long long)x_.size(); }
    size_t read(float* out, size_t max) override;

private:
    const std::vector<float>& x_;
    int rate_;
    size_t at_ = 0;
};

// A file through libsndfile, channels averaged. Refuses what readMono refuses (empty,
// truncated, rates below 1 kHz); a NaN/Inf sample or a read error throws, naming the frame.
class AudioReader final : public AudioSource {
public:
    explicit AudioReader(const std::string& path);
    ~AudioReader() override;
    AudioReader(const AudioReader&) = delete;
    AudioReader& operator=(const AudioReader&) = delete;

    int rate() const override;
    long long framesHint() const override;
    int channels() const;
    const std::string& path() const { return path_; }
    size_t read(float* out, size_t max) override;
    // Moves to a frame; false when the format cannot seek.
    bool seek(long long frame);

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
    std::string path_;
    long long position_ = 0;
};

// Appends mono blocks to `path` (.wav 32-bit float, .flac 24-bit clipped) through a temporary
// file next to it; commit() renames it into place. Destroyed without commit() (an error, a
// cancel), the temporary file is removed and nothing appears under the final name.
class AudioWriter {
public:
    AudioWriter(const std::string& path, int rate);
    ~AudioWriter();
    AudioWriter(const AudioWriter&) = delete;
    AudioWriter& operator=(const AudioWriter&) = delete;

    void write(const float* mono, size_t n);  // throws Error naming the file (disk full)
    void commit();
    size_t written() const { return written_; }

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
    std::string path_;
    size_t written_ = 0;
};

// Reads a source to its end in blocks of `block` samples, passing each to `sink`.
void pump(AudioSource& source, const SampleSink& sink, size_t block = 65536);

}  // namespace srlab
