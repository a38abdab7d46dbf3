// SPDX-License-Identifier: GPL-3.0-or-later
// The MUSHRA test's core (docs/reference.md §9): drawn orders, the BS.1534 rule for ending a
// trial, the CSV round trip, post-screening, means with Student-t intervals, and the anchors'
// low-pass.
#include "compare/Mushra.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <set>

#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

namespace {
std::vector<std::string> conditions() { return {kMushraReference, kMushraAnchor35, kMushraAnchor70, "spline", "model"}; }

// Power around hz (+-40 Hz, 9 frequencies), Blackman-windowed, away from the signal's ends.
double powerAt(const std::vector<float>& x, double hz, double rate) {
    const size_t from = 8192, to = x.size() - 8192;
    double p = 0;
    for (double f = hz - 40; f <= hz + 40; f += 10) {
        std::complex<double> s = 0;
        for (size_t i = from; i < to; ++i) {
            const double t = 2 * M_PI * double(i - from) / double(to - from - 1);
            s += (0.42 - 0.5 * std::cos(t) + 0.08 * std::cos(2 * t)) * double(x[i]) * std::polar(1.0, -2 * M_PI * f * double(i) / rate);
        }
        p += std::norm(s);
    }
    return p;
}
}  // namespace

TEST(Mushra, EachTrialDrawsAnOrderAndEndsOnlyWhenRatedWithOneAt100) {
    MushraSession s(conditions(), spreadExcerpts(44100 * 60, 44100, 3, 10), "ana", "song.wav", 44100, 7);
    ASSERT_EQ(s.trials(), 3u);
    std::set<std::vector<size_t>> orders;
    while (!s.finished()) {
        std::vector<size_t> order;
        for (size_t k = 0; k < s.slotCount(); ++k) order.push_back(s.conditionAt(k));
        auto sorted = order;
        std::sort(sorted.begin(), sorted.end());
        EXPECT_EQ(sorted, (std::vector<size_t>{0, 1, 2, 3, 4}));
        orders.insert(order);
        EXPECT_NE(s.next(), "");  // nothing rated
        for (size_t k = 0; k < s.slotCount(); ++k) s.rate(k, 50);
        EXPECT_NE(s.next().find("100"), std::string::npos);  // none at 100
        for (size_t k = 0; k < s.slotCount(); ++k)
            if (s.conditionAt(k) == 0) s.rate(k, 100);
        EXPECT_EQ(s.next(), "");
    }
    EXPECT_GE(orders.size(), 2u);  // 3 draws of 120 orders
    ASSERT_EQ(s.ratings().size(), 15u);
    for (const auto& r : s.ratings()) {
        EXPECT_EQ(r.score, r.condition == kMushraReference ? 100 : 50);
        EXPECT_EQ(r.listener, "ana");
    }
    EXPECT_EQ(s.ratings().front().excerpt, "5.0-15.0");  // centred in the first third of 60 s
}

TEST(Mushra, CsvRoundTripsAndBadFilesAreNamed) {
    std::vector<MushraRating> rows{{"Smith, J.", "a \"b\".wav", "0.0-10.0", "spline", 1, 42},
                                   {"x", "f.wav", "0.0-10.0", kMushraReference, 2, 100}};
    const auto back = parseMushraCsv(mushraCsvHeader() + mushraCsvRows(rows), "r.csv");
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].listener, "Smith, J.");
    EXPECT_EQ(back[0].file, "a \"b\".wav");
    EXPECT_EQ(back[0].score, 42);
    EXPECT_EQ(back[1].trial, 2);
    try {
        parseMushraCsv(mushraCsvHeader() + "a,b,c,1,d,170\n", "r.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("r.csv"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
    }
    EXPECT_THROW(parseMushraCsv("not,a,mushra,file\n", "r.csv"), Error);
}

TEST(Mushra, PostScreeningAndConfidenceIntervals) {
    std::vector<MushraRating> rows;
    // Three careful listeners; one who rates the hidden reference 60 in 2 of 4 trials (50 %).
    const int model[3] = {50, 60, 70};
    for (int l = 0; l < 3; ++l)
        for (int t = 1; t <= 4; ++t) {
            rows.push_back({"L" + std::to_string(l), "f", "e", kMushraReference, t, 100});
            rows.push_back({"L" + std::to_string(l), "f", "e", "model", t, model[l]});
        }
    for (int t = 1; t <= 4; ++t) {
        rows.push_back({"sloppy", "f", "e", kMushraReference, t, t <= 2 ? 60 : 100});
        rows.push_back({"sloppy", "f", "e", "model", t, 0});
    }
    const MushraSummary s = summariseMushra(rows);
    EXPECT_EQ(s.excluded, std::vector<std::string>{"sloppy"});
    EXPECT_EQ(s.kept.size(), 3u);
    ASSERT_EQ(s.stats.size(), 2u);
    EXPECT_EQ(s.stats[1].condition, "model");
    EXPECT_EQ(s.stats[1].n, 12u);
    EXPECT_NEAR(s.stats[1].mean, 60, 1e-9);
    // sd of {50,60,70} x 4 = sqrt(800/11); t(11) = 2.201.
    EXPECT_NEAR(s.stats[1].ci95, 2.201 * std::sqrt(800.0 / 11) / std::sqrt(12.0), 1e-9);
    EXPECT_NE(s.toText().find("left out 1"), std::string::npos);
    // Student's t: the table's end and the expansion past it.
    EXPECT_NEAR(studentT95(1), 12.706, 1e-3);
    EXPECT_NEAR(studentT95(40), 2.0211, 2e-4);
    EXPECT_NEAR(studentT95(120), 1.9799, 2e-4);
    EXPECT_NEAR(studentT95(100000), 1.95999, 1e-4);
}

TEST(Mushra, AnchorsAreTheReferenceLowPassed) {
    const int rate = 44100;
    const auto x = noise(size_t(rate) * 2, 5, 0.3);
    TempDir d;
    CancelToken cancel;
    for (double cut : {3500.0, 7000.0}) {
        const Samples a = makeMushraAnchor(SampleBuffer(x), rate, cut, d / "a.f32", cancel);
        ASSERT_EQ(a->size(), x.size());
        const auto y = a->copy(0, a->size());
        // Pass band kept, stop band gone, half gain at the cutoff.
        for (double f : {300.0, 0.8 * cut}) EXPECT_NEAR(powerAt(y, f, rate) / powerAt(x, f, rate), 1.0, 0.02) << f;
        for (double f : {1.1 * cut, 15000.0}) EXPECT_LT(powerAt(y, f, rate) / powerAt(x, f, rate), 1e-5) << f;
        EXPECT_NEAR(powerAt(y, cut, rate) / powerAt(x, cut, rate), 0.25, 0.05);
    }
}

}  // namespace srlab
