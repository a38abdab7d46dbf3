// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/TorchScriptFixture.h"

#include <torch/script.h>

namespace srlab::test {

void writeTorchScript(const std::string& path, const std::string& forwardSource, int rate, int scale) {
    torch::jit::Module m("Upsampler");
    m.register_attribute("sample_rate", c10::IntType::get(), rate);
    m.register_attribute("scale", c10::IntType::get(), scale);
    m.define(forwardSource);
    m.save(path);
}

}  // namespace srlab::test
