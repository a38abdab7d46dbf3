// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/PairSpec.h"

#include <set>

#include "dataset/PairBuilder.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {

TEST(PairSpec, JsonRoundTripAndValidation) {
    PairSpec s;
    s.rate = 44100;
    s.scale = 3;
    s.dim = 6000;
    s.filter = DecimFilter::Sinc;
    s.baseline = Baseline::Linear;
    s.seed = 99;
    const PairSpec t = PairSpec::fromJson(s.toJson());
    EXPECT_EQ(t.toJson(), s.toJson());
    PairSpec bad = s;
    bad.dim = 6001;  // not a multiple of the scale
    EXPECT_THROW(bad.validate(), Error);
    bad = s;
    bad.split = {0.5, 0.1, 0.1};
    EXPECT_THROW(bad.validate(), Error);
    EXPECT_THROW(PairSpec::fromJson("{\"rate\": \"fast\"}"), Error);
    EXPECT_THROW(PairSpec::fromJson("not json"), Error);
    // Found by FuzzJson: a float far outside int's range was cast to int (undefined behaviour).
    EXPECT_THROW(PairSpec::fromJson("{\"rate\": 1.6888e44, \"scale\": 4, \"dim\": 64, \"stride\": 512}"), Error);
    // A whole-valued float is an integer.
    PairSpec whole;
    whole.rate = 16000;
    std::string text = whole.toJson();
    text.replace(text.find("16000"), 5, "16000.0");
    EXPECT_EQ(PairSpec::fromJson(text).rate, 16000);
    EXPECT_THROW(checkScaleFitsRate(44100, 8, "x"), Error);
    EXPECT_NO_THROW(checkScaleFitsRate(44100, 4, "x"));
}

TEST(Splits, DeterministicByFileAndNeverEmptyWhenAsked) {
    const auto a = assignSplits(20, {0.8, 0.1, 0.1}, 7);
    EXPECT_EQ(a, assignSplits(20, {0.8, 0.1, 0.1}, 7));
    EXPECT_NE(a, assignSplits(20, {0.8, 0.1, 0.1}, 8));
    std::multiset<Split> s(a.begin(), a.end());
    EXPECT_EQ(s.count(Split::Train), 16u);
    EXPECT_EQ(s.count(Split::Val), 2u);
    EXPECT_EQ(s.count(Split::Test), 2u);
    const auto b = assignSplits(3, {0.9, 0.05, 0.05}, 1);
    std::multiset<Split> t(b.begin(), b.end());
    EXPECT_EQ(t.count(Split::Val), 1u);
    EXPECT_EQ(t.count(Split::Test), 1u);
}

}  // namespace srlab
