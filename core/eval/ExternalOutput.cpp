// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/ExternalOutput.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "audio/AudioStream.h"
#include "audio/Resampler.h"
#include "dataset/PairBuilder.h"
#include "util/Error.h"

namespace srlab {
namespace fs = std::filesystem;
namespace {

constexpr double kMaxDelayS = 0.050, kProbeS = 30, kMinLengthS = 0.010, kToleranceS = 0.100, kToleranceFraction = 0.01;

// Up to `limit` samples of a file at `rate` (mono), from its start.
std::vector<float> readStart(const std::string& path, int rate, size_t limit) {
    AudioReader r(path);
    StreamResampler rs(r.rate(), rate);
    std::vector<float> out, block(65536);
    const SampleSink take = [&](const float* x, size_t n) { out.insert(out.end(), x, x + std::min(n, limit - std::min(limit, out.size()))); };
    for (size_t got; out.size() < limit && (got = r.read(block.data(), block.size())) > 0;) rs.push(block.data(), got, take);
    if (out.size() < limit) rs.finish(take);
    return out;
}

// Normalised cross-correlation of truth[i] and out[i + lag] over the truth's span.
double correlation(const std::vector<float>& t, const std::vector<float>& o, long long lag, size_t step = 1) {
    double xy = 0, xx = 0, yy = 0;
    for (size_t i = 0; i < t.size(); i += step) {
        const long long j = (long long)i + lag;
        if (j < 0 || j >= (long long)o.size()) continue;
        xy += double(t[i]) * o[size_t(j)];
        xx += double(t[i]) * t[i];
        yy += double(o[size_t(j)]) * o[size_t(j)];
    }
    return xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : 0;
}

std::vector<float> average(const std::vector<float>& x, size_t q) {
    std::vector<float> out(x.size() / q);
    for (size_t i = 0; i < out.size(); ++i) {
        double s = 0;
        for (size_t k = 0; k < q; ++k) s += x[i * q + k];
        out[i] = float(s / double(q));
    }
    return out;
}

// The output at the truth's rate, its delay removed, `n` samples in all, at the pace of the
// low-res samples pushed (scale x those), the rest at finish.
class OutputStream final : public MethodStream {
public:
    OutputStream(const std::string& path, int rate, long long delay, int scale)
        : reader_(path), rs_(reader_.rate(), rate), skip_(delay > 0 ? size_t(delay) : 0),
          pad_(delay < 0 ? size_t(-delay) : 0), scale_(size_t(scale)) {}
    void push(const float*, size_t m, const SampleSink& out) override {
        pushed_ += m;
        emit(pushed_ * scale_, out);
    }
    void finish(size_t n, const SampleSink& out) override {
        emit(n, out);
        if (emitted_ < n) {  // the output ended early: zeros
            const std::vector<float> zeros(n - emitted_, 0.0f);
            out(zeros.data(), zeros.size());
            emitted_ = n;
        }
    }

private:
    void emit(size_t upTo, const SampleSink& out) {
        const SampleSink take = [&](const float* x, size_t k) {
            const size_t drop = std::min(k, skip_);
            skip_ -= drop;
            ready_.insert(ready_.end(), x + drop, x + k);
        };
        while (pad_ && emitted_ < upTo) {
            const size_t k = std::min(pad_, upTo - emitted_);
            const std::vector<float> zeros(k, 0.0f);
            out(zeros.data(), k);
            pad_ -= k;
            emitted_ += k;
        }
        std::vector<float> block(16384);
        while (emitted_ + ready_.size() < upTo && !ended_) {
            const size_t got = reader_.read(block.data(), block.size());
            if (got == 0) {
                rs_.finish(take);
                ended_ = true;
            } else {
                rs_.push(block.data(), got, take);
            }
        }
        const size_t k = std::min(ready_.size(), upTo - std::min(upTo, emitted_));
        if (k) out(ready_.data(), k);
        ready_.erase(ready_.begin(), ready_.begin() + long(k));
        emitted_ += k;
    }
    AudioReader reader_;
    StreamResampler rs_;
    size_t skip_, pad_, scale_, pushed_ = 0, emitted_ = 0;
    std::vector<float> ready_;
    bool ended_ = false;
};

std::string stemOf(const std::string& p) { return fs::path(p).stem().string(); }

}  // namespace

std::string OutputAlignment::describe(int truthRate) const {
    char b[200];
    const double ms = 1000.0 * double(delay) / truthRate;
    std::snprintf(b, sizeof b, "%s: delay %+.1f ms (%lld samples) removed, ", fs::path(output).filename().c_str(), ms, delay);
    std::string s = b;
    if (lengthDiff == 0) return s + "same length as the truth";
    return s + std::to_string(std::llabs(lengthDiff)) + (lengthDiff > 0 ? " samples longer (trimmed)" : " samples shorter (zero-padded)");
}

std::string findOutputFor(const std::string& truthFile, const std::string& dirOrFile) {
    std::error_code ec;
    if (!fs::is_directory(dirOrFile, ec)) {
        if (!fs::exists(dirOrFile, ec)) throw Error(dirOrFile, "does not exist");
        return dirOrFile;
    }
    const std::string stem = stemOf(truthFile);
    std::vector<std::string> exact, prefixed;
    for (const auto& f : collectAudioFiles({dirOrFile})) {
        const std::string s = stemOf(f);
        if (s == stem) exact.push_back(f);
        else if (s.size() > stem.size() && s.compare(0, stem.size(), stem) == 0 && std::string("_-. ").find(s[stem.size()]) != std::string::npos)
            prefixed.push_back(f);
    }
    if (exact.size() == 1) return exact.front();
    if (exact.empty() && prefixed.size() == 1) return prefixed.front();
    if (exact.empty() && prefixed.empty())
        throw Error(truthFile, "has no output in " + dirOrFile + " (looked for " + stem + ".* and " + stem + "_*)");
    throw Error(truthFile, "has several outputs in " + dirOrFile + " (" + std::to_string(exact.size() + prefixed.size()) +
                               " files named " + stem + "...): keep one");
}

long long findDelay(const std::vector<float>& truth, const std::vector<float>& output, long long maxLag, int rate) {
    // Coarse: both averaged over q samples (about 4 kHz), every lag; then every sample near it.
    const size_t q = size_t(std::max(1, rate / 4000));
    const auto tc = average(truth, q), oc = average(output, q);
    const long long coarseLag = maxLag / (long long)q + 1;
    long long best = 0;
    double bestC = -2;
    for (long long l = -coarseLag; l <= coarseLag; ++l) {
        const double c = correlation(tc, oc, l);
        if (c > bestC) bestC = c, best = l;
    }
    const long long centre = best * (long long)q;
    bestC = -2;
    for (long long l = std::max(-maxLag, centre - (long long)q); l <= std::min(maxLag, centre + (long long)q); ++l) {
        const double c = correlation(truth, output, l);
        if (c > bestC) bestC = c, best = l;
    }
    return best;
}

std::unique_ptr<MethodStream> externalOutputStream(const std::string& outputPath, const std::string& truthFile, int rate,
                                                   int scale, size_t n, OutputAlignment* info) {
    OutputAlignment a;
    a.output = outputPath;
    long long frames = 0;
    {
        AudioReader r(outputPath);
        a.rate = r.rate();
        frames = r.framesHint();
    }
    const long long outLen = (long long)std::llround(double(frames) * rate / double(a.rate));
    if (outLen < (long long)std::ceil(kMinLengthS * rate))
        throw Error(outputPath, "is shorter than 10 ms (" + std::to_string(frames) + " samples at " + std::to_string(a.rate) + " Hz)");
    const long long maxLag = (long long)std::llround(kMaxDelayS * rate);
    const size_t probe = std::min(n, size_t(kProbeS * rate));
    const std::vector<float> truth = readStart(truthFile, rate, probe);
    const std::vector<float> out = readStart(outputPath, rate, probe + size_t(maxLag));
    double energy = 0;
    for (float v : out) energy += double(v) * v;
    if (energy <= 1e-12 * double(std::max<size_t>(1, out.size())))
        throw Error(outputPath, "is silent (nothing to line up with " + fs::path(truthFile).filename().string() + ")");
    a.delay = findDelay(truth, out, maxLag, rate);
    a.lengthDiff = outLen - a.delay - (long long)n;
    const double tolerance = kToleranceS * rate + kToleranceFraction * double(n);
    if (double(std::llabs(a.lengthDiff)) > tolerance) {
        char b[200];
        std::snprintf(b, sizeof b, "is %.3f s long, the truth %.3f s (after removing a delay of %.1f ms): not an output of it",
                      double(outLen) / rate, double(n) / rate, 1000.0 * double(a.delay) / rate);
        throw Error(outputPath, b);
    }
    if (info) *info = a;
    return std::make_unique<OutputStream>(outputPath, rate, a.delay, scale);
}

void OutputNotes::add(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back(line);
}

std::vector<std::string> OutputNotes::lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
}

Method externalMethod(const std::string& name, const std::string& dirOrFile, std::shared_ptr<OutputNotes> notes) {
    Method m;
    m.name = name;
    m.forFile = [name, dirOrFile, notes](const std::string& file, int rate, int scale, size_t n, const CancelToken&) {
        const std::string output = findOutputFor(file, dirOrFile);
        OutputAlignment a;
        auto s = externalOutputStream(output, file, rate, scale, n, &a);
        if (notes) notes->add(name + ": " + a.describe(rate));
        return s;
    };
    return m;
}

}  // namespace srlab
