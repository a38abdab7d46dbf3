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

Degradation chainFor(const PairSpec& spec, uint64_t chainSeed) {
    if (spec.degrade.empty()) return Degradation::fixed(spec.filter);
    return DegradationZoo::parse(spec.degrade).draw(spec.seed * 0x9e3779b97f4a7c15ULL ^ chainSeed);
}

Pair makePairFromHigh(std::vector<float> hi, const PairSpec& spec, uint64_t chainSeed) {
    Pair p;
    const Degradation chain = chainFor(spec, chainSeed);
    p.degradation = chain.toString();
    p.low = degrade(hi, spec.rate, spec.scale, chain).low;
    if (spec.baseline != Baseline::None) p.input = upsample(p.low, spec.scale, hi.size(), spec.baseline);
    else p.input = p.low;
    p.label = std::move(hi);
    return p;
}

Pair makePair(const std::vector<float>& mono, int inRate, const PairSpec& spec, uint64_t chainSeed) {
    if (!spec.lowResInput) return makePairFromHigh(toTargetRate(mono, inRate, spec.rate, spec.scale), spec, chainSeed);
    Pair p;
    p.low = resample(mono, inRate, spec.lowRate());
    const size_t n = p.low.size() * size_t(spec.scale);
    p.input = spec.baseline == Baseline::None ? p.low : upsample(p.low, spec.scale, n, spec.baseline);
    return p;
}

}  // namespace srlab
