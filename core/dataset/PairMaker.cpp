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
    p.frames = hi.size();
    p.label = std::move(hi);
    return p;
}

PatchWindow patchWindow(size_t off, size_t n, const PairSpec& spec) {
    // Offsets and windows on the low-res grid, so the patch's input lines up with its label.
    const size_t r = size_t(spec.scale), dim = size_t(spec.dim), context = kPatchContext / r * r;
    const size_t from = off / r * r;
    return {from - std::min(from, context), std::min(n, (from + dim + context + r - 1) / r * r)};
}

uint64_t patchChainSeed(const PairSpec& spec, uint64_t chainSeed, size_t k) {
    return (spec.seed * 0x9e3779b97f4a7c15ULL ^ chainSeed) + (k + 1) * 0xd1b54a32d192ed03ULL;
}

PatchPair patchFromWindow(std::vector<float> window, const PatchWindow& w, size_t off, const PairSpec& spec,
                          const Degradation& chain) {
    const size_t r = size_t(spec.scale), dim = size_t(spec.dim);
    const auto low = degrade(window, spec.rate, spec.scale, chain, 1).low;  // gain applied to window
    PatchPair p;
    p.degradation = chain.toString();
    p.offset = int64_t(off);
    const size_t at = off - w.start;
    p.label.assign(window.begin() + long(at), window.begin() + long(at + dim));
    if (spec.baseline == Baseline::None) {
        p.input.assign(low.begin() + long(at / r), low.begin() + long(at / r + dim / r));
    } else {
        const auto up = upsample(low, spec.scale, window.size(), spec.baseline);
        p.input.assign(up.begin() + long(at), up.begin() + long(at + dim));
    }
    return p;
}

std::vector<PatchPair> makePatchPairs(std::vector<float> hi, const PairSpec& spec, uint64_t chainSeed) {
    const auto zoo = DegradationZoo::parse(spec.degrade);
    const size_t dim = size_t(spec.dim);
    std::vector<PatchPair> out;
    if (hi.size() < dim && !spec.padShort) return out;  // shorter than one patch: the caller says so
    if (hi.size() < dim) hi.resize(dim, 0.0f);
    for (size_t off = 0, k = 0; off + dim <= hi.size(); off += size_t(spec.stride), ++k) {
        const PatchWindow w = patchWindow(off, hi.size(), spec);
        std::vector<float> window(hi.begin() + long(w.start), hi.begin() + long(w.end));
        out.push_back(patchFromWindow(std::move(window), w, off, spec, zoo.draw(patchChainSeed(spec, chainSeed, k))));
    }
    return out;
}

Pair makePair(const std::vector<float>& mono, int inRate, const PairSpec& spec, uint64_t chainSeed) {
    if (!spec.lowResInput && !spec.degrade.empty() && DegradationZoo::parse(spec.degrade).perPatch) {
        Pair p;
        p.degradation = "per patch";
        auto hi = toTargetRate(mono, inRate, spec.rate, spec.scale);
        p.frames = hi.size();
        p.patches = makePatchPairs(std::move(hi), spec, chainSeed);
        return p;
    }
    if (!spec.lowResInput) return makePairFromHigh(toTargetRate(mono, inRate, spec.rate, spec.scale), spec, chainSeed);
    Pair p;
    p.low = resample(mono, inRate, spec.lowRate());
    const size_t n = p.low.size() * size_t(spec.scale);
    p.input = spec.baseline == Baseline::None ? p.low : upsample(p.low, spec.scale, n, spec.baseline);
    return p;
}

}  // namespace srlab
