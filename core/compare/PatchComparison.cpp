// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/PatchComparison.h"

#include <nlohmann/json.hpp>

#include "dataset/PatchDataset.h"
#include "dsp/Interpolate.h"
#include "util/Error.h"

namespace srlab {

PatchComparison loadPatch(const std::string& dataset, Split split, size_t index) {
    const auto opened = openDataset(dataset);
    const PatchDataset& reader = *opened;
    if (index >= reader.count(split))
        throw Error(dataset, "has no patch " + std::to_string(index) + " in its " + toString(split) + " split");
    const auto& info = reader.info();
    const int rate = info.spec.rate, dim = info.spec.dim;
    std::vector<float> input(size_t(info.inputDim)), label(info.hasLabel ? size_t(dim) : 0);
    reader.read(split, index, 1, input.data(), info.hasLabel ? label.data() : nullptr);
    if (info.inputDim != dim) input = splineUpsample(input, info.spec.scale, size_t(dim));

    PatchComparison p;
    p.split = split;
    p.index = index;
    const auto src = reader.sources(split);
    const auto off = reader.offsets(split);
    const int32_t s = index < src.size() ? src[index] : -1;
    try {
        const auto manifest = nlohmann::json::parse(reader.manifestJson());
        const auto& sources = manifest.at("sources");
        if (s >= 0 && size_t(s) < sources.size()) {
            const auto& e = sources.at(size_t(s));
            p.source = e.at("path").get<std::string>();
            // Datasets of the degradation zoo record each file's chain (or each patch's, in
            // patch order); others used the spec's filter.
            p.degradation = e.value("degradation", std::string());
            const auto per = e.find("patch_degradations");
            if (per != e.end() && per->is_array() && index < off.size() && info.spec.stride > 0) {
                const size_t k = size_t(off[index] / info.spec.stride);
                if (k < per->size()) p.degradation = per->at(k).get<std::string>();
            }
        }
    } catch (const nlohmann::json::exception&) {
        // a dataset without a readable manifest still browses; it just has no source names
    }
    if (p.degradation.empty() && !info.spec.lowResInput) p.degradation = toString(info.spec.filter);
    p.offsetSeconds = index < off.size() ? double(off[index]) / rate : 0.0;

    Comparison& c = p.comparison;
    c.path = p.source;
    c.rate = rate;
    c.scale = info.spec.scale;
    c.frames = size_t(dim);
    c.hasTruth = info.hasLabel;
    if (info.hasLabel) c.versions.push_back(Version("label (high-res)", makeSamples(std::move(label))));
    c.versions.push_back(
        Version("input (" + toString(info.spec.baseline) + ")", makeSamples(std::move(input)), rate / (2.0 * c.scale)));
    for (auto& v : c.versions) {
        v.rms = rmsOf(*v.audio);
        p.overviews.push_back(makeDisplaySpectrogram(v.audio->data(), v.audio->size(), 0, v.audio->size(), rate, 23, 400, 1));
    }
    return p;
}

}  // namespace srlab
