// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A signal shared read-only between its owner and its views (a player, spectrograms drawn on
// worker threads): no copies of long files, and no dependence on the owner's lifetime. It lives
// in memory, or in a float32 file of a cache folder mapped read-only, where a three-hour version
// costs address space and disk rather than memory: views touch only the pages they draw, and
// whole-signal passes read() through the page cache without keeping anything resident.
//
// Threads: a finished buffer is immutable; any thread may read it. A SampleWriter is used by one
// thread at a time.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace srlab {

class SampleBuffer {
public:
    explicit SampleBuffer(std::vector<float> x);
    // Maps a file of raw float32 samples (a SampleWriter's); throws Error naming it.
    static std::shared_ptr<const SampleBuffer> mapFile(const std::string& path);
    ~SampleBuffer();
    SampleBuffer(const SampleBuffer&) = delete;
    SampleBuffer& operator=(const SampleBuffer&) = delete;

    const float* data() const { return data_; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const float* begin() const { return data_; }
    const float* end() const { return data_ + size_; }
    float operator[](size_t i) const { return data_[i]; }
    // The file behind it; empty in memory.
    const std::string& path() const { return path_; }
    // Copies [from, from + n) into dst. From a file, through read(2): the pages stay in the page
    // cache, not in this process. Whole-signal passes (metrics, export) read this way.
    void read(size_t from, size_t n, float* dst) const;
    std::vector<float> copy(size_t from, size_t n) const;

private:
    SampleBuffer() = default;
    std::vector<float> owned_;
    const float* data_ = nullptr;
    size_t size_ = 0;
    void* map_ = nullptr;
    size_t mapBytes_ = 0;
    int fd_ = -1;
    std::string path_;
};

using Samples = std::shared_ptr<const SampleBuffer>;

inline Samples makeSamples(std::vector<float> x) { return std::make_shared<const SampleBuffer>(std::move(x)); }

// Appends samples to a new buffer: in memory when `path` is empty, else to a float32 file written
// under a temporary name of its own and renamed to `path` by finish(). Dropped without finish() (an error, a
// cancel, a full disk), it leaves nothing under `path`.
class SampleWriter {
public:
    explicit SampleWriter(std::string path = {});
    ~SampleWriter();
    SampleWriter(const SampleWriter&) = delete;
    SampleWriter& operator=(const SampleWriter&) = delete;
    void write(const float* x, size_t n);  // throws Error naming the file (disk full, ...)
    // Zeros up to `n` samples in all (a file stays sparse), or cuts back to n.
    void resize(size_t n);
    // Overwrites [at, at + n) of what is written so far.
    void writeAt(size_t at, const float* x, size_t n);
    size_t written() const { return written_; }
    Samples finish();

private:
    std::string path_, temp_;
    std::vector<float> memory_;
    int fd_ = -1;
    size_t written_ = 0;
    bool finished_ = false;
};

// RMS of a whole buffer, read in blocks.
double rmsOf(const SampleBuffer& x);

}  // namespace srlab
