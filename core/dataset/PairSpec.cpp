// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/PairSpec.h"

#include "dsp/Degradation.h"

#include <cstdio>

#include <cmath>
#include <nlohmann/json.hpp>

#include "util/Error.h"
#include "util/Json.h"

namespace srlab {

const char* toString(Split s) {
    switch (s) {
        case Split::Train: return "train";
        case Split::Val: return "val";
        case Split::Test: return "test";
    }
    return "?";
}

Split parseSplit(const std::string& name) {
    if (name == "train") return Split::Train;
    if (name == "val" || name == "valid" || name == "validation") return Split::Val;
    if (name == "test") return Split::Test;
    throw Error("split", "unknown split '" + name + "' (use train, val or test)");
}

void checkScaleFitsRate(int rate, int scale, const std::string& what) {
    if (scale < 1 || rate % scale == 0) return;
    char low[32];
    std::snprintf(low, sizeof low, "%g", double(rate) / scale);
    throw Error(what, "rate " + std::to_string(rate) + " Hz is not a multiple of the scale " + std::to_string(scale) +
                          ": the low-res rate would be " + low + " Hz");
}

void PairSpec::validate() const {
    auto bad = [](const std::string& m) { throw Error("build settings", m); };
    if (rate < 1000 || rate > 768000) bad("rate " + std::to_string(rate) + " Hz is outside 1000..768000");
    if (scale < 1 || scale > 16) bad("scale must be between 1 and 16");
    if (dim < 16 || dim > (1 << 22)) bad("dim must be between 16 and 4194304");
    checkScaleFitsRate(rate, scale, "build settings");
    if (dim % scale) bad("dim " + std::to_string(dim) + " is not a multiple of the scale " + std::to_string(scale));
    if (stride < 1) bad("stride must be positive");
    if (baseline == Baseline::None && stride % scale)
        bad("with baseline 'none' the stride must be a multiple of the scale");
    double sum = 0;
    for (double f : split) {
        if (!(f >= 0 && f <= 1)) bad("split fractions must lie in [0, 1]");
        sum += f;
    }
    if (std::abs(sum - 1.0) > 1e-6) bad("split fractions must add up to 1");
    if (threads < 0) bad("threads must not be negative");
    if (!degrade.empty()) {
        if (lowResInput) bad("a degradation zoo makes low-res audio from high-res files; real low-res input has no label to degrade");
        DegradationZoo::parse(degrade);  // throws, naming the text
    }
}

std::string PairSpec::toJson() const {
    nlohmann::ordered_json j;
    j["rate"] = rate;
    j["scale"] = scale;
    j["filter"] = toString(filter);
    j["baseline"] = toString(baseline);
    j["dim"] = dim;
    j["stride"] = stride;
    j["pad_short"] = padShort;
    j["split"] = split;
    j["seed"] = seed;
    j["low_res_input"] = lowResInput;
    if (!degrade.empty()) j["degrade"] = degrade;
    return j.dump();
}

PairSpec PairSpec::fromJson(const std::string& text) {
    PairSpec s;
    try {
        const auto j = parseJson(text);
        s.rate = j.at("rate").get<int>();
        s.scale = j.at("scale").get<int>();
        s.filter = parseDecimFilter(j.at("filter").get<std::string>());
        s.baseline = parseBaseline(j.at("baseline").get<std::string>());
        s.dim = j.at("dim").get<int>();
        s.stride = j.at("stride").get<int>();
        s.padShort = j.value("pad_short", false);
        s.split = j.at("split").get<std::array<double, 3>>();
        s.seed = j.value("seed", uint64_t(0));
        s.lowResInput = j.value("low_res_input", false);
        s.degrade = j.value("degrade", std::string());
    } catch (const nlohmann::json::exception& e) {
        throw Error("build settings", std::string("malformed JSON: ") + jsonProblem(e));
    }
    s.validate();
    return s;
}

}  // namespace srlab
