// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Baselines that bring a low-rate signal back to the high rate (docs/reference.md §1.4). The low-rate
// sample j sits at high-rate position j*r; outputs have exactly n samples.
#include <string>
#include <vector>

namespace srlab {

enum class Baseline { Spline, Linear, Sinc, None };
Baseline parseBaseline(const std::string& name);  // throws Error on unknown names
std::string toString(Baseline b);

// Cubic spline with not-a-knot ends through (j*r, low[j]), evaluated at 0..n-1; equal to
// scipy splrep(k=3, s=0) + splev, including extrapolation past the last knot with the final
// piece. Fewer than 4 points fall back to the polynomial through them.
std::vector<float> splineUpsample(const std::vector<float>& low, int r, size_t n);

// Piecewise linear; positions past the last knot hold its value (numpy.interp).
std::vector<float> linearUpsample(const std::vector<float>& low, int r, size_t n);

// Band-limited interpolation (libsoxr, linear phase).
std::vector<float> sincUpsample(const std::vector<float>& low, int r, size_t n);

// Dispatch; Baseline::None is rejected (there is nothing to interpolate with).
std::vector<float> upsample(const std::vector<float>& low, int r, size_t n, Baseline b);

}  // namespace srlab
