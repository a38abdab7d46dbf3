// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/LowBandMethod.h"

#include <cmath>


namespace srlab {

LowBandStream::LowBandStream(std::unique_ptr<MethodStream> inner, int scale, double lowRate, LowBandEdge edge)
    : inner_(std::move(inner)), scale_(scale), lowRate_(lowRate), edge_(edge) {}

void LowBandStream::start(const SampleSink& out) {
    if (edge_.edgeHz <= 0) edge_ = detectLowBandEdge(probe_.data(), probe_.size(), lowRate_);
    sinc_ = std::make_unique<BaselineStream>(Baseline::Sinc, scale_);
    mix_ = std::make_unique<LowBandMixer>(lowBandTaps(lowRate_ * scale_, edge_));
    std::vector<float> probe;
    probe.swap(probe_);
    forward(probe.data(), probe.size(), out);
}

void LowBandStream::forward(const float* low, size_t m, const SampleSink& out) {
    if (m == 0) return;
    sinc_->push(low, m, [&](const float* x, size_t k) { mix_->pushInput(x, k, out); });
    inner_->push(low, m, [&](const float* y, size_t k) { mix_->pushModel(y, k, out); });
}

void LowBandStream::push(const float* low, size_t m, const SampleSink& out) {
    if (mix_) return forward(low, m, out);
    const size_t want = size_t(std::ceil(kProbeSeconds * lowRate_));
    const size_t take = std::min(m, want - std::min(want, probe_.size()));
    probe_.insert(probe_.end(), low, low + take);
    if (probe_.size() < want) return;
    start(out);
    forward(low + take, m - take, out);
}

void LowBandStream::finish(size_t n, const SampleSink& out) {
    if (!mix_) start(out);
    sinc_->finish(n, [&](const float* x, size_t k) { mix_->pushInput(x, k, out); });
    inner_->finish(n, [&](const float* y, size_t k) { mix_->pushModel(y, k, out); });
    mix_->finish(out);
}

Method withLowBand(Method m, int scale, double lowRate, LowBandEdge edge) {
    auto stream = m.stream;
    Method w;
    w.name = m.name;
    w.stream = [stream, scale, lowRate, edge](const CancelToken& cancel) -> std::unique_ptr<MethodStream> {
        return std::make_unique<LowBandStream>(stream(cancel), scale, lowRate, edge);
    };
    // Whole signals go through the same stream, so the two agree sample for sample.
    w.run = [s = w.stream](const std::vector<float>& low, size_t n, const CancelToken& cancel) {
        std::vector<float> y;
        y.reserve(n);
        const SampleSink append = [&y](const float* p, size_t k) { y.insert(y.end(), p, p + k); };
        auto st = s(cancel);
        st->push(low.data(), low.size(), append);
        st->finish(n, append);
        return y;
    };
    return w;
}

}  // namespace srlab
