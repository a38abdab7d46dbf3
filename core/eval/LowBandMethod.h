// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Low-band consistency as a method: any method's stream with the input's own band kept below its
// edge (dsp/LowBand.h, docs/reference.md §4.1). The edge is given, or detected from the first
// 30 s of the low-res stream (the whole signal when shorter), which is held back until then:
// memory stays bounded and run() on the whole signal gives the same samples as the stream.
#include <memory>

#include "dsp/Interpolate.h"
#include "dsp/LowBand.h"
#include "eval/Evaluator.h"

namespace srlab {

class LowBandStream final : public MethodStream {
public:
    static constexpr double kProbeSeconds = 30;
    // edge.edgeHz 0: detect it.
    LowBandStream(std::unique_ptr<MethodStream> inner, int scale, double lowRate, LowBandEdge edge = {});
    void push(const float* low, size_t m, const SampleSink& out) override;
    void finish(size_t n, const SampleSink& out) override;
    // The edge in use (after the probe, or as given).
    const LowBandEdge& edge() const { return edge_; }

private:
    void start(const SampleSink& out);  // the edge is known: the probe goes through
    void forward(const float* low, size_t m, const SampleSink& out);
    std::unique_ptr<MethodStream> inner_;
    int scale_;
    double lowRate_;
    LowBandEdge edge_;
    std::vector<float> probe_;
    std::unique_ptr<BaselineStream> sinc_;
    std::unique_ptr<LowBandMixer> mix_;
};

// `m` with its stream and run() wrapped so (edge 0: detected per signal).
Method withLowBand(Method m, int scale, double lowRate, LowBandEdge edge = {});

}  // namespace srlab
