// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Kaiser window's Bessel function, shared by every windowed-sinc filter SRLab designs (the
// published chain's decimator, low-band consistency, STOI's resampler): the window at r in
// [-1, 1] is besselI0(beta sqrt(1 - r^2)) / besselI0(beta).
#include <cmath>

namespace srlab {

// The modified Bessel function of the first kind, order 0, by its power series (converges for
// every beta a filter uses, to double precision).
inline double besselI0(double x) {
    double sum = 1, term = 1;
    for (int k = 1; k < 200; ++k) {
        term *= (x / (2 * k)) * (x / (2 * k));
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

}  // namespace srlab
