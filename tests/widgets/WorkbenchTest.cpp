// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench under QT_QPA_PLATFORM=offscreen: pages build, a real file loads into N panes
// that stay in sync, and the builder form runs a real build on a worker thread.
#include <QApplication>
#include <QElapsedTimer>

#include "ComparePage.h"
#include "DatasetsPage.h"
#include "MainWindow.h"
#include "SpectrogramGroup.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;

namespace {
QApplication& app() {  // one QApplication for every widget test
    static int argc = 1;
    static char name[] = "workbench-test";
    static char* argv[] = {name, nullptr};
    static QApplication a(argc, argv);
    return a;
}

template <typename Pred>
bool waitFor(Pred done, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms) app().processEvents(QEventLoop::AllEvents, 20);
    return done();
}
}  // namespace

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
    g->pane(0)->xAxis->setRange(1.0, 1.5);
    for (int i = 1; i < g->paneCount(); ++i) {
        EXPECT_DOUBLE_EQ(g->pane(i)->xAxis->range().lower, 1.0);
        EXPECT_DOUBLE_EQ(g->pane(i)->xAxis->range().upper, 1.5);
    }
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

}  // namespace srlab
