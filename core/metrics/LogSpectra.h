// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The logarithms the spectral metrics take of every STFT bin (most of their cost), vectorised:
// this one file is compiled with -ffast-math so GCC calls glibc's vector log (libmvec, within
// 4 ULP of the scalar one). Nothing else in SRLab is built that way.
#include <cstddef>

namespace srlab {

void log10Floored(const float* p, size_t n, double floor, double* out);  // log10(max(p, floor))
void lnPlus(const float* p, size_t n, double eps, double* out);         // ln(p + eps)

}  // namespace srlab
