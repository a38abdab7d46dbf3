// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A signal shared read-only between its owner and its views (a player, spectrograms drawn on
// worker threads): no copies of long files, and no dependence on the owner's lifetime.
#include <memory>
#include <vector>

namespace srlab {

using Samples = std::shared_ptr<const std::vector<float>>;

inline Samples makeSamples(std::vector<float> x) { return std::make_shared<const std::vector<float>>(std::move(x)); }

}  // namespace srlab
