// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/Comparison.h"

#include <cmath>

namespace srlab {

double rmsOf(const std::vector<float>& x) {
    double s = 0;
    for (float v : x) s += double(v) * v;
    return std::sqrt(s / double(std::max<size_t>(1, x.size())));
}

int targetRate(const CompareSettings& s, int fileRate) {
    if (s.rate != 0) return s.rate;
    if (s.modelRate > 0 && s.scale == s.modelScale && int64_t(fileRate) * s.scale == s.modelRate) return s.modelRate;
    return fileRate;
}

}  // namespace srlab
