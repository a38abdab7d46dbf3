// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench under QT_QPA_PLATFORM=offscreen, playing into a null audio device; its seven
// tests, by page:
// - Compare & Listen: a real file loads into its versions' panes (and the difference pane),
//   zoom stays in sync across panes, each pane recomputes its zoomed detail off the GUI thread,
//   and style changes apply;
// - Datasets: the builder form runs a real build on a worker thread; an opened dataset fills
//   the charts and the patch browser, whose patch leads back to its source file;
// - Training: a run started from the page trains to the end on its own thread without freezing
//   the window, and Listen on its best checkpoint shows its super-res version in Compare; a run
//   pauses (at most the step in flight runs on, the runs table follows live), resumes and stops
//   with a checkpoint; ranks > 1 starts `srlab train --nproc 2` and follows its folder, as
//   Watch a run folder does;
// - ABX: blind trials count only answers given after X was heard, and show no score until the
//   last one.
#include <QApplication>
#include <algorithm>
#include <fstream>
#include <QElapsedTimer>
#include <QPushButton>
#include <QTest>

#include "ComparePage.h"
#include "DatasetsPage.h"
#include "MainWindow.h"
#include "SpectrogramGroup.h"
#include "AbxPanel.h"
#include "audio/Player.h"
#include "DatasetCharts.h"
#include "JobRunner.h"
#include "PatchBrowser.h"
#include "TrainingCurves.h"
#include "TrainingPage.h"
#include "Watchdog.h"
#include "train/Trainer.h"
#include "support/TestSupport.h"
#include "WidgetTestSupport.h"

namespace srlab {
using namespace test;

namespace {
bool buildToneDataset(const TempDir& d) {
    const auto r = test::buildToneDataset(d.str());
    if (r.code != 0) ADD_FAILURE() << r.output;
    return r.code == 0;
}
}  // namespace

// The widget tests' process: an audio device that plays into /dev/null (ALSA's file plugin on
// the clockless null device, see PlayerTest), set before PortAudio first starts, so playback
// and ABX run for real; and at the end a wait for jobs, which end on their own threads after
// their pages are gone (a run saves its checkpoint), as srlab-workbench's main() does.
class WorkbenchEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        setenv("HOME", home_.str().c_str(), 1);
        std::ofstream(home_ / ".asoundrc")
            << "pcm.!default {\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  format \"raw\"\n}\n";
    }
    void TearDown() override { EXPECT_TRUE(waitForAllJobs(120000)); }

private:
    TempDir home_;
};
const auto* const environment = ::testing::AddGlobalTestEnvironment(new WorkbenchEnvironment);

TEST(Workbench, CompareLoadsVersionsIntoSyncedPanes) {
    app();
    TempDir d;
    writeMonoWav(d / "song.wav", chirp(60, 20000, 44100, 44100 * 3), 44100);
    MainWindow w;
    w.openAudio(QString::fromStdString(d / "song.wav"));
    ASSERT_TRUE(waitFor([&] { return !w.comparePage()->busy(); }));
    const Comparison& c = w.comparePage()->comparison();
    ASSERT_EQ(c.versions.size(), 4u);  // ground truth, low-res, spline, linear
    SpectrogramGroup* g = w.comparePage()->spectrograms();
    ASSERT_EQ(g->paneCount(), 5);      // + difference pane
    // Where the chirp is at 1.25 s in the overview, before zooming.
    SpectrogramPane* truth = g->pane(0);
    auto peakAt = [truth](double t) {
        std::pair<double, double> best{0, -1e9};  // Hz, dB
        for (double hz = 50; hz < 22000; hz += 10)
            if (truth->valueAt(t, hz) > best.second) best = {hz, truth->valueAt(t, hz)};
        return best;
    };
    const auto overviewPeak = peakAt(1.25);
    std::vector<int> shownBy(size_t(g->paneCount()), 0);
    for (int i = 0; i < g->paneCount(); ++i)
        QObject::connect(g->pane(i), &SpectrogramPane::detailShown, [&shownBy, i] { ++shownBy[size_t(i)]; });
    auto allShown = [&] { return std::all_of(shownBy.begin(), shownBy.end(), [](int n) { return n > 0; }); };
    g->pane(0)->xAxis->setRange(1.0, 1.5);
    for (int i = 1; i < g->paneCount(); ++i) {
        EXPECT_DOUBLE_EQ(g->pane(i)->xAxis->range().lower, 1.0);
        EXPECT_DOUBLE_EQ(g->pane(i)->xAxis->range().upper, 1.5);
    }
    // Zoomed in, every pane (the difference pane too) recomputes the view off the GUI thread.
    const bool all = waitFor(allShown);
    if (!all)
        for (int i = 0; i < g->paneCount(); ++i)
            ADD_FAILURE() << "pane " << i << ": detail shown " << shownBy[size_t(i)] << " times, showing "
                          << g->pane(i)->showingDetail() << ", axis rect " << g->pane(i)->axisRect()->width()
                          << " px, shown frames " << g->pane(i)->shownSpectrogram().frames << " over "
                          << g->pane(i)->shownSpectrogram().endSeconds() - g->pane(i)->shownSpectrogram().startSeconds << " s";
    ASSERT_TRUE(all);
    for (int i = 0; i < g->paneCount(); ++i) {
        const DisplaySpectrogram& s = g->pane(i)->shownSpectrogram();
        EXPECT_TRUE(g->pane(i)->showingDetail());
        EXPECT_LE(s.startSeconds, 1.0);
        EXPECT_GE(s.endSeconds(), 1.5);
        EXPECT_LT(s.endSeconds() - s.startSeconds, 2.5);  // the view and its margins, not the file
    }
    const auto detailPeak = peakAt(1.25);
    EXPECT_NEAR(detailPeak.first, overviewPeak.first, 0.05 * overviewPeak.first);
    EXPECT_NEAR(detailPeak.second, overviewPeak.second, 3.0);
    SpectrogramStyle st = g->style();
    st.floorDb = -80;
    st.colorMap = "viridis";
    st.scale = FreqScale::Log;
    g->setStyle(st);
    EXPECT_EQ(g->style().colorMap, "viridis");
    EXPECT_NEAR(g->pane(1)->rowToHz(0), 30.0, 1e-9);  // log axis starts at 30 Hz
    EXPECT_TRUE(c.versions[2].hasMetrics);
}

TEST(Workbench, BuilderFormRunsARealBuild) {
    app();
    TempDir d;
    for (int i = 0; i < 4; ++i) writeMonoWav(d / ("c" + std::to_string(i) + ".wav"), chirp(80, 7000, 16000, 30000), 16000);
    DatasetsPage page;
    page.setInput(QString::fromStdString(d.str()));
    page.setOutput(QString::fromStdString(d / "set.h5"));
    page.startBuild();
    ASSERT_TRUE(waitFor([&] { return !page.busy() && page.reportText().contains("split"); }));
    EXPECT_TRUE(fs::exists(d / "set.h5"));
    EXPECT_TRUE(page.reportText().contains("wrote")) << page.reportText().toStdString();
}

// Start a real (tiny) run from the Training page, watch it finish on its worker thread, then
// "Listen" to its best checkpoint in Compare & Listen beside the baselines.
TEST(Workbench, TrainingPageTrainsAndListenShowsTheSuperResVersion) {
    app();
    TempDir d;
    ASSERT_TRUE(buildToneDataset(d));
    MainWindow w;
    w.setWorkspace(QString::fromStdString(d / "ws"));
    TrainingPage* page = w.trainingPage();
    page->setDataset(QString::fromStdString(d / "set.h5"));
    page->setModel("audiounet", "tiny");
    page->setEpochs(2, 4);
    Watchdog watchdog;
    page->start();
    ASSERT_TRUE(page->training());
    ASSERT_TRUE(waitFor([&] { return !page->training(); }, 120000));
    // Training runs on its own thread: the window never freezes while it works.
    EXPECT_LT(watchdog.maxGapMs(), 1000);
    const QString runDir = page->activeRun();
    EXPECT_EQ(readRunStatus(runDir.toStdString()).state, RunState::Finished);
    EXPECT_EQ(page->curves()->runs().size(), 1);
    const QString audio = TrainingPage::validationFile(runDir);
    ASSERT_FALSE(audio.isEmpty());
    w.comparePage()->setModel(runDir + "/checkpoints/best");
    w.comparePage()->openFile(audio);
    ASSERT_TRUE(waitFor([&] { return !w.comparePage()->busy(); }));
    const auto& versions = w.comparePage()->comparison().versions;
    ASSERT_FALSE(versions.empty());
    EXPECT_EQ(versions.back().name, "super-res: audiounet/tiny");
    EXPECT_TRUE(versions.back().hasMetrics);
}

TEST(Workbench, TrainingCanBePausedAndStoppedWithACheckpoint) {
    app();
    TempDir d;
    ASSERT_TRUE(buildToneDataset(d));
    TrainingPage page;
    page.setWorkspace(QString::fromStdString(d / "ws"));
    page.setDataset(QString::fromStdString(d / "set.h5"));
    page.setModel("audiounet", "tiny");
    page.setEpochs(1000, 0);
    page.start();
    const std::string run = page.activeRun().toStdString();
    ASSERT_TRUE(waitFor([&] { return readRunMetrics(run).size() > 3; }));
    const QString runQ = QString::fromStdString(run);
    EXPECT_TRUE(waitFor([&] { return page.shownState(runQ) == "running"; })) << page.shownState(runQ).toStdString();
    page.setPaused(true);
    ASSERT_TRUE(waitFor([&] { return readRunStatus(run).state == RunState::Paused; }));
    EXPECT_TRUE(waitFor([&] { return page.shownState(runQ) == "paused"; })) << "the runs table is not live";
    const size_t rows = readRunMetrics(run).size();
    QTest::qWait(1500);  // a second and a half of pause (events processed): dozens of steps unpaused
    EXPECT_LE(readRunMetrics(run).size(), rows + 1);  // at most the step in flight
    QPushButton* resume = nullptr;
    for (auto* b : page.findChildren<QPushButton*>())
        if (b->text() == "Resume") resume = b;
    ASSERT_NE(resume, nullptr);
    ASSERT_TRUE(resume->isEnabled()) << "a paused run must be resumable with Resume";
    resume->click();
    ASSERT_TRUE(waitFor([&] { return readRunStatus(run).state == RunState::Running; }));
    ASSERT_TRUE(waitFor([&] { return readRunMetrics(run).size() > rows + 2; }));  // it trains again
    page.stop();
    ASSERT_TRUE(waitFor([&] { return !page.training(); }));
    EXPECT_EQ(readRunStatus(run).state, RunState::Stopped);
    EXPECT_FALSE(page.progressText().contains("ETA")) << page.progressText().toStdString();
    EXPECT_TRUE(waitFor([&] { return page.shownState(runQ) == "stopped"; }));
    EXPECT_TRUE(fs::exists(run + "/checkpoints/last/model.pt"));
}

// Opening a dataset fills the charts and the patch browser; a patch can be played A/B and
// leads back to its source file.
TEST(Workbench, DatasetChartsAndPatchBrowserShowAnOpenedDataset) {
    app();
    TempDir d;
    for (int i = 0; i < 4; ++i) writeMonoWav(d / ("c" + std::to_string(i) + ".wav"), chirp(80, 7000, 16000, 30000), 16000);
    auto r = run(cli() + " dataset build --quiet --input " + d.str() + " --out " + d / "set.h5" +
                 " --rate 16000 --scale 4 --dim 2048 --stride 1024 --split 0.5,0.25,0.25");
    ASSERT_EQ(r.code, 0) << r.output;
    DatasetsPage page;
    page.openDataset(QString::fromStdString(d / "set.h5"));
    ASSERT_TRUE(waitFor([&] { return !page.busy(); }));
    EXPECT_GE(page.charts()->graphCount(), 3 + 2 * 8);  // 2 spectra, histogram, 2 boxes per band
    EXPECT_EQ(page.patches()->shownPanes(), 2);           // label and input
    EXPECT_TRUE(page.patches()->sourceFile().endsWith(".wav")) << page.patches()->sourceFile().toStdString();
    page.patches()->requestPatch(Split::Test, 0);
    ASSERT_TRUE(waitFor([&] { return !page.busy(); }));
    EXPECT_TRUE(fs::exists(page.patches()->sourceFile().toStdString()));
}

TEST(Workbench, AbxPanelScoresBlindTrials) {
    app();
    Player player;
    AbxPanel panel(player);
    Comparison c;
    c.rate = 16000;
    c.frames = 16000;
    for (const char* n : {"ground truth", "low-res", "spline"}) c.versions.push_back(Version(n, makeSamples(std::vector<float>(16000, 0.f))));
    player.load(std::vector<Samples>{c.versions[0].audio, c.versions[1].audio, c.versions[2].audio}, c.rate);
    ASSERT_TRUE(player.isOpen()) << "the widget tests' null audio device did not open";
    player.setLoop(0, 16000);  // playback never runs out during the test
    panel.setComparison(c);
    panel.start();
    ASSERT_NE(panel.session(), nullptr);
    ASSERT_EQ(panel.session()->plannedTrials(), 16);
    // An answer before X was heard is not scored.
    panel.answer(true);
    EXPECT_EQ(panel.session()->trials(), 0);
    EXPECT_TRUE(panel.shownText().contains("play X before answering")) << panel.shownText().toStdString();
    auto hearX = [&] {
        panel.play('X');
        ASSERT_TRUE(waitFor([&] { return panel.xHeard(); }));
        player.pause();
    };
    for (int i = 0; i < 15; ++i) {
        hearX();
        panel.answer(panel.session()->versionX() == panel.session()->versionA());
        EXPECT_FALSE(panel.resultText().contains("correct")) << "score shown during the test";
    }
    EXPECT_TRUE(panel.resultText().contains("trial 16 of 16"));
    hearX();
    panel.answer(panel.session()->versionX() == panel.session()->versionA());
    EXPECT_EQ(panel.session()->correct(), 16);
    EXPECT_TRUE(panel.resultText().contains("16/16")) << panel.resultText().toStdString();
    EXPECT_TRUE(panel.resultText().contains("(audible difference)"));
}

}  // namespace srlab

namespace srlab {
using namespace test;

// Ranks > 1: the page starts `srlab train --nproc 2` as a process and follows the run through
// its folder (curves, status), the way it follows any run another process writes.
TEST(Workbench, TrainingPageStartsADataParallelRunAndFollowsIt) {
    app();
    TempDir d;
    ASSERT_EQ(test::buildToneDataset(d.str()).code, 0);
    setenv("SRLAB_CLI", cli().c_str(), 1);
    TrainingPage page;
    page.setWorkspace(QString::fromStdString(d / "ws"));
    page.setDataset(QString::fromStdString(d / "set.h5"));
    page.setModel("audiounet", "tiny");
    page.setEpochs(2, 3);
    page.setRanks(2);
    Watchdog watchdog;
    page.start();
    ASSERT_TRUE(page.training());
    const QString run = page.activeRun();
    ASSERT_TRUE(waitFor([&] { return !page.training(); }, 300000));
    EXPECT_LT(watchdog.maxGapMs(), 1000);
    EXPECT_EQ(readRunStatus(run.toStdString()).state, RunState::Finished);
    const auto rows = readRunMetrics(run.toStdString());
    ASSERT_EQ(rows.size(), 6u);  // 2 epochs x (2 steps of 16 x 2 ranks in 90 patches + validation)
    // The curves show what the ranks wrote, read from the folder.
    ASSERT_TRUE(page.curves()->runs().contains(QDir(run).dirName()));
    std::ifstream log(run.toStdString() + "/train.log");
    const std::string text((std::istreambuf_iterator<char>(log)), {});
    EXPECT_NE(text.find("data-parallel: 2 ranks"), std::string::npos) << text;
    // A run folder written elsewhere is watched the same way.
    page.watchRun(QString::fromStdString(d / "ws/runs"));  // not a run: ignored by the table
    page.watchRun(run);
    EXPECT_TRUE(page.curves()->runs().contains(QDir(run).dirName()));
}

}  // namespace srlab
