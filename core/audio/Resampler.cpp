// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>

#include "util/Error.h"

namespace srlab {

struct StreamResampler::Impl {
    soxr_t soxr = nullptr;  // null when the rates are equal (a copy)
    std::vector<float> out;
    ~Impl() {
        if (soxr) soxr_delete(soxr);
    }
};

StreamResampler::StreamResampler(double inRate, double outRate, ResampleQuality q)
    : d_(std::make_unique<Impl>()), inRate_(inRate), outRate_(outRate) {
    if (!(inRate > 0) || !(outRate > 0)) throw Error("resample", "sample rates must be positive");
    if (inRate == outRate) return;
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t qs = soxr_quality_spec(q == ResampleQuality::VeryHigh ? SOXR_VHQ : SOXR_HQ, 0);
    soxr_runtime_spec_t rt = soxr_runtime_spec(1);  // callers parallelise over files
    soxr_error_t err = nullptr;
    d_->soxr = soxr_create(inRate, outRate, 1, &err, &io, &qs, &rt);
    if (err || !d_->soxr) throw Error("resample", std::string("libsoxr failed: ") + (err ? err : "no resampler"));
    d_->out.resize(16384);
}

StreamResampler::~StreamResampler() = default;

// Output never passes round(total in * ratio): what libsoxr adds past it (its flush rounds
// differently) is dropped, and finish() pads a shortfall with zeros.
void StreamResampler::drain(const float* x, size_t n, bool last, const SampleSink& sink) {
    const size_t cap = last ? total() : size_t(-1);
    for (;;) {
        size_t used = 0, made = 0;
        // ~n marks the last input (soxr_process's end-of-input convention): it flushes.
        soxr_error_t err = soxr_process(d_->soxr, x, last ? ~n : n, &used, d_->out.data(), d_->out.size(), &made);
        if (err) throw Error("resample", std::string("libsoxr failed: ") + err);
        x += used;
        n -= used;
        const size_t keep = std::min(made, cap - std::min(cap, out_));
        if (keep) sink(d_->out.data(), keep);
        out_ += keep;
        if (n == 0 && made < d_->out.size()) break;  // all input taken and nothing more pending
    }
}

void StreamResampler::push(const float* x, size_t n, const SampleSink& sink) {
    in_ += n;
    if (!d_->soxr) {
        if (n) sink(x, n);
        out_ += n;
        return;
    }
    if (n) drain(x, n, false, sink);
}

void StreamResampler::finish(const SampleSink& sink) {
    if (d_->soxr && in_ > 0) drain(nullptr, 0, true, sink);
    if (out_ < total()) {
        const std::vector<float> zeros(total() - out_, 0.0f);
        sink(zeros.data(), zeros.size());
        out_ = total();
    }
}

size_t StreamResampler::total() const { return size_t(std::llround(double(in_) * outRate_ / inRate_)); }

std::vector<float> resample(const std::vector<float>& x, double inRate, double outRate, ResampleQuality q) {
    if (inRate <= 0 || outRate <= 0) throw Error("resample", "sample rates must be positive");
    if (inRate == outRate || x.empty()) return x;
    std::vector<float> y;
    y.reserve(size_t(std::llround(double(x.size()) * outRate / inRate)));
    const SampleSink append = [&y](const float* s, size_t n) { y.insert(y.end(), s, s + n); };
    StreamResampler r(inRate, outRate, q);
    r.push(x.data(), x.size(), append);
    r.finish(append);
    return y;
}

}  // namespace srlab
