// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/Comparison.h"

#include <cmath>

namespace srlab {

double rmsOf(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) s += double(v) * v;
    return std::sqrt(s / double(std::max<size_t>(1, x.size())));
}

}  // namespace srlab
