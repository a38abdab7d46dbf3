// SPDX-License-Identifier: GPL-3.0-or-later
// A MUSHRA test driven as a listener drives it: Compare & Listen's "MUSHRA..." window, the
// anchors made and loaded into the player, every trial rated through the sliders, the ratings
// appended to the workspace's mushra/results.csv, and a second listener who does not recognise
// the hidden reference left out of the summary.
#include <gtest/gtest.h>

#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <filesystem>
#include <fstream>

#include "CompareTestSupport.h"
#include "ComparePage.h"
#include "MushraPanel.h"
#include "PlayerBar.h"
#include "WidgetTestSupport.h"
#include "audio/Player.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;
namespace fs = std::filesystem;

namespace {
// One listener's whole test: the hidden reference at `referenceScore` (100 where it must be one
// trial's top rating), the other conditions at 40.
void takeTest(ComparePage& page, const QString& listener, int referenceScore) {
    MushraPanel* m = page.mushra();
    m->findChild<QLineEdit*>("listener")->setText(listener);
    for (auto* b : m->findChildren<QPushButton*>())
        if (b->text() == "Start MUSHRA") b->click();
    ASSERT_TRUE(waitFor([&] { return m->session() != nullptr && !m->session()->finished(); }))
        << m->shownText().toStdString();
    const MushraSession& s = *m->session();
    EXPECT_EQ(s.slotCount(), page.comparison().versions.size() - 1 + 3);  // versions but the truth, reference, 2 anchors
    while (!s.finished()) {
        const size_t trial = s.trial();
        m->play(-1);
        m->play(0);
        const auto sliders = m->findChildren<QSlider*>();
        ASSERT_EQ(sliders.size(), int(s.slotCount()));
        for (size_t k = 0; k < s.slotCount(); ++k) {
            const bool ref = s.conditionAt(k) == 0;
            // The top rating is 100: the reference's, or (for a listener who misses it) another's.
            const int score = ref ? referenceScore : (referenceScore < 100 && k == (s.conditionAt(0) == 0 ? 1 : 0) ? 100 : 40);
            sliders[int(k)]->setValue(score);
            if (score == 0) m->rate(int(k), 0);
        }
        m->next();
        ASSERT_NE(s.trial(), trial) << m->shownText().toStdString();
    }
    page.player()->player().pause();
}
}  // namespace

TEST(MushraPanel, ATestIsRatedSavedAndSummarisedWithPostScreening) {
    app();
    TempDir d;
    writeMonoWav(d / "song.wav", chirp(60, 15000, 32000, 32000 * 31), 32000);
    ComparePage page;
    page.setResultsDir(QString::fromStdString(d / "mushra"));
    ASSERT_TRUE(load(page, d / "song.wav"));
    ASSERT_TRUE(page.comparison().hasTruth);
    takeTest(page, "Ana", 100);
    MushraPanel* m = page.mushra();
    ASSERT_TRUE(waitFor([&] { return m->shownText().contains("added to"); })) << m->shownText().toStdString();
    const std::string csv = d / "mushra/results.csv";
    ASSERT_TRUE(fs::exists(csv));
    const size_t conditions = page.comparison().versions.size() - 1 + 3;
    auto lines = [&] {
        std::ifstream in(csv);
        size_t n = 0;
        for (std::string l; std::getline(in, l);) ++n;
        return n;
    };
    EXPECT_EQ(lines(), 1 + 3 * conditions);  // header, 3 excerpts x every condition
    EXPECT_TRUE(m->shownText().contains("anchor 3.5 kHz")) << m->shownText().toStdString();
    EXPECT_TRUE(m->shownText().contains("left out 0")) << m->shownText().toStdString();
    // A second listener, who rates the hidden reference 50 every time, is appended and left out.
    takeTest(page, "Ben", 50);
    ASSERT_TRUE(waitFor([&] { return m->shownText().contains("left out 1") && m->shownText().contains("): Ben"); })) << m->shownText().toStdString();
    EXPECT_EQ(lines(), 1 + 6 * conditions);
}

// Without a ground truth (a file that is already low-res) there is nothing to rate against.
TEST(MushraPanel, AFileWithoutGroundTruthCannotStart) {
    app();
    TempDir d;
    writeMonoWav(d / "low.wav", chirp(100, 5000, 11025, 11025 * 2), 11025);
    ComparePage page;
    page.setModel(kMusicModel);
    ASSERT_TRUE(load(page, d / "low.wav"));
    ASSERT_FALSE(page.comparison().hasTruth);
    EXPECT_TRUE(page.mushra()->shownText().contains("needs a ground truth")) << page.mushra()->shownText().toStdString();
}

}  // namespace srlab
