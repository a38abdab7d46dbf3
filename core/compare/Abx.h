// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Blind ABX listening test of a fixed number of trials: in each X is A or B at random (seeded);
// the listener says which, and learns the score only at the end. The p-value is the one-sided binomial probability of at least that many correct
// answers by guessing (p = 0.5), the usual ABX criterion (significant below 0.05).
#include <cstdint>
#include <random>
#include <vector>

namespace srlab {

// P(K >= k) for K ~ Binomial(n, 1/2), exact.
double binomialTailP(int n, int k);

class AbxSession {
public:
    AbxSession(int versionA, int versionB, uint64_t seed, int trials = 16);
    int versionA() const { return a_; }
    int versionB() const { return b_; }
    int versionX() const { return xIsA_ ? a_ : b_; }  // the hidden one for the current trial
    // Records the answer for the current trial and draws the next X. Returns whether it was
    // right. Ignored (false) once all trials are answered.
    bool answer(bool saidA);
    int trials() const { return trials_; }
    int plannedTrials() const { return planned_; }
    bool finished() const { return trials_ >= planned_; }
    int correct() const { return correct_; }
    double pValue() const { return binomialTailP(trials_, correct_); }
    const std::vector<bool>& history() const { return history_; }

private:
    int a_, b_;
    std::mt19937_64 rng_;
    bool xIsA_ = true;
    int planned_, trials_ = 0, correct_ = 0;
    std::vector<bool> history_;
};

}  // namespace srlab
