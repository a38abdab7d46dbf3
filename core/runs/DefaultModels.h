// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The models shipped with SRLab (resources/models/<name>/ in the source tree, installed to
// share/srlab/models/). $SRLAB_MODELS overrides where they are looked for.
#include <string>
#include <vector>

namespace srlab {

struct ShippedModel {
    std::string dir, name;
    int rate = 0, scale = 0;
    double lowRate() const { return double(rate) / scale; }
};

std::vector<ShippedModel> shippedModels();
// The shipped model whose input rate is nearest (in octaves) to `inputRate`; throws Error
// when none is installed.
std::string defaultModelFor(int inputRate);

}  // namespace srlab
