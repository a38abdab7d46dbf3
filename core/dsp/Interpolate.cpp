// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Interpolate.h"

#include <algorithm>
#include <cmath>

#include "audio/Resampler.h"
#include "util/Error.h"

namespace srlab {
namespace {

// Polynomial through up to 3 equally spaced points (Lagrange), evaluated at t (in knot units).
double lowOrderPoly(const std::vector<float>& y, double t) {
    if (y.size() == 1) return y[0];
    if (y.size() == 2) return y[0] + (y[1] - y[0]) * t;
    const double l0 = (t - 1) * (t - 2) / 2, l1 = -t * (t - 2), l2 = t * (t - 1) / 2;
    return y[0] * l0 + y[1] * l1 + y[2] * l2;
}

}  // namespace

Baseline parseBaseline(const std::string& name) {
    if (name == "spline") return Baseline::Spline;
    if (name == "linear") return Baseline::Linear;
    if (name == "sinc") return Baseline::Sinc;
    if (name == "none") return Baseline::None;
    throw Error("baseline", "unknown baseline '" + name + "' (use spline, linear, sinc or none)");
}

std::string toString(Baseline b) {
    switch (b) {
        case Baseline::Spline: return "spline";
        case Baseline::Linear: return "linear";
        case Baseline::Sinc: return "sinc";
        case Baseline::None: return "none";
    }
    return "?";
}

std::vector<float> splineUpsample(const std::vector<float>& low, int r, size_t n) {
    const size_t m = low.size();
    std::vector<float> out(n);
    if (m == 0) return out;
    const double h = r;
    if (m < 4) {
        for (size_t i = 0; i < n; ++i) out[i] = float(lowOrderPoly(low, double(i) / h));
        return out;
    }
    // Second derivatives M. Interior rows: M[i-1] + 4M[i] + M[i+1] = 6/h^2 (y[i-1]-2y[i]+y[i+1]).
    // Not-a-knot (equal third derivative across knots 1 and m-2) turns rows 1 and m-2 into
    // 6 M = rhs, leaving a diagonally dominant tridiagonal system for M[2..m-3].
    std::vector<double> M(m), rhs(m);
    const double c = 6.0 / (h * h);
    for (size_t i = 1; i + 1 < m; ++i) rhs[i] = c * (double(low[i - 1]) - 2.0 * low[i] + low[i + 1]);
    M[1] = rhs[1] / 6.0;
    M[m - 2] = rhs[m - 2] / 6.0;
    if (m > 4) {
        // Thomas algorithm on rows 2..m-3 with known M[1], M[m-2] moved to the right side.
        const size_t lo = 2, hi = m - 3;
        std::vector<double> cp(m), dp(m);
        for (size_t i = lo; i <= hi; ++i) {
            double d = rhs[i];
            if (i == lo) d -= M[1];
            if (i == hi) d -= M[m - 2];
            const double beta = 4.0 - (i == lo ? 0.0 : cp[i - 1]);
            cp[i] = 1.0 / beta;
            dp[i] = (d - (i == lo ? 0.0 : dp[i - 1])) / beta;
        }
        M[hi] = dp[hi];
        for (size_t i = hi; i-- > lo;) M[i] = dp[i] - cp[i] * M[i + 1];
    }
    M[0] = 2 * M[1] - M[2];
    M[m - 1] = 2 * M[m - 2] - M[m - 3];
    // Each piece as a cubic in a = t - x_k, evaluated for its r samples (the last piece also
    // covers everything past the final knot).
    for (size_t k = 0; k + 1 < m; ++k) {
        const double c0 = low[k], c2 = M[k] / 2, c3 = (M[k + 1] - M[k]) / (6 * h);
        const double c1 = (double(low[k + 1]) - low[k]) / h - h * (2 * M[k] + M[k + 1]) / 6;
        const size_t i0 = k * size_t(r), i1 = k + 2 == m ? n : std::min(n, i0 + size_t(r));
        for (size_t i = i0; i < i1; ++i) {
            const double a = double(i - i0);
            out[i] = float(c0 + a * (c1 + a * (c2 + a * c3)));
        }
    }
    return out;
}

void SplineStream::push(const float* low, size_t m, const SampleSink& sink) {
    // A long piece goes in a stretch at a time, so the buffer stays a stretch long.
    for (size_t at = 0; at < m; at += kStretch) {
        const size_t len = std::min(kStretch, m - at);
        knots_.insert(knots_.end(), low + at, low + at + len);
        flush(sink);
    }
}

void SplineStream::flush(const SampleSink& sink) {
    const size_t r = size_t(r_);
    // A stretch [done_, done_ + kStretch) goes out once kMargin knots past it have arrived.
    while (base_ + knots_.size() >= done_ + kStretch + kMargin) {
        const size_t from = done_ > kMargin ? done_ - kMargin : 0, to = done_ + kStretch + kMargin;
        const std::vector<float> window(knots_.begin() + long(from - base_), knots_.begin() + long(to - base_));
        const auto y = splineUpsample(window, r_, (to - from) * r);
        sink(y.data() + (done_ - from) * r, kStretch * r);
        emitted_ += kStretch * r;
        done_ += kStretch;
        // Keep the margin before the next stretch.
        const size_t keepFrom = done_ - kMargin;
        knots_.erase(knots_.begin(), knots_.begin() + long(keepFrom - base_));
        base_ = keepFrom;
    }
}

void SplineStream::finish(size_t n, const SampleSink& sink) {
    if (n < emitted_) throw Error("spline", "stream shorter than what was already interpolated");
    if (n == emitted_) return;
    const size_t r = size_t(r_), from = done_ > kMargin ? done_ - kMargin : 0;
    const std::vector<float> window(knots_.begin() + long(from - base_), knots_.end());
    const auto y = splineUpsample(window, r_, n - from * r);
    sink(y.data() + (done_ - from) * r, n - emitted_);
    emitted_ = n;
}

BaselineStream::BaselineStream(Baseline b, int r) : b_(b), r_(r), spline_(r) {
    if (b == Baseline::None) throw Error("baseline", "'none' has no interpolation");
    if (b == Baseline::Sinc) sinc_ = std::make_unique<StreamResampler>(1.0, double(r), ResampleQuality::VeryHigh);
}

BaselineStream::~BaselineStream() = default;

void BaselineStream::push(const float* low, size_t m, const SampleSink& sink) {
    if (m == 0) return;
    if (b_ == Baseline::Spline) return spline_.push(low, m, sink);
    if (b_ == Baseline::Sinc) {
        sinc_->push(low, m, [&](const float* y, size_t k) { sink(y, k), emitted_ += k; });
        return;
    }
    // Linear: the piece after a knot is out once the next knot is there.
    std::vector<float> out;
    out.reserve(m * size_t(r_));
    for (size_t j = 0; j < m; ++j) {
        if (knots_ > 0)
            for (int p = 0; p < r_; ++p) out.push_back(last_ + (low[j] - last_) * (float(p) / float(r_)));
        last_ = low[j];
        ++knots_;
    }
    sink(out.data(), out.size());
    emitted_ += out.size();
}

void BaselineStream::finish(size_t n, const SampleSink& sink) {
    if (b_ == Baseline::Spline) return spline_.finish(n, sink);
    if (n < emitted_) throw Error("baseline", "stream shorter than what was already interpolated");
    std::vector<float> tail;
    if (b_ == Baseline::Sinc) {
        // The whole-signal sinc baseline is cut or zero-padded to n.
        sinc_->finish([&](const float* y, size_t k) { tail.insert(tail.end(), y, y + k); });
        tail.resize(n > emitted_ ? n - emitted_ : 0, 0.0f);
    } else {
        tail.assign(n > emitted_ ? n - emitted_ : 0, knots_ ? last_ : 0.0f);  // past the last knot: its value
    }
    if (!tail.empty()) sink(tail.data(), tail.size());
    emitted_ += tail.size();
}

std::vector<float> linearUpsample(const std::vector<float>& low, int r, size_t n) {
    const size_t m = low.size();
    std::vector<float> out(n);
    if (m == 0) return out;
    // Knot by knot, phase by phase: no division per sample.
    std::vector<float> t(static_cast<size_t>(r));
    for (int p = 0; p < r; ++p) t[size_t(p)] = float(p) / float(r);
    size_t i = 0;
    for (size_t k = 0; k + 1 < m && i < n; ++k)
        for (int p = 0; p < r && i < n; ++p, ++i) out[i] = low[k] + (low[k + 1] - low[k]) * t[size_t(p)];
    for (; i < n; ++i) out[i] = low[m - 1];
    return out;
}

std::vector<float> sincUpsample(const std::vector<float>& low, int r, size_t n) {
    std::vector<float> out = resample(low, 1.0, double(r), ResampleQuality::VeryHigh);
    out.resize(n, 0.0f);
    return out;
}

std::vector<float> upsample(const std::vector<float>& low, int r, size_t n, Baseline b) {
    switch (b) {
        case Baseline::Spline: return splineUpsample(low, r, n);
        case Baseline::Linear: return linearUpsample(low, r, n);
        case Baseline::Sinc: return sincUpsample(low, r, n);
        case Baseline::None: break;
    }
    throw Error("baseline", "'none' has no interpolation");
}

}  // namespace srlab
