// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/PairMaker.h"

#include "audio/Resampler.h"
#include "util/Error.h"

namespace srlab {

std::vector<float> toTargetRate(std::vector<float> mono, int inRate, int rate, int scale) {
    std::vector<float> hi = inRate == rate ? std::move(mono) : resample(mono, inRate, rate);
    hi.resize(hi.size() - hi.size() % size_t(scale));
    return hi;
}

Pair makePairFromHigh(std::vector<float> hi, const PairSpec& spec) {
    Pair p;
    if (hi.size() < minDecimateLength(spec.filter))
        throw Error("", "too short to filter (" + std::to_string(hi.size()) + " samples)");
    p.low = decimate(hi, spec.scale, spec.filter);
    if (spec.baseline != Baseline::None) p.input = upsample(p.low, spec.scale, hi.size(), spec.baseline);
    else p.input = p.low;
    p.label = std::move(hi);
    return p;
}

Pair makePair(const std::vector<float>& mono, int inRate, const PairSpec& spec) {
    if (!spec.lowResInput) return makePairFromHigh(toTargetRate(mono, inRate, spec.rate, spec.scale), spec);
    Pair p;
    p.low = resample(mono, inRate, spec.lowRate());
    const size_t n = p.low.size() * size_t(spec.scale);
    p.input = spec.baseline == Baseline::None ? p.low : upsample(p.low, spec.scale, n, spec.baseline);
    return p;
}

}  // namespace srlab
