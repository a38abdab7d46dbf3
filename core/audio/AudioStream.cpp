// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/AudioStream.h"

#include <algorithm>

#include "audio/Sndfile.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab {
using namespace sndfile;

size_t VectorSource::read(float* out, size_t max) {
    const size_t n = std::min(max, x_.size() - at_);
    std::copy(x_.begin() + long(at_), x_.begin() + long(at_ + n), out);
    at_ += n;
    return n;
}

struct AudioReader::Impl {
    SF_INFO info{};
    SfHandle file;
    std::vector<float> interleaved;  // one block of frames, reused
};

AudioReader::AudioReader(const std::string& path) : d_(std::make_unique<Impl>()), path_(path) {
    d_->file = openForRead(path, &d_->info);
    checkNotTruncated(d_->file.get(), path);
    if (d_->info.samplerate < 1000)
        throw Error(path, "sample rate " + std::to_string(d_->info.samplerate) +
                              " Hz is below 1 kHz: not audio SRLab works with");
}

AudioReader::~AudioReader() = default;
int AudioReader::rate() const { return d_->info.samplerate; }
int AudioReader::channels() const { return d_->info.channels; }
long long AudioReader::framesHint() const { return (long long)d_->info.frames; }

size_t AudioReader::read(float* out, size_t max) {
    const size_t c = size_t(d_->info.channels);
    float* dst = out;
    if (c > 1) {
        d_->interleaved.resize(max * c);
        dst = d_->interleaved.data();
    }
    const sf_count_t got = sf_readf_float(d_->file.get(), dst, sf_count_t(max));
    if (got < 0 || sf_error(d_->file.get()) != SF_ERR_NO_ERROR)
        throw Error(path_, std::string("read error at frame ") + std::to_string(position_) + ": " +
                               sf_strerror(d_->file.get()));
    const size_t n = size_t(got);
    checkFinite(dst, n * c, c, position_, path_);
    if (c > 1) {
        const float g = 1.0f / float(c);
        for (size_t i = 0; i < n; ++i) {
            float s = 0;
            for (size_t k = 0; k < c; ++k) s += dst[i * c + k];
            out[i] = s * g;
        }
    }
    if (position_ == 0 && n == 0) throw Error(path_, "contains no audio frames");
    position_ += (long long)n;
    return n;
}

bool AudioReader::seek(long long frame) {
    if (sf_seek(d_->file.get(), sf_count_t(frame), SEEK_SET) < 0) return false;
    position_ = frame;
    return true;
}

struct AudioWriter::Impl {
    std::unique_ptr<AtomicFile> atomic;
    SfHandle file;
};

AudioWriter::AudioWriter(const std::string& path, int rate) : d_(std::make_unique<Impl>()), path_(path) {
    const std::string ext = lowerExtension(path);
    int format;
    if (ext == ".wav")
        format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    else if (ext == ".flac")
        format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    else
        throw Error(path, "unsupported output format '" + ext + "' (use .wav or .flac)");
    if (rate <= 0) throw Error(path, "invalid sample rate " + std::to_string(rate));
    d_->atomic = std::make_unique<AtomicFile>(path);
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = format;
    // Past 4 GiB of data a RIFF header overflows: libsndfile then writes RF64 instead.
    if (ext == ".wav") info.format = SF_FORMAT_RF64 | SF_FORMAT_FLOAT;
    d_->file.reset(sf_open(d_->atomic->tempPath().c_str(), SFM_WRITE, &info));
    if (!d_->file) throw Error(path, std::string("cannot write: ") + sf_strerror(nullptr));
    if (ext == ".wav") {
        int autoDowngrade = SF_TRUE;  // a plain WAV unless it grows past 4 GiB
        sf_command(d_->file.get(), SFC_RF64_AUTO_DOWNGRADE, nullptr, autoDowngrade);
    }
    if (ext == ".flac") {
        int clip = SF_TRUE;  // libsndfile clips instead of wrapping on float->int
        sf_command(d_->file.get(), SFC_SET_CLIPPING, &clip, sizeof clip);
    }
}

AudioWriter::~AudioWriter() = default;  // the AtomicFile removes an uncommitted temporary

void AudioWriter::write(const float* mono, size_t n) {
    if (!d_->file) throw Error(path_, "written after commit");
    const sf_count_t got = sf_writef_float(d_->file.get(), mono, sf_count_t(n));
    if (got != sf_count_t(n)) throw Error(path_, std::string("write failed (disk full?): ") + sf_strerror(d_->file.get()));
    written_ += n;
}

void AudioWriter::commit() {
    if (!d_->file) throw Error(path_, "committed twice");
    if (sf_close(d_->file.release()) != 0) throw Error(path_, "write failed while closing (disk full?)");
    d_->atomic->commit();
}

void pump(AudioSource& source, const SampleSink& sink, size_t block) {
    std::vector<float> buf(block);
    for (size_t n; (n = source.read(buf.data(), block)) > 0;) sink(buf.data(), n);
}

}  // namespace srlab
