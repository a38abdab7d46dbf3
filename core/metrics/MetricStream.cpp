// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/MetricStream.h"

#include <algorithm>

#include "dsp/Mel.h"
#include "dsp/Stft.h"
#include "util/Error.h"
#include "util/ThreadPool.h"

namespace srlab {
namespace {

// A signal's recent samples, [base, base + x.size()), for frames and sample pairs to come.
struct Window {
    std::vector<float> x;
    size_t base = 0;
    size_t end() const { return base + x.size(); }
    void dropBefore(size_t i) {
        if (i <= base) return;
        const size_t k = std::min(i - base, x.size());
        // Compacted only when half is stale: appends stay amortised O(1).
        if (k * 2 < x.size()) return;
        x.erase(x.begin(), x.begin() + long(k));
        base += k;
    }
};

// Centred STFT frames of a signal of known length, computed a block at a time from a Window:
// frame f covers [f hop - nfft/2, f hop + nfft/2), reflected at the ends as powerSpectrogram
// does, which these frames equal exactly.
class FrameMaker {
public:
    // The length may be given later (setLength): until then frames are made only where no end
    // reflection is needed.
    explicit FrameMaker(size_t length = kUnknown) : p_(metricStft()) { setLength(length); }
    static constexpr size_t kUnknown = size_t(1) << 62;
    void setLength(size_t length) {
        n_ = length;
        const long pad = p_.nfft / 2, total = long(n_) + 2 * pad;
        frames_ = total >= p_.nfft ? size_t((total - p_.nfft) / p_.hop + 1) : 0;
    }
    size_t frames() const { return frames_; }
    // A sample before which frame f needs nothing (a Window may drop what is before it): the
    // first frames reflect x[1..nfft/2], and a last frame reflected at the end reaches one
    // sample before its start, so half a frame of margin.
    size_t firstSample(size_t f) const {
        const long s = long(f) * p_.hop - p_.nfft;
        return s <= 0 ? 0 : size_t(s);
    }
    // Frames from `from` that samples below `avail` can make (all of them once avail = n).
    size_t readyUpTo(size_t avail) const {
        if (avail >= n_) return frames_;
        // Frame f needs samples below f hop - pad + nfft, and the first frames reflect up to x[pad].
        const long room = long(avail) + p_.nfft / 2 - p_.nfft;
        if (room < 0 || avail <= size_t(p_.nfft / 2)) return 0;
        return std::min(frames_, size_t(room / p_.hop) + 1);
    }
    Spectrogram make(const Window& w, size_t f0, size_t f1) const {
        const long pad = p_.nfft / 2, N = long(n_);
        const bool reflect = n_ > size_t(pad);
        Spectrogram out;
        out.bins = size_t(p_.nfft / 2 + 1);
        out.frames = f1 - f0;
        out.power.resize(out.frames * out.bins);
        auto inside = [&](size_t f) { const long s = long(f) * p_.hop - pad; return s >= 0 && s + p_.nfft <= N; };
        std::vector<float> frame(size_t(p_.nfft));
        for (size_t f = f0; f < f1;) {
            if (inside(f)) {  // a run of interior frames in one call, on the pool
                size_t g = f;
                while (g < f1 && inside(g)) ++g;
                const size_t start = f * size_t(p_.hop) - size_t(pad);
                const size_t len = (g - f - 1) * size_t(p_.hop) + size_t(p_.nfft);
                const Spectrogram s = powerSpectrogram(w.x.data() + (start - w.base), len, {p_.nfft, p_.hop, 0, false}, 0);
                std::copy(s.power.begin(), s.power.end(), out.power.begin() + long((f - f0) * out.bins));
                f = g;
                continue;
            }
            for (long k = 0; k < p_.nfft; ++k) {  // an edge frame, padded as powerSpectrogram pads
                long j = long(f) * p_.hop + k - pad;
                float v = 0.0f;
                if (j >= 0 && j < N) {
                    v = w.x[size_t(j) - w.base];
                } else if (reflect) {
                    if (j < 0) j = -j;
                    if (j >= N) j = 2 * (N - 1) - j;
                    if (j >= 0 && j < N) v = w.x[size_t(j) - w.base];
                }
                frame[size_t(k)] = v;
            }
            const Spectrogram s = powerSpectrogram(frame.data(), frame.size(), {p_.nfft, p_.hop, 0, false}, 1);
            std::copy(s.power.begin(), s.power.end(), out.power.begin() + long((f - f0) * out.bins));
            ++f;
        }
        return out;
    }

private:
    StftParams p_;
    size_t n_ = 0, frames_ = 0;
};

constexpr size_t kFrameBlock = 1024;  // frames scored per round
constexpr size_t kSubBlock = 64;      // frames per pool task

// Frames [f0, f1) of a signal and their log-mel image, sub-blocks side by side on the pool
// (the mel filterbank costs as much as the FFT).
struct Spectra {
    Spectrogram s;
    std::vector<float> mel;
};
Spectra spectraOf(const FrameMaker& frames, const Window& w, size_t f0, size_t f1, const MelBank& bank) {
    const size_t parts = (f1 - f0 + kSubBlock - 1) / kSubBlock;
    std::vector<Spectra> part(parts);
    parallelFor(parts, [&](size_t i) {
        const size_t a = f0 + i * kSubBlock, b = std::min(f1, a + kSubBlock);
        part[i].s = frames.make(w, a, b);
        part[i].mel = logMelImage(bank, part[i].s);
    });
    Spectra out;
    out.s.bins = part.empty() ? 0 : part[0].s.bins;
    out.s.frames = f1 - f0;
    out.s.power.reserve(out.s.frames * out.s.bins);
    for (auto& p : part) {
        out.s.power.insert(out.s.power.end(), p.s.power.begin(), p.s.power.end());
        out.mel.insert(out.mel.end(), p.mel.begin(), p.mel.end());
    }
    return out;
}

}  // namespace

struct ReferencePass::Impl {
    FrameMaker frames;
    MelBank bank;
    Window w;
    size_t next = 0;
    float top = -1e30f;
    StoiTop stoi;
    explicit Impl(int rate) : bank(melFilterbank(rate, metricStft().nfft, 128)), stoi(rate) {}
    void advance(bool all) {
        const size_t ready = frames.readyUpTo(w.end());
        while (next < ready && (all || ready - next >= kFrameBlock)) {
            const size_t to = std::min(ready, next + kFrameBlock);
            for (float v : spectraOf(frames, w, next, to, bank).mel) top = std::max(top, v);
            next = to;
            w.dropBefore(frames.firstSample(next));
        }
    }
};

ReferencePass::ReferencePass(int rate) : d_(std::make_unique<Impl>(rate)) {}
ReferencePass::~ReferencePass() = default;

void ReferencePass::push(const float* y, size_t n) {
    d_->w.x.insert(d_->w.x.end(), y, y + n);
    d_->stoi.push(y, n);
    d_->advance(false);
}

ReferencePeaks ReferencePass::finish(size_t length) {
    if (length != d_->w.end()) throw Error("metrics", "reference pass: stream length mismatch");
    d_->frames.setLength(length);
    d_->advance(true);
    return {d_->top, d_->stoi.finish()};
}

struct MetricStream::Impl {
    size_t n;
    int rate, scale;
    ReferencePeaks peaks;
    FrameMaker frames;
    MelBank bank;
    Window ref;
    std::vector<Window> est;
    std::vector<MetricSums> sums;
    std::vector<size_t> scored;  // samples scored per estimate
    size_t nextFrame = 0;

    Impl(size_t length, int r, int s, size_t k, const ReferencePeaks& p, bool visqol)
        : n(length), rate(r), scale(s), peaks(p), frames(length), bank(melFilterbank(r, metricStft().nfft, 128)),
          est(k), sums(k, MetricSums(length, r, s, p, visqol)), scored(k, 0) {}

    void scoreSamples(size_t k) {
        const size_t to = std::min({ref.end(), est[k].end(), n});
        if (to <= scored[k]) return;
        sums[k].addSamples(ref.x.data() + (scored[k] - ref.base), est[k].x.data() + (scored[k] - est[k].base),
                           to - scored[k], scored[k]);
        scored[k] = to;
    }
    void scoreFrames(bool all) {
        size_t avail = ref.end();
        for (const auto& e : est) avail = std::min(avail, e.end());
        const size_t ready = frames.readyUpTo(std::min(avail, n));
        while (nextFrame < ready && (all || ready - nextFrame >= kFrameBlock)) {
            const size_t to = std::min(ready, nextFrame + kFrameBlock);
            const Spectra r = spectraOf(frames, ref, nextFrame, to, bank);
            // Estimates side by side on the pool (each has its own sums; the reference is shared).
            parallelFor(est.size(), [&](size_t k) {
                const Spectra e = spectraOf(frames, est[k], nextFrame, to, bank);
                sums[k].addFrames(r.s, e.s, r.mel, e.mel, peaks.logMelTop);
            });
            nextFrame = to;
        }
        trim();
    }
    // Keeps what unscored samples and unmade frames still need.
    void trim() {
        const size_t frameNeeds = frames.firstSample(nextFrame);
        size_t refNeeds = frameNeeds;
        for (size_t k = 0; k < est.size(); ++k) {
            est[k].dropBefore(std::min(frameNeeds, scored[k]));
            refNeeds = std::min(refNeeds, scored[k]);
        }
        ref.dropBefore(refNeeds);
    }
};

MetricStream::MetricStream(size_t length, int rate, int scale, size_t estimates, const ReferencePeaks& peaks,
                           bool visqol)
    : d_(std::make_unique<Impl>(length, rate, scale, estimates, peaks, visqol)) {
    if (length == 0) throw Error("metrics", "empty signal");
    if (scale < 1 || rate <= 0) throw Error("metrics", "invalid rate or scale for LSD");
}

MetricStream::~MetricStream() = default;

void MetricStream::pushReference(const float* y, size_t n) {
    d_->ref.x.insert(d_->ref.x.end(), y, y + n);
    for (size_t k = 0; k < d_->est.size(); ++k) d_->scoreSamples(k);
    d_->scoreFrames(false);
}

void MetricStream::pushEstimate(size_t k, const float* yh, size_t n) {
    d_->est[k].x.insert(d_->est[k].x.end(), yh, yh + n);
    d_->scoreSamples(k);
    d_->scoreFrames(false);
}

std::vector<MetricSet> MetricStream::finish() {
    if (d_->ref.end() < d_->n) throw Error("metrics", "the reference stream ended early");
    for (size_t k = 0; k < d_->est.size(); ++k) {
        if (d_->est[k].end() < d_->n)
            throw Error("metrics", "an estimate has " + std::to_string(d_->est[k].end()) + " samples, the reference " +
                                       std::to_string(d_->n));
        d_->scoreSamples(k);
    }
    d_->scoreFrames(true);
    std::vector<MetricSet> out;
    for (const auto& s : d_->sums) out.push_back(s.result());
    return out;
}

}  // namespace srlab
