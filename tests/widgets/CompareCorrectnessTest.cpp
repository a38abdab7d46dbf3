// SPDX-License-Identifier: GPL-3.0-or-later
// Compare & Listen tells the truth: the file's own rate is the ground truth whatever model is
// picked, a model that does not fit is refused visibly, nothing of an earlier or broken file
// stays on screen, the metrics table shows every row and every value, and exports write files.
#include <gtest/gtest.h>

#include <QHeaderView>
#include <QSpinBox>
#include <fstream>
#include <filesystem>
#include <optional>

#include "CompareTestSupport.h"
#include "ComparePage.h"
#include "MainWindow.h"
#include "MetricsTable.h"
#include "SpectrogramGroup.h"
#include "WidgetTestSupport.h"
#include "audio/AudioFile.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;
namespace fs = std::filesystem;


TEST(CompareCorrectness, TheFilesRateIsTheTruthWhateverModelIsPicked) {
    app();
    TempDir d;
    writeMonoWav(d / "song.wav", chirp(100, 18000, 44100, 44100 * 2), 44100);
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    ComparePage page;
    page.setModel(kSpeechModel);
    ASSERT_TRUE(load(page, d / "song.wav"));
    EXPECT_EQ(page.comparison().rate, 44100);  // not the speech model's 16 kHz
    EXPECT_TRUE(page.comparison().hasTruth);
    EXPECT_EQ(page.superResIndex(), -1);
    EXPECT_TRUE(page.header().contains("model not used")) << page.header().toStdString();
    EXPECT_TRUE(page.header().contains("16000 Hz")) << page.header().toStdString();

    page.setModel(kMusicModel);  // a 16 kHz file is never upsampled to 44.1 kHz and called truth
    ASSERT_TRUE(load(page, d / "speech.wav"));
    EXPECT_EQ(page.comparison().rate, 16000);
    EXPECT_EQ(page.superResIndex(), -1);
    EXPECT_TRUE(page.header().contains("44100 Hz")) << page.header().toStdString();

    page.setModel(kSpeechModel);  // the model that fits joins
    ASSERT_TRUE(load(page, d / "speech.wav"));
    EXPECT_EQ(page.comparison().rate, 16000);
    EXPECT_GE(page.superResIndex(), 0);
    EXPECT_FALSE(page.header().contains("model not used")) << page.header().toStdString();
}

TEST(CompareCorrectness, ABrokenFileLeavesNothingOfTheLastOneAndIsNotRetried) {
    app();
    TempDir d;
    writeMonoWav(d / "good.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    std::ofstream(d / "broken.wav") << "RIFF, but not really";
    ComparePage page;
    ASSERT_TRUE(load(page, d / "good.wav"));
    ASSERT_GT(page.spectrograms()->paneCount(), 0);
    ASSERT_TRUE(load(page, d / "broken.wav"));
    EXPECT_EQ(page.spectrograms()->paneCount(), 0);
    EXPECT_TRUE(page.comparison().versions.empty());
    EXPECT_TRUE(page.header().startsWith("error")) << page.header().toStdString();
    int loads = 0;
    QObject::connect(&page, &ComparePage::panesShown, [&] { ++loads; });
    page.findChild<QSpinBox*>()->setValue(2);  // a setting changes: the broken file stays closed
    app().processEvents(QEventLoop::AllEvents, 200);
    EXPECT_FALSE(page.busy());
    EXPECT_EQ(loads, 0);
}

TEST(CompareCorrectness, TheMetricsTableShowsEveryRowAndNoValueReadsZero) {
    app();
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    ComparePage page;
    page.resize(1366, 700);
    page.show();
    ASSERT_TRUE(load(page, d / "speech.wav"));
    MetricsTable* t = page.metricsTable();
    ASSERT_EQ(t->rowCount(), int(page.comparison().versions.size()));
    int rows = 0;
    for (int r = 0; r < t->rowCount(); ++r) rows += t->rowHeight(r);
    EXPECT_GE(t->height(), rows + t->horizontalHeader()->height()) << "rows hidden behind a scroll bar";
    int mse = -1;
    for (int c = 0; c < t->columnCount(); ++c)
        if (t->horizontalHeaderItem(c)->text() == "mse") mse = c;
    ASSERT_GE(mse, 0);
    for (int r = 1; r < t->rowCount(); ++r) EXPECT_NE(t->item(r, mse)->text(), "0.000") << r;
}

TEST(CompareCorrectness, ExportWritesTheSuperResVersionTheMetricsAndThePanes) {
    app();
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    ComparePage page;
    page.show();
    page.setModel(kSpeechModel);
    ASSERT_TRUE(load(page, d / "speech.wav"));
    const int k = page.superResIndex();
    ASSERT_GE(k, 0);
    std::optional<QString> error;
    QObject::connect(&page, &ComparePage::exported, [&](const QString&, const QString& e) { error = e; });
    page.exportVersion(k, QString::fromStdString(d / "out.flac"));
    ASSERT_TRUE(waitFor([&] { return error.has_value(); }));
    EXPECT_EQ(*error, QString());
    int rate = 0;
    const auto audio = readMono(d / "out.flac", &rate);
    EXPECT_EQ(rate, 16000);
    EXPECT_EQ(audio.size(), page.comparison().frames);
    EXPECT_TRUE(page.exportMetrics(QString::fromStdString(d / "m.csv")));
    std::ifstream csv(d / "m.csv");
    std::string header;
    std::getline(csv, header);
    EXPECT_EQ(header.rfind("file,rate,scale,chain,version", 0), 0u) << header;
    EXPECT_TRUE(page.exportPanes(QString::fromStdString(d / "p.png")));
    EXPECT_GT(fs::file_size(d / "p.png"), 1000u);
}

// A file band-limited inside its container (as an MP3 at 44.1 kHz is): the header says so and
// the truth's pane marks the edge.
TEST(CompareCorrectness, ABandLimitedFileShowsItsContentEdge) {
    app();
    TempDir d;
    writeMonoWav(d / "narrow.wav", chirp(100, 5000, 44100, 44100 * 3), 44100);
    ComparePage page;
    ASSERT_TRUE(load(page, d / "narrow.wav"));
    EXPECT_EQ(page.comparison().rate, 44100);
    EXPECT_NEAR(page.comparison().contentCutoffHz, 5000, 600);
    EXPECT_TRUE(page.header().contains("band-limited")) << page.header().toStdString();
}

// A laptop's 1366x768: the window's smallest layout fits it, and the window never asks for
// more than the screen it is on.
TEST(CompareCorrectness, TheWindowFitsALaptopScreen) {
    app();
    MainWindow w;
    w.show();
    const QSize min = w.minimumSizeHint();
    EXPECT_LE(min.width(), 1366) << min.width() << "x" << min.height();
    EXPECT_LE(min.height(), 768 - 40) << min.width() << "x" << min.height();  // a task bar
    const QRect avail = w.screen()->availableGeometry();
    if (avail.width() >= min.width() && avail.height() >= min.height()) {
        EXPECT_LE(w.width(), avail.width());
        EXPECT_LE(w.height(), avail.height());
    }
}

}  // namespace srlab

namespace srlab {
using namespace test;

// Checkpoints compared side by side (the Training page's "Compare N checkpoints"): each joins
// as its own version, named by run and checkpoint, with its metrics row and its pane.
TEST(CompareCorrectness, SeveralCheckpointsSideBySide) {
    app();
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    ComparePage page;
    page.compareCheckpoints({checkpointOf(d, "run", "epoch-0001"), checkpointOf(d, "run", "best")});
    ASSERT_TRUE(load(page, d / "speech.wav"));
    const auto& v = page.comparison().versions;
    ASSERT_EQ(v.size(), 6u) << page.header().toStdString();  // truth, low-res, spline, linear, two models
    EXPECT_EQ(v[v.size() - 2].name, "super-res: spectral/small run/epoch-0001");
    EXPECT_EQ(v.back().name, "super-res: spectral/small run/best");
    EXPECT_TRUE(v.back().hasMetrics);
    EXPECT_EQ(page.metricsTable()->rowCount(), int(v.size()));
    EXPECT_EQ(page.spectrograms()->paneCount(), int(v.size()) + 1);  // and the difference pane
}

}  // namespace srlab
