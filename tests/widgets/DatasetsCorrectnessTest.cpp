// SPDX-License-Identifier: GPL-3.0-or-later
// The Datasets page as a student meets it: the builder takes files as well as folders and says
// what is missing instead of failing in a library, nothing of the previous dataset stays, and
// a patch opens in Compare at its dataset's settings and its place in the file.
#include <gtest/gtest.h>

#include <QAbstractButton>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <filesystem>

#include "ComparePage.h"
#include "DatasetCharts.h"
#include "DatasetsPage.h"
#include "MainWindow.h"
#include "PatchBrowser.h"
#include "TrainingCurves.h"
#include "TrainingPage.h"
#include "SpectrogramGroup.h"
#include "WidgetTestSupport.h"
#include "support/TestSupport.h"
#include "dataset/DatasetStats.h"
#include "util/Progress.h"
#include <sndfile.h>

namespace srlab {
using namespace test;
namespace fs = std::filesystem;

TEST(DatasetsCorrectness, TheBuilderTakesAFileListAndNamesWhatIsMissing) {
    app();
    TempDir d;
    QStringList files;
    for (int i = 0; i < 3; ++i) {
        writeMonoWav(d / ("c" + std::to_string(i) + ".wav"), chirp(80, 7000, 16000, 30000), 16000);
        files << QString::fromStdString(d / ("c" + std::to_string(i) + ".wav"));
    }
    DatasetsPage page;
    QString failure;
    QObject::connect(&page, &DatasetsPage::failed, [&](const QString&, const QString& m) { failure = m; });
    page.setInput(files.join(';'));
    page.setOutput("");
    page.startBuild();  // no output named: a sentence, not "filesystem error: cannot make absolute path"
    EXPECT_FALSE(page.busy());
    EXPECT_TRUE(failure.contains("output")) << failure.toStdString();
    page.setOutput(QString::fromStdString(d / "set.h5"));
    page.startBuild();
    ASSERT_TRUE(waitFor([&] { return !page.busy() && page.reportText().contains("split"); }));
    EXPECT_TRUE(page.reportText().contains("3 files used")) << page.reportText().toStdString();
    EXPECT_FALSE(page.reportText().contains(QRegularExpression("in [0-9]+\\.[0-9]{3,} s")))
        << "build time printed with needless digits: " << page.reportText().toStdString();
}

TEST(DatasetsCorrectness, APatchOpensInCompareAtItsPlaceAndTheDatasetsSettings) {
    app();
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);  // 16 kHz, x4, 1024-sample patches
    fs::create_directories(d / "ws");
    fs::copy_file(d / "set.h5", d / "ws/tones.h5");
    MainWindow w;
    w.setWorkspace(QString::fromStdString(d / "ws"));
    ASSERT_TRUE(waitFor([&] { return !w.datasetsPage()->busy(); }));  // listed on a job
    EXPECT_EQ(w.datasetsPage()->workspaceDatasets(), QStringList{"tones.h5"});  // the workspace's list
    w.datasetsPage()->openDataset(QString::fromStdString(d / "set.h5"));
    ASSERT_TRUE(waitFor([&] { return !w.datasetsPage()->busy(); }));
    EXPECT_EQ(w.datasetsPage()->charts()->itemCount(), 1);  // one Nyquist line
    w.datasetsPage()->openDataset(QString::fromStdString(d / "set.h5"));
    ASSERT_TRUE(waitFor([&] { return !w.datasetsPage()->busy(); }));
    EXPECT_EQ(w.datasetsPage()->charts()->itemCount(), 1) << "the previous dataset's Nyquist line stayed";
    EXPECT_EQ(w.trainingPage()->dataset(), QString::fromStdString(d / "set.h5")) << "the Training form does not follow";

    PatchBrowser* patches = w.datasetsPage()->patches();
    patches->requestPatch(Split::Train, 2);
    ASSERT_TRUE(waitFor([&] { return !w.datasetsPage()->busy(); }));
    const double offset = patches->sourceOffset();
    EXPECT_GT(offset, 0.0);
    QPushButton* open = nullptr;
    for (auto* b : patches->findChildren<QPushButton*>())
        if (b->text().startsWith("Open source")) open = b;
    ASSERT_NE(open, nullptr);
    open->click();
    ComparePage* c = w.comparePage();
    ASSERT_TRUE(waitFor([&] { return !c->busy() && !c->comparison().versions.empty(); }));
    EXPECT_EQ(c->comparison().rate, 16000);
    EXPECT_EQ(c->comparison().scale, 4);
    const QCPRange view = c->spectrograms()->pane(0)->xAxis->range();
    EXPECT_NEAR(view.lower, offset, 1e-6);
    EXPECT_NEAR(view.upper, offset + 1024.0 / 16000, 1e-6);
}

// Overlaid runs can be told apart: distinct colours among the runs shown (even when their
// names would hash alike), a legend naming them.
// A streamed dataset is built from the page by its name (.json), listed in the workspace, and
// opens as an HDF5 one does: summary, charts, a patch, and its source in Compare.
TEST(DatasetsCorrectness, AStreamedDatasetIsBuiltListedAndBrowsedLikeAnHdf5One) {
    app();
    TempDir d;
    QStringList files;
    for (int i = 0; i < 3; ++i) {
        writeMonoWav(d / ("c" + std::to_string(i) + ".wav"), chirp(80, 7000, 22050, 60000), 22050);
        files << QString::fromStdString(d / ("c" + std::to_string(i) + ".wav"));
    }
    fs::create_directories(d / "ws");
    writeText(d / "ws/notes.json", "{\"not\": \"a dataset\"}");
    MainWindow w;
    w.setWorkspace(QString::fromStdString(d / "ws"));
    DatasetsPage* page = w.datasetsPage();
    page->setInput(files.join(';'));
    page->setOutput("stream.json");
    page->startBuild();
    ASSERT_TRUE(waitFor([&] { return !page->busy() && page->reportText().contains("split"); }));
    EXPECT_TRUE(page->reportText().contains("3 files used")) << page->reportText().toStdString();
    EXPECT_LT(fs::file_size(d / "ws/stream.json"), 8000u);
    EXPECT_EQ(page->workspaceDatasets(), QStringList{"stream.json"}) << "other JSON is not a dataset";
    page->openDataset(QString::fromStdString(d / "ws/stream.json"));
    ASSERT_TRUE(waitFor([&] { return !page->busy(); }));
    EXPECT_TRUE(page->reportText().contains("train")) << page->reportText().toStdString();
    EXPECT_EQ(page->charts()->itemCount(), 1);
    PatchBrowser* patches = page->patches();
    patches->requestPatch(Split::Train, 1);
    ASSERT_TRUE(waitFor([&] { return !page->busy(); }));
    EXPECT_GT(patches->sourceOffset(), 0.0);
    QPushButton* open = nullptr;
    for (auto* b : patches->findChildren<QPushButton*>())
        if (b->text().startsWith("Open source")) open = b;
    ASSERT_NE(open, nullptr);
    open->click();
    ComparePage* c = w.comparePage();
    ASSERT_TRUE(waitFor([&] { return !c->busy() && !c->comparison().versions.empty(); }));
    EXPECT_EQ(c->comparison().rate, 16000);
}

TEST(TrainingCorrectness, OverlaidRunsHaveDistinctColoursAndALegend) {
    app();
    TrainingCurves curves;
    std::vector<TrainRow> rows{{1, 1, 0.1, 0.5}, {2, 1, 0.2, 0.4}};
    QSet<QRgb> seen;
    for (int i = 0; i < 6; ++i) {
        curves.setRun(QString("run-%1").arg(i), RunCurves::fromRows(rows));
        seen.insert(curves.colourFor(QString("run-%1").arg(i)).rgb());
    }
    EXPECT_EQ(seen.size(), 6);
    EXPECT_EQ(curves.legendItems(), 6);
    curves.removeRunsExcept({"run-0", "run-5"});
    EXPECT_EQ(curves.legendItems(), 2);
    curves.setRun("new", RunCurves::fromRows(rows));  // takes a freed colour, never one still shown
    EXPECT_NE(curves.colourFor("new"), curves.colourFor("run-0"));
    EXPECT_NE(curves.colourFor("new"), curves.colourFor("run-5"));
}

// A zoo dataset of overlapping patches with a stereo 48 kHz source: its hours are the sources'
// (not the overlapping patches'), the conversion of that source is said, the zoo's error names
// no command-line option, and a patch opens in Compare with the chain that made its low-res side.
TEST(DatasetsCorrectness, HoursAreTheSourcesAndEveryConversionAndChainIsSaid) {
    app();
    TempDir d;
    fs::create_directories(d / "audio");
    for (int i = 0; i < 3; ++i)
        writeMonoWav(d / ("audio/m" + std::to_string(i) + ".wav"), chirp(80 + 40 * i, 7000, 16000, 24000), 16000);
    std::vector<float> stereo;
    for (float v : chirp(100, 15000, 48000, 72000)) stereo.insert(stereo.end(), {v, -v * 0.5f});
    writeWav(d / "audio/stereo48k.wav", stereo, 48000, 2, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    const std::string common = " dataset build --quiet --input " + (d / "audio") + " --rate 16000 --scale 4 --dim 1024 "
                               "--stride 256 --split 0.5,0.25,0.25 ";
    const auto bad = run(cli() + common + "--out " + (d / "bad.h5") + " --degrade zo");
    EXPECT_NE(bad.code, 0);
    EXPECT_NE(bad.output.find("degradation zoo 'zo'"), std::string::npos) << bad.output;
    const auto built = run(cli() + common + "--out " + (d / "set.h5") + " --degrade zoo");
    ASSERT_EQ(built.code, 0) << built.output;

    const auto set = openDataset(d / "set.h5");
    NullProgress quiet;
    CancelToken cancel;
    const DatasetStats st = computeDatasetStats(*set, 100, quiet, cancel);
    double hours = 0;
    size_t patches = 0;
    for (const auto& sp : st.splits) {
        hours += sp.hours;
        patches += sp.patches;
    }
    EXPECT_NEAR(hours, 4 * 1.5 / 3600, 1e-6);                // four 1.5 s files
    EXPECT_GT(double(patches) * 1024 / 16000 / 3600, hours * 2);  // what counting patches would say
    EXPECT_EQ(st.downmixed, 1u);
    EXPECT_EQ(st.resampled, 1u);
    EXPECT_NE(describeDataset(*set, st, 100).find("1 averaged to mono, 1 resampled to 16000 Hz (from 48000 Hz)"),
              std::string::npos);

    MainWindow w;
    w.datasetsPage()->openDataset(QString::fromStdString(d / "set.h5"));
    ASSERT_TRUE(waitFor([&] { return !w.datasetsPage()->busy(); }));
    PatchBrowser* browser = w.datasetsPage()->patches();
    browser->requestPatch(Split::Train, 1);
    ASSERT_TRUE(waitFor([&] { return !w.datasetsPage()->busy(); }));
    QString chain;
    QObject::connect(w.datasetsPage(), &DatasetsPage::openSource,
                     [&](const QString&, int, int, const QString& filter, double, double) { chain = filter; });
    for (auto* b : browser->findChildren<QPushButton*>())
        if (b->text().startsWith("Open source")) b->click();
    EXPECT_FALSE(chain.isEmpty());
    EXPECT_NE(chain, "cheby");  // the patch's own chain, as the Patches tab shows it
    ComparePage* c = w.comparePage();
    ASSERT_TRUE(waitFor([&] { return !c->busy(); }));
    EXPECT_FALSE(c->header().startsWith("error")) << c->header().toStdString();
    EXPECT_TRUE(c->figureTitle().contains(chain)) << c->figureTitle().toStdString() << " / " << chain.toStdString();
}

// A build that ends without a dataset leaves no file name or percentage of it on the bar.
TEST(DatasetsCorrectness, AStoppedBuildLeavesNothingOfItOnTheBar) {
    app();
    TempDir d;
    fs::create_directories(d / "empty");
    DatasetsPage page;
    QObject::connect(&page, &DatasetsPage::failed, [](const QString&, const QString&) {});
    page.setInput(QString::fromStdString(d / "empty"));
    page.setOutput(QString::fromStdString(d / "set.h5"));
    page.startBuild();
    ASSERT_TRUE(waitFor([&] { return !page.busy(); }));
    auto* bar = page.findChild<QProgressBar*>();
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(bar->text(), "failed");
    EXPECT_EQ(bar->value(), 0);
}

}  // namespace srlab
