// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/Abx.h"

#include <gtest/gtest.h>

namespace srlab {

TEST(Abx, BinomialTailMatchesExactValues) {
    EXPECT_DOUBLE_EQ(binomialTailP(10, 0), 1.0);
    EXPECT_NEAR(binomialTailP(10, 10), 1.0 / 1024, 1e-15);
    EXPECT_NEAR(binomialTailP(10, 9), 11.0 / 1024, 1e-15);
    EXPECT_NEAR(binomialTailP(16, 12), 0.0384063720703125, 1e-12);  // scipy.stats.binom.sf(11, 16, .5)
    EXPECT_NEAR(binomialTailP(20, 14), 0.05765914916992188, 1e-12);
    EXPECT_DOUBLE_EQ(binomialTailP(5, 6), 0.0);
}

TEST(Abx, HiddenXIsBalancedAndAnswersAreScored) {
    AbxSession s(1, 3, 42, 2000);
    int xa = 0;
    for (int i = 0; i < 2000; ++i) {
        const bool xIsA = s.versionX() == 1;
        xa += xIsA;
        EXPECT_TRUE(s.versionX() == 1 || s.versionX() == 3);
        EXPECT_TRUE(s.answer(xIsA));  // a listener who always hears it
    }
    EXPECT_NEAR(xa / 2000.0, 0.5, 0.05);
    EXPECT_EQ(s.correct(), 2000);
    EXPECT_LT(s.pValue(), 1e-100);
    AbxSession guess(0, 1, 7, 400);
    for (int i = 0; i < 400; ++i) guess.answer(true);  // always "A": right about half the time
    EXPECT_GT(guess.pValue(), 0.01);
    EXPECT_TRUE(guess.finished());
    EXPECT_FALSE(guess.answer(true));  // past the planned trials nothing counts
    EXPECT_EQ(guess.trials(), 400);
}

}  // namespace srlab
