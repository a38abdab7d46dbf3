// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/SourceWindow.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "audio/AudioStream.h"
#include "audio/Resampler.h"
#include "util/Error.h"
#include "util/Hash.h"

namespace srlab {
namespace {

// Target-rate samples read beyond a window on either side when resampling: libsoxr's filter
// starts a piece as if silence came before it, and this is far longer than its impulse
// response at any supported rate pair, so the window itself matches the whole-file result.
constexpr size_t kResampleMargin = 512;

// Reads frames [from, to) of a file into `out` (mono); Error if it ends early.
void readFrames(const std::string& path, long long from, long long to, std::vector<float>& out) {
    AudioReader reader(path);
    out.resize(size_t(to - from));
    if (from > 0 && !reader.seek(from)) throw Error(path, "cannot seek to frame " + std::to_string(from));
    size_t got = 0;
    while (got < out.size()) {
        const size_t n = reader.read(out.data() + got, out.size() - got);
        if (n == 0) break;
        got += n;
    }
    if (got < out.size())
        throw Error(path, "ends at frame " + std::to_string(from + (long long)got) + ", before the " +
                              std::to_string(to) + " it held when indexed (truncated?)");
}

}  // namespace

FileStamp stampOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw Error(path, "missing (moved or deleted?)");
    return {uintmax_t(st.st_size), (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
}

double verifySource(const std::string& path, FileStamp& stamp, const std::string& sha256, const std::string& dataset) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw Error(path, "missing: the streamed dataset " + dataset + " reads its audio from it (moved or deleted?)");
    const FileStamp now = stampOf(path);
    if (now == stamp) return 0;
    const auto t0 = std::chrono::steady_clock::now();
    if (sha256File(path) != sha256)
        throw Error(path, "changed since the streamed dataset " + dataset +
                              " indexed it (its SHA-256 differs); rebuild the dataset with `srlab dataset build`");
    stamp = now;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

size_t targetFramesOf(long long frames, int rate, const PairSpec& spec) {
    const size_t n = rate == spec.rate ? size_t(frames) : size_t(std::llround(double(frames) * spec.rate / rate));
    return n - n % size_t(spec.scale);
}

std::vector<float> readTargetWindow(const std::string& path, const FileStamp& stamp, int rate, long long frames,
                                    size_t targetFrames, int targetRate, size_t start, size_t end) {
    if (stampOf(path) != stamp)
        throw Error(path, "changed while its streamed dataset was being read (size or time differs from the index)");
    std::vector<float> out(end - start, 0.0f);
    const size_t stop = std::min(end, targetFrames);  // past it: zero padding of a short source
    if (start >= stop) return out;
    std::vector<float> native;
    if (rate == targetRate) {
        readFrames(path, (long long)start, (long long)stop, native);
        std::copy(native.begin(), native.end(), out.begin());
        return out;
    }
    // Both ends on the grid where the two rates meet (P target samples = Q native ones), so
    // the piece's output samples fall exactly on the whole file's.
    const long long g = std::gcd(rate, targetRate), P = targetRate / g, Q = rate / g;
    const long long m = (long long)kResampleMargin;
    const long long aT = std::max(0LL, ((long long)start - m) / P * P);
    const long long bT = ((long long)stop + m + P - 1) / P * P;
    const long long aN = aT / P * Q, bN = std::min(frames, bT / P * Q);
    readFrames(path, aN, bN, native);
    const std::vector<float> y = resample(native, double(rate), double(targetRate));
    for (size_t t = start; t < stop; ++t) {
        const size_t j = t - size_t(aT);
        if (j >= y.size()) throw Error(path, "shorter than indexed (truncated?)");
        out[t - start] = y[j];
    }
    return out;
}

}  // namespace srlab
