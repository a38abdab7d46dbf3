// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary text as every JSON document SRLab reads back (model config, training
// settings, build settings, dataset manifest). Each parses or throws srlab::Error.
#include <string>

#include "dataset/PairBuilder.h"
#include "dataset/PairSpec.h"
#include "runs/ModelConfig.h"
#include "runs/TrainConfig.h"
#include "util/Error.h"

template <typename F>
void mustNotCrash(F&& f) {
    try {
        f();
    } catch (const srlab::Error&) {
    }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    mustNotCrash([&] {
        auto c = srlab::ModelConfig::fromJson(text);
        if (srlab::ModelConfig::fromJson(c.toJson()).toJson() != c.toJson()) __builtin_trap();  // round trip
    });
    mustNotCrash([&] { srlab::TrainConfig::fromJson(text); });
    mustNotCrash([&] { srlab::PairSpec::fromJson(text); });
    mustNotCrash([&] { srlab::splitSourceFiles(text, srlab::Split::Test); });
    return 0;
}
