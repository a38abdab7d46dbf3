// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/Abx.h"

#include <algorithm>

#include <cmath>

namespace srlab {

double binomialTailP(int n, int k) {
    if (k <= 0) return 1.0;
    if (k > n) return 0.0;
    // Sum C(n, i) / 2^n in logs: exact enough for any n a listener reaches.
    double p = 0;
    for (int i = k; i <= n; ++i)
        p += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) - n * std::log(2.0));
    return std::min(1.0, p);
}

AbxSession::AbxSession(int versionA, int versionB, uint64_t seed, int trials)
    : a_(versionA), b_(versionB), rng_(seed), planned_(std::max(1, trials)) {
    xIsA_ = (rng_() & 1) != 0;
}

bool AbxSession::answer(bool saidA) {
    if (finished()) return false;
    const bool right = saidA == xIsA_;
    ++trials_;
    correct_ += right;
    history_.push_back(right);
    xIsA_ = (rng_() & 1) != 0;
    return right;
}

}  // namespace srlab
