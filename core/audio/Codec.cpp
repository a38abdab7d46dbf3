// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Codec.h"

#include <fftw3.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>

#include "audio/Resampler.h"
#include "util/Error.h"
#include "util/FftwPlanner.h"

namespace srlab {
namespace {

// libsndfile's virtual I/O over a growing byte buffer.
struct MemoryFile {
    std::vector<unsigned char> bytes;
    sf_count_t at = 0;
};

sf_count_t vLength(void* u) { return sf_count_t(static_cast<MemoryFile*>(u)->bytes.size()); }
sf_count_t vSeek(sf_count_t offset, int whence, void* u) {
    auto* f = static_cast<MemoryFile*>(u);
    sf_count_t to = whence == SEEK_SET ? offset : whence == SEEK_CUR ? f->at + offset : sf_count_t(f->bytes.size()) + offset;
    f->at = std::max<sf_count_t>(0, to);
    return f->at;
}
sf_count_t vRead(void* ptr, sf_count_t count, void* u) {
    auto* f = static_cast<MemoryFile*>(u);
    const sf_count_t n = std::max<sf_count_t>(0, std::min<sf_count_t>(count, sf_count_t(f->bytes.size()) - f->at));
    if (n > 0) std::memcpy(ptr, f->bytes.data() + f->at, size_t(n));
    f->at += n;
    return n;
}
sf_count_t vWrite(const void* ptr, sf_count_t count, void* u) {
    auto* f = static_cast<MemoryFile*>(u);
    if (f->at + count > sf_count_t(f->bytes.size())) f->bytes.resize(size_t(f->at + count));
    std::memcpy(f->bytes.data() + f->at, ptr, size_t(count));
    f->at += count;
    return count;
}
sf_count_t vTell(void* u) { return static_cast<MemoryFile*>(u)->at; }

int formatOf(Codec c) {
    switch (c) {
        case Codec::Mp3: return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
        case Codec::Opus: return SF_FORMAT_OGG | SF_FORMAT_OPUS;
        case Codec::Vorbis: return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
    }
    return 0;
}

// The rate a codec is run at for audio at `rate`.
int codecRate(Codec c, int rate) {
    static const std::vector<int> opus{8000, 12000, 16000, 24000, 48000};
    static const std::vector<int> mp3{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000};
    if (c == Codec::Vorbis) return rate;
    for (int r : c == Codec::Opus ? opus : mp3)
        if (r >= rate) return r;
    return 48000;
}

// One forward and one inverse real plan per size, made on first use and kept (FFTW's planner is
// not thread-safe, its new-array execution is; fftw_alloc'd buffers share the plans' alignment).
std::pair<fftw_plan, fftw_plan> plansFor(size_t n) {
    static std::map<size_t, std::pair<fftw_plan, fftw_plan>> plans;
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    if (auto it = plans.find(n); it != plans.end()) return it->second;
    double* re = fftw_alloc_real(n);
    fftw_complex* c = fftw_alloc_complex(n / 2 + 1);
    const fftw_plan f = re && c ? fftw_plan_dft_r2c_1d(int(n), re, c, FFTW_ESTIMATE) : nullptr;
    const fftw_plan b = re && c ? fftw_plan_dft_c2r_1d(int(n), c, re, FFTW_ESTIMATE) : nullptr;
    fftw_free(re);
    fftw_free(c);
    if (!f || !b) throw Error("alignment", "FFTW could not plan a transform of size " + std::to_string(n));
    return plans[n] = {f, b};
}

// c[m] = sum_i x[i] y[i + m] for m in [0, ny - nx], through one real FFT pair.
std::vector<double> crossCorrelation(const float* x, size_t nx, const float* y, size_t ny) {
    size_t n = 1;
    while (n < ny) n <<= 1;
    const size_t bins = n / 2 + 1;
    struct Buffers {
        double* re;
        fftw_complex *a, *b;
        explicit Buffers(size_t n, size_t bins)
            : re(fftw_alloc_real(n)), a(fftw_alloc_complex(bins)), b(fftw_alloc_complex(bins)) {}
        ~Buffers() {
            fftw_free(re);
            fftw_free(a);
            fftw_free(b);
        }
    } buf(n, bins);
    if (!buf.re || !buf.a || !buf.b) throw std::bad_alloc();
    const auto [forward, backward] = plansFor(n);
    std::fill(buf.re, buf.re + n, 0.0);
    for (size_t i = 0; i < nx; ++i) buf.re[i] = x[i];
    fftw_execute_dft_r2c(forward, buf.re, buf.b);
    std::fill(buf.re, buf.re + n, 0.0);
    for (size_t i = 0; i < ny; ++i) buf.re[i] = y[i];
    fftw_execute_dft_r2c(forward, buf.re, buf.a);
    for (size_t k = 0; k < bins; ++k) {  // A * conj(B)
        const double ar = buf.a[k][0], ai = buf.a[k][1], br = buf.b[k][0], bi = buf.b[k][1];
        buf.a[k][0] = ar * br + ai * bi;
        buf.a[k][1] = ai * br - ar * bi;
    }
    fftw_execute_dft_c2r(backward, buf.a, buf.re);
    std::vector<double> c(ny - nx + 1);
    for (size_t m = 0; m < c.size(); ++m) c[m] = buf.re[m] / double(n);
    return c;
}

// Lag (decoded[i + lag] ~ ref[i]) in [-maxLag, maxLag] with the largest normalised correlation
// (the decoded window's energy divides it out, so a louder stretch does not win), over the
// loudest excerpt of at most 2^16 samples (silence would make any lag fit); the smallest |lag|
// wins ties.
}  // namespace

int alignmentLag(const std::vector<float>& ref, const std::vector<float>& dec, int maxLag) {
    const size_t n = std::min(ref.size(), dec.size());
    if (n < 64) return 0;
    maxLag = int(std::min<size_t>(size_t(maxLag), n / 4));
    const size_t len = std::min<size_t>(n - 2 * size_t(maxLag), 1u << 16);
    // The loudest stretch of ref, in blocks of 256 samples.
    constexpr size_t kBlock = 256;
    std::vector<double> blockEnergy((n + kBlock - 1) / kBlock, 0.0);
    for (size_t i = 0; i < n; ++i) blockEnergy[i / kBlock] += double(ref[i]) * ref[i];
    size_t start = size_t(maxLag);
    double bestEnergy = -1;
    for (size_t s = size_t(maxLag); s + len + size_t(maxLag) <= n; s += kBlock) {
        double e = 0;
        for (size_t b = s / kBlock; b < std::min(blockEnergy.size(), (s + len) / kBlock); ++b) e += blockEnergy[b];
        if (e > bestEnergy) {
            bestEnergy = e;
            start = s;
        }
    }
    // Every lag's correlation at once, by FFT (double precision: the lag is chosen as the
    // direct sums would choose it), and each lag's decoded energy from prefix sums.
    const size_t span = len + 2 * size_t(maxLag);
    const auto corr = crossCorrelation(ref.data() + start, len, dec.data() + start - size_t(maxLag), span);
    std::vector<double> prefix(span + 1, 0.0);
    for (size_t i = 0; i < span; ++i) {
        const double v = dec[start - size_t(maxLag) + i];
        prefix[i + 1] = prefix[i] + v * v;
    }
    double best = -1e300;
    int lag = 0;
    for (int a = 0; a <= 2 * maxLag; ++a) {
        const int l = (a % 2 ? 1 : -1) * ((a + 1) / 2);  // 0, 1, -1, 2, -2, ...
        const size_t m = size_t(l + maxLag);
        const double s = corr[m], e = prefix[m + len] - prefix[m];
        const double score = e > 0 ? s / std::sqrt(e) : 0;
        if (score > best * (1 + 1e-9) + 1e-300) {
            best = score;
            lag = l;
        }
    }
    return lag;
}

Codec parseCodec(const std::string& name) {
    if (name == "mp3") return Codec::Mp3;
    if (name == "opus") return Codec::Opus;
    if (name == "vorbis") return Codec::Vorbis;
    throw Error("codec", "unknown codec '" + name + "' (mp3, opus, vorbis)");
}

std::string toString(Codec c) {
    switch (c) {
        case Codec::Mp3: return "mp3";
        case Codec::Opus: return "opus";
        case Codec::Vorbis: return "vorbis";
    }
    return "?";
}

CodecResult codecRoundTrip(const std::vector<float>& x, int rate, Codec codec, double quality, int maxLag) {
    const std::string what = toString(codec) + " round trip";
    if (!(quality >= 0 && quality <= 1)) throw Error(what, "quality must be in [0, 1]");
    if (x.empty()) return {};
    const int cRate = codecRate(codec, rate);
    const std::vector<float> in = cRate == rate ? x : resample(x, rate, cRate, ResampleQuality::VeryHigh);

    SF_VIRTUAL_IO io{vLength, vSeek, vRead, vWrite, vTell};
    MemoryFile file;
    SF_INFO info{};
    info.samplerate = cRate;
    info.channels = 1;
    info.format = formatOf(codec);
    SNDFILE* w = sf_open_virtual(&io, SFM_WRITE, &info, &file);
    if (!w) throw Error(what, std::string("cannot encode at ") + std::to_string(cRate) + " Hz (" + sf_strerror(nullptr) + ")");
    double level = quality;
    sf_command(w, SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
    if (codec == Codec::Mp3) {
        int mode = SF_BITRATE_MODE_CONSTANT;
        sf_command(w, SFC_SET_BITRATE_MODE, &mode, sizeof mode);
    }
    const sf_count_t written = sf_writef_float(w, in.data(), sf_count_t(in.size()));
    const int closed = sf_close(w);
    if (written != sf_count_t(in.size()) || closed != 0) throw Error(what, "the encoder failed");

    file.at = 0;
    SF_INFO rinfo{};
    SNDFILE* r = sf_open_virtual(&io, SFM_READ, &rinfo, &file);
    if (!r) throw Error(what, std::string("cannot decode what was encoded (") + sf_strerror(nullptr) + ")");
    std::vector<float> dec;
    std::vector<float> buf(size_t(8192) * size_t(std::max(1, rinfo.channels)));
    for (;;) {
        const sf_count_t got = sf_readf_float(r, buf.data(), 8192);
        if (got <= 0) break;
        for (sf_count_t i = 0; i < got; ++i) dec.push_back(buf[size_t(i * rinfo.channels)]);
    }
    sf_close(r);
    if (rinfo.samplerate != cRate) dec = resample(dec, rinfo.samplerate, cRate, ResampleQuality::VeryHigh);
    if (cRate != rate) dec = resample(dec, cRate, rate, ResampleQuality::VeryHigh);

    CodecResult out;
    out.kbps = double(file.bytes.size()) * 8.0 / 1000.0 / (double(x.size()) / rate);
    // Codec delays are a few frames: a fifth of a second bounds them, and keeps a periodic
    // signal from matching a whole period away.
    out.delay = alignmentLag(x, dec, std::min(maxLag, rate / 5));
    out.audio.assign(x.size(), 0.0f);
    for (size_t i = 0; i < x.size(); ++i) {
        const ptrdiff_t j = ptrdiff_t(i) + out.delay;
        if (j >= 0 && j < ptrdiff_t(dec.size())) out.audio[i] = dec[size_t(j)];
    }
    return out;
}

}  // namespace srlab
