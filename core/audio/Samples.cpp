// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Samples.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "util/Error.h"

namespace srlab {
namespace {

std::string sysError() { return std::strerror(errno); }

// pread/pwrite until done: both may move fewer bytes than asked.
void readFully(int fd, void* dst, size_t bytes, off_t at, const std::string& path) {
    auto* p = static_cast<char*>(dst);
    while (bytes > 0) {
        const ssize_t n = ::pread(fd, p, bytes, at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error(path, n == 0 ? "shorter than expected (truncated?)" : "cannot read: " + sysError());
        p += n;
        at += n;
        bytes -= size_t(n);
    }
}

void writeFully(int fd, const void* src, size_t bytes, off_t at, const std::string& path) {
    const auto* p = static_cast<const char*>(src);
    while (bytes > 0) {
        const ssize_t n = ::pwrite(fd, p, bytes, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(path, errno == ENOSPC || errno == EFBIG ? "cannot write: the disk is full"
                                                                         : "cannot write: " + sysError());
        p += n;
        at += n;
        bytes -= size_t(n);
    }
}

}  // namespace

SampleBuffer::SampleBuffer(std::vector<float> x) : owned_(std::move(x)) {
    data_ = owned_.data();
    size_ = owned_.size();
}

std::shared_ptr<const SampleBuffer> SampleBuffer::mapFile(const std::string& path) {
    std::shared_ptr<SampleBuffer> b(new SampleBuffer());
    b->path_ = path;
    b->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (b->fd_ < 0) throw Error(path, "cannot open: " + sysError());
    struct stat st {};
    if (::fstat(b->fd_, &st) != 0) throw Error(path, "cannot read its size: " + sysError());
    if (st.st_size % off_t(sizeof(float)) != 0) throw Error(path, "is not a file of float32 samples (damaged?)");
    b->size_ = size_t(st.st_size) / sizeof(float);
    b->mapBytes_ = size_t(st.st_size);
    if (b->mapBytes_ == 0) {
        b->data_ = b->owned_.data();
        return b;
    }
    b->map_ = ::mmap(nullptr, b->mapBytes_, PROT_READ, MAP_SHARED, b->fd_, 0);
    if (b->map_ == MAP_FAILED) {
        b->map_ = nullptr;
        throw Error(path, "cannot map: " + sysError());
    }
    b->data_ = static_cast<const float*>(b->map_);
    return b;
}

SampleBuffer::~SampleBuffer() {
    if (map_) ::munmap(map_, mapBytes_);
    if (fd_ >= 0) ::close(fd_);
}

void SampleBuffer::read(size_t from, size_t n, float* dst) const {
    if (from > size_ || n > size_ - from) throw Error(path_.empty() ? "samples" : path_, "read past the end");
    if (fd_ < 0) {
        std::copy(data_ + from, data_ + from + n, dst);
        return;
    }
    readFully(fd_, dst, n * sizeof(float), off_t(from * sizeof(float)), path_);
}

std::vector<float> SampleBuffer::copy(size_t from, size_t n) const {
    std::vector<float> out(n);
    read(from, n, out.data());
    return out;
}

double rmsOf(const SampleBuffer& x) {
    if (x.empty()) return 0;
    constexpr size_t kBlock = size_t(1) << 18;
    std::vector<float> block(std::min(kBlock, x.size()));
    double sum = 0;
    for (size_t at = 0; at < x.size(); at += kBlock) {
        const size_t n = std::min(kBlock, x.size() - at);
        x.read(at, n, block.data());
        for (size_t i = 0; i < n; ++i) sum += double(block[i]) * block[i];
    }
    return std::sqrt(sum / double(x.size()));
}

// ---------------------------------------------------------------- writer

SampleWriter::SampleWriter(std::string path) : path_(std::move(path)) {
    if (path_.empty()) return;
    // A name of its own: a comparison cancelled while the same one starts again may still be
    // writing the same version, and must neither clobber nor remove the new one's file.
    static std::atomic<unsigned> counter{0};
    temp_ = path_ + ".part" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    fd_ = ::open(temp_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(std::filesystem::path(path_).parent_path().string(), "cannot write here: " + sysError());
}

SampleWriter::~SampleWriter() {
    if (fd_ >= 0) ::close(fd_);
    if (!finished_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void SampleWriter::write(const float* x, size_t n) {
    if (fd_ < 0) {
        memory_.insert(memory_.end(), x, x + n);
    } else {
        writeFully(fd_, x, n * sizeof(float), off_t(written_ * sizeof(float)), path_);
    }
    written_ += n;
}

void SampleWriter::resize(size_t n) {
    if (fd_ < 0) {
        memory_.resize(n, 0.0f);
    } else if (::ftruncate(fd_, off_t(n * sizeof(float))) != 0) {
        throw Error(path_, errno == ENOSPC || errno == EFBIG ? "cannot write: the disk is full" : "cannot write: " + sysError());
    }
    written_ = n;
}

void SampleWriter::writeAt(size_t at, const float* x, size_t n) {
    if (at > written_ || n > written_ - at) throw Error(path_.empty() ? "samples" : path_, "write past the end");
    if (fd_ < 0) std::copy(x, x + n, memory_.begin() + long(at));
    else writeFully(fd_, x, n * sizeof(float), off_t(at * sizeof(float)), path_);
}

Samples SampleWriter::finish() {
    if (fd_ < 0) {
        finished_ = true;
        return makeSamples(std::move(memory_));
    }
    // No fsync: a cache is worth keeping only if the machine did not crash meanwhile, and the
    // rename makes a half-written file impossible to mistake for a finished one.
    if (::close(fd_) != 0) {
        fd_ = -1;
        throw Error(path_, "cannot write: " + sysError());
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) throw Error(path_, "cannot write: " + sysError());
    finished_ = true;
    return SampleBuffer::mapFile(path_);
}

}  // namespace srlab
