// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/DisplaySpectrogram.h"

#include <algorithm>
#include <cmath>

#include "dsp/Stft.h"

namespace srlab {

namespace {

// What a display spectrogram of [begin, end) of n samples computes: its window, FFT, hop, and
// the stretch it transforms — [b, e) uncentred when the range has half a window of real
// samples either side, else [begin, end) centred with reflection at the range's ends.
struct Plan {
    int win = 0, nfft = 1, hop = 1;
    size_t b = 0, e = 0;
    bool inside = false;
    bool empty() const { return e - b < 2; }
};

Plan planFor(size_t n, size_t begin, size_t end, int rate, double windowMs, size_t columns) {
    Plan p;
    p.win = std::max(16, int(std::lround(windowMs * rate / 1000.0)));
    while (p.nfft < p.win) p.nfft <<= 1;
    end = std::min(end, n);
    begin = std::min(begin, end);
    p.hop = std::max<int>(p.win / 4, int((end - begin) / std::max<size_t>(columns, 1)));
    p.b = begin - std::min<size_t>(begin, size_t(p.nfft / 2));
    p.e = std::min(n, end + size_t(p.nfft / 2));
    p.inside = p.b + size_t(p.nfft / 2) == begin && p.e == end + size_t(p.nfft / 2);
    if (!p.inside) {
        p.b = begin;
        p.e = end;
    }
    return p;
}

DisplaySpectrogram toDisplay(const Spectrogram& s, const Plan& p, size_t begin, int rate);

}  // namespace

DisplaySpectrogram makeDisplaySpectrogram(const float* x, size_t n, size_t begin, size_t end, int rate,
                                          double windowMs, size_t columns, int threads) {
    const Plan p = planFor(n, begin, end, rate, windowMs, columns);
    if (p.empty()) return {};
    return toDisplay(powerSpectrogram(x + p.b, p.e - p.b, {p.nfft, p.hop, p.win, !p.inside}, threads), p,
                     std::min(std::min(begin, end), n), rate);
}

DisplaySpectrogram makeDisplaySpectrogram(const SampleBuffer& x, size_t begin, size_t end, int rate, double windowMs,
                                          size_t columns, int threads) {
    const Plan p = planFor(x.size(), begin, end, rate, windowMs, columns);
    if (p.empty()) return {};
    const size_t first = std::min(std::min(begin, end), x.size());
    const size_t len = p.e - p.b;
    const StftParams dense{p.nfft, p.hop, p.win, !p.inside};
    // Frames that overlap or touch: the stretch itself (at most columns x nfft samples).
    if (size_t(p.hop) <= size_t(p.nfft)) return toDisplay(powerSpectrogram(x.copy(p.b, len).data(), len, dense, threads), p, first, rate);
    // Sparse frames (a long view): each frame's own window, gathered end to end, is the same
    // transform with hop = nfft and no centring; the centred case reflects at the range's ends
    // as powerSpectrogram does.
    const long pad = p.inside ? 0 : p.nfft / 2;
    const long total = long(len) + 2 * pad;
    const size_t frames = total >= p.nfft ? size_t((total - p.nfft) / p.hop + 1) : 0;
    std::vector<float> gathered(frames * size_t(p.nfft));
    const bool reflect = !p.inside && len > size_t(pad);
    // Frames past the range's ends read only its first and last nfft samples, reflected.
    const size_t edge = std::min(len, size_t(p.nfft));
    const std::vector<float> head = x.copy(p.b, edge), tail = x.copy(p.e - edge, edge);
    auto at = [&](long j) { return size_t(j) < edge ? head[size_t(j)] : tail[size_t(j) - (len - edge)]; };
    for (size_t f = 0; f < frames; ++f) {
        float* w = gathered.data() + f * size_t(p.nfft);
        const long start = long(f) * p.hop - pad;  // relative to p.b
        if (start >= 0 && start + p.nfft <= long(len)) {
            x.read(p.b + size_t(start), size_t(p.nfft), w);
            continue;
        }
        for (long i = 0; i < p.nfft; ++i) {
            long j = start + i;
            if (j >= 0 && j < long(len)) {
                w[i] = at(j);
                continue;
            }
            if (!reflect) {
                w[i] = 0.0f;
                continue;
            }
            if (j < 0) j = -j;
            if (j >= long(len)) j = 2 * (long(len) - 1) - j;
            w[i] = j >= 0 && j < long(len) ? at(j) : 0.0f;
        }
    }
    Spectrogram s = powerSpectrogram(gathered.data(), gathered.size(), {p.nfft, p.nfft, p.win, false}, threads);
    return toDisplay(s, p, first, rate);
}

DisplaySpectrogram makeDifferenceSpectrogram(const SampleBuffer& a, const SampleBuffer& b, size_t begin, size_t end,
                                             int rate, double windowMs, size_t columns, int threads) {
    DisplaySpectrogram d = makeDisplaySpectrogram(a, begin, end, rate, windowMs, columns, threads);
    const DisplaySpectrogram ref = makeDisplaySpectrogram(b, begin, end, rate, windowMs, columns, threads);
    for (size_t i = 0; i < d.db.size() && i < ref.db.size(); ++i) d.db[i] -= ref.db[i];
    return d;
}

namespace {

DisplaySpectrogram toDisplay(const Spectrogram& s, const Plan& p, size_t begin, int rate) {
    DisplaySpectrogram d;
    const int win = p.win, nfft = p.nfft, hop = p.hop;
    d.frames = s.frames;
    d.bins = s.bins;
    d.startSeconds = double(begin) / rate;
    d.secondsPerFrame = double(hop) / rate;
    d.hzPerBin = double(rate) / nfft;
    // Power of a full-scale sine with this window is (sum w / 2)^2 = (win/4)^2: 0 dB there.
    // Single-precision log: display values need 0.01 dB, and this is most of a view's cost.
    const float scale = float(1.0 / std::pow(win / 4.0, 2));
    d.db.resize(s.power.size());
    for (size_t i = 0; i < s.power.size(); ++i) d.db[i] = 10.0f * std::log10(std::max(s.power[i] * scale, 1e-14f));
    return d;
}

}  // namespace

DisplaySpectrogram makeDifferenceSpectrogram(const float* a, const float* b, size_t n, size_t begin, size_t end,
                                             int rate, double windowMs, size_t columns, int threads) {
    DisplaySpectrogram d = makeDisplaySpectrogram(a, n, begin, end, rate, windowMs, columns, threads);
    const DisplaySpectrogram ref = makeDisplaySpectrogram(b, n, begin, end, rate, windowMs, columns, threads);
    for (size_t i = 0; i < d.db.size() && i < ref.db.size(); ++i) d.db[i] -= ref.db[i];
    return d;
}

// ---------------------------------------------------------------- streamed overview

OverviewStream::OverviewStream(size_t n, int rate, double windowMs, size_t columns) : n_(n), rate_(rate) {
    const Plan p = planFor(n, 0, n, rate, windowMs, columns);
    win_ = p.win;
    nfft_ = p.nfft;
    hop_ = p.hop;
    if (p.empty()) return;
    // The whole signal never has samples beyond it: centred, reflected at both ends.
    pad_ = nfft_ / 2;
    const long total = long(n) + 2 * pad_;
    frames_ = total >= nfft_ ? size_t((total - nfft_) / hop_ + 1) : 0;
    recent_.assign(size_t(nfft_) + size_t(hop_), 0.0f);
}

void OverviewStream::push(const float* x, size_t m) {
    if (frames_ == 0 || seen_ >= n_) return;
    m = std::min(m, n_ - seen_);  // samples past n are not the signal's
    if (seen_ < size_t(nfft_)) head_.insert(head_.end(), x, x + std::min(m, size_t(nfft_) - seen_));
    const size_t ring = recent_.size();
    size_t at = 0;
    while (at < m) {
        // Up to the last sample of the next frame that ends inside the signal, then transform it.
        const long last = done_ < frames_ ? long(done_) * hop_ - pad_ + nfft_ - 1 : -1;
        const bool ends = last >= long(seen_ + at) && last < long(n_) && last < long(seen_ + m);
        const size_t stop = ends ? size_t(last) + 1 - seen_ : m;
        for (size_t i = at; i < stop;) {  // into the ring, in at most two pieces
            const size_t pos = (seen_ + i) % ring, len = std::min(stop - i, ring - pos);
            std::copy(x + i, x + i + len, recent_.begin() + long(pos));
            i += len;
        }
        at = stop;
        if (ends) transform(seen_ + at);
    }
    seen_ += m;
    if (seen_ >= n_) transform(n_);
}

void OverviewStream::transform(size_t upTo) {
    const size_t bins = size_t(nfft_ / 2 + 1);
    std::vector<float> gathered;
    size_t first = done_;
    const bool reflect = n_ > size_t(pad_);
    for (; done_ < frames_; ++done_) {
        const long start = long(done_) * hop_ - pad_;
        const long end = start + nfft_;  // exclusive, in signal samples (may pass either end)
        if (std::min(end, long(n_)) > long(upTo)) break;
        const size_t base = gathered.size();
        gathered.resize(base + size_t(nfft_));
        for (long i = 0; i < nfft_; ++i) {
            long j = start + i;
            if (j < 0 || j >= long(n_)) {
                if (!reflect) {
                    gathered[base + size_t(i)] = 0.0f;
                    continue;
                }
                if (j < 0) j = -j;
                if (j >= long(n_)) j = 2 * (long(n_) - 1) - j;
                if (j < 0 || j >= long(n_)) {
                    gathered[base + size_t(i)] = 0.0f;
                    continue;
                }
            }
            // The first nfft samples are kept; the rest come from the ring of the latest.
            gathered[base + size_t(i)] = size_t(j) < head_.size() ? head_[size_t(j)] : recent_[size_t(j) % recent_.size()];
        }
    }
    if (gathered.empty()) return;
    const Spectrogram s = powerSpectrogram(gathered.data(), gathered.size(), {nfft_, nfft_, win_, false}, 1);
    power_.resize(done_ * bins);
    std::copy(s.power.begin(), s.power.end(), power_.begin() + long(first * bins));
}

DisplaySpectrogram OverviewStream::snapshot() const {
    Plan p;
    p.win = win_;
    p.nfft = nfft_;
    p.hop = hop_;
    Spectrogram s;
    s.bins = size_t(nfft_ / 2 + 1);
    s.frames = frames_;
    s.power = power_;
    s.power.resize(frames_ * s.bins, 0.0f);  // not yet made: the floor
    return frames_ ? toDisplay(s, p, 0, rate_) : DisplaySpectrogram{};
}

}  // namespace srlab
