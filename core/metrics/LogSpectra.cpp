// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/LogSpectra.h"

#include <algorithm>
#include <cmath>

namespace srlab {

void log10Floored(const float* p, size_t n, double floor, double* out) {
#pragma omp simd
    for (size_t i = 0; i < n; ++i) out[i] = std::log10(std::max(double(p[i]), floor));
}

void lnPlus(const float* p, size_t n, double eps, double* out) {
#pragma omp simd
    for (size_t i = 0; i < n; ++i) out[i] = std::log(double(p[i]) + eps);
}

}  // namespace srlab
