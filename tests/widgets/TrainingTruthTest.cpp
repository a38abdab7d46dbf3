// SPDX-License-Identifier: GPL-3.0-or-later
// The Training page keeps telling the truth through a run's life: the checkpoint list holds a
// run's last checkpoint once it ends, the bar shows the run it is about (and no ETA while
// paused), a run filtered out leaves nothing of it on screen, four runs fit in the table on a
// laptop, the Listen tab names whose snapshots play, quitting during training asks, and a
// dataset with nothing to validate on says so.
#include <gtest/gtest.h>

#include <QLabel>
#include <QLineEdit>
#include "DatasetsPage.h"
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTabWidget>
#include <QTimer>
#include <QDir>
#include <QHeaderView>
#include <filesystem>

#include "ListeningStrip.h"
#include "MainWindow.h"
#include "RunTable.h"
#include "TrainingCurves.h"
#include "TrainingPage.h"
#include "WidgetTestSupport.h"
#include "runs/RunFolder.h"
#include "runs/RunWriter.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;
namespace fs = std::filesystem;

namespace {
QStringList listed(TrainingPage* page) {
    QStringList out;
    auto* list = page->findChild<QListWidget*>("checkpoints");
    for (int i = 0; i < list->count(); ++i) out << list->item(i)->text();
    return out;
}
QString label(TrainingPage* page, const char* name) { return page->findChild<QLabel*>(name)->text(); }

// Answers the next message box with `button` once it is shown.
void answerNextMessageBox(QMessageBox::StandardButton button, bool* asked) {
    QTimer::singleShot(0, [=] {
        if (!waitFor([] { return qobject_cast<QMessageBox*>(QApplication::activeModalWidget()) != nullptr; }, 10000)) return;
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        *asked = true;
        box->button(button)->click();
    });
}
}  // namespace

TEST(TrainingTruth, ARunsEndPausesAndResumesShowThatRunsOwnState) {
    app();
    TempDir d;
    ASSERT_EQ(buildToneDataset(d.str()).code, 0);
    MainWindow w;
    w.setWorkspace(QString::fromStdString(d / "ws"));
    w.show();
    TrainingPage* page = w.trainingPage();
    page->setDataset(QString::fromStdString(d / "set.h5"));
    page->setModel("audiounet", "tiny");
    page->setEpochs(2, 4);
    page->start();
    ASSERT_TRUE(waitFor([&] { return !page->training(); }, 120000));
    const QString a = page->activeRun();
    ASSERT_EQ(readRunStatus(a.toStdString()).state, RunState::Finished);
    // The list holds the run's last checkpoint at its last step, without selecting it again.
    EXPECT_TRUE(waitFor([&] { return listed(page).filter("last").filter("step 8").size() == 1; }, 10000))
        << listed(page).join(" | ").toStdString();
    EXPECT_TRUE(page->progressText().contains("finished")) << page->progressText().toStdString();

    // Another run, paused: the bar says so and stops foretelling; throughput says paused.
    page->setEpochs(1000, 0);
    page->start();
    const QString b = page->activeRun();
    ASSERT_TRUE(waitFor([&] { return readRunMetrics(b.toStdString()).size() > 3; }, 60000));
    page->setPaused(true);
    ASSERT_TRUE(waitFor([&] { return readRunStatus(b.toStdString()).state == RunState::Paused; }));
    app().processEvents(QEventLoop::AllEvents, 300);
    EXPECT_TRUE(page->progressText().contains("paused")) << page->progressText().toStdString();
    EXPECT_FALSE(page->progressText().contains("ETA")) << page->progressText().toStdString();
    EXPECT_TRUE(label(page, "throughput").startsWith("paused")) << label(page, "throughput").toStdString();

    // Quitting while it trains asks; Cancel keeps the window and the run.
    bool asked = false;
    answerNextMessageBox(QMessageBox::Cancel, &asked);
    w.close();
    EXPECT_TRUE(asked);
    EXPECT_TRUE(w.isVisible());
    EXPECT_TRUE(page->training());
    page->setPaused(false);
    page->stop();
    ASSERT_TRUE(waitFor([&] { return !page->training(); }, 60000));

    // Two runs selected: the Listen tab says whose snapshots it plays.
    page->selectRun(b);
    page->selectRun(a, true);
    EXPECT_EQ(page->listeningStrip()->heading(), QString("snapshots of %1:").arg(QDir(a).dirName()));
    // Resuming the finished run shows its own place, not the stopped run's.
    page->selectRun(a);
    page->resume(a);
    EXPECT_TRUE(page->progressText().contains("step 8/8")) << page->progressText().toStdString();
    ASSERT_TRUE(waitFor([&] { return !page->training(); }, 60000));

    // A run the filter hides leaves the checkpoints, Listen and its curves.
    auto* table = page->findChild<RunTable*>();
    page->selectRun(a);
    ASSERT_TRUE(waitFor([&] { return !listed(page).isEmpty(); }));
    table->setFilter("no-run-is-called-this");
    EXPECT_TRUE(listed(page).isEmpty());
    EXPECT_FALSE(page->findChild<QPushButton*>("listen")->isEnabled());
    EXPECT_TRUE(page->curves()->runs().isEmpty());
    EXPECT_EQ(page->listeningStrip()->heading(), "no run selected");
    table->setFilter("");
}

// At 1366x768 the runs table has room for four runs (two overlaid ones are both in sight), and
// a run's colour swatch keeps a dark frame and a white ring under the selection.
TEST(TrainingTruth, TheRunsTableShowsFourRunsOnALaptopAndKeepsItsSwatches) {
    app();
    MainWindow w;
    w.resize(1366, 728);
    w.show();
    w.showPage("training");
    settleLayouts();
    EXPECT_LE(w.minimumSizeHint().height(), 728);
    auto* table = w.trainingPage()->findChild<RunTable*>()->table();
    EXPECT_GE(table->viewport()->height(), 4 * table->verticalHeader()->defaultSectionSize());
    w.showPage("datasets");  // and the Datasets page's input has room for a path
    settleLayouts();
    QLineEdit* input = nullptr;
    for (auto* edit : w.datasetsPage()->findChildren<QLineEdit*>())
        if (edit->placeholderText().startsWith("folders or files")) input = edit;
    ASSERT_NE(input, nullptr);
    EXPECT_GE(input->width(), 200);
    const QRect field(input->mapTo(&w, QPoint(0, 0)), input->size());
    for (auto* b : w.datasetsPage()->findChildren<QPushButton*>())  // nothing lies over it
        if (b->isVisible()) EXPECT_FALSE(field.intersects(QRect(b->mapTo(&w, QPoint(0, 0)), b->size()))) << b->text().toStdString();

    RunTable runs;
    TempDir d;
    fs::create_directories(d / "run");
    RunWriter writer(d / "run");
    TrainConfig c;
    c.dataset = "/nonexistent/set.h5";
    writer.writeConfig(c.toJson());
    writer.setStatus(RunState::Finished, "");
    RunModel model(d / "run");
    model.poll(RunModel::Depth::Summary);
    runs.updateRuns({&model});
    const QString folder = QString::fromStdString(d / "run");
    runs.select(folder, false);
    runs.setColour(folder, QColor(31, 119, 180));
    const QImage icon = runs.table()->item(0, 0)->icon().pixmap(16, 16, QIcon::Selected).toImage();
    ASSERT_FALSE(icon.isNull());
    EXPECT_LT(qGray(icon.pixel(0, 0)), 40);                // the frame
    EXPECT_EQ(QColor(icon.pixel(2, 2)), QColor(Qt::white));  // the ring
    EXPECT_EQ(QColor(icon.pixel(8, 8)), QColor(31, 119, 180));
}

// A dataset built from one file has no validation patches: training says so at the start, and
// writes no validation rows of NaN.
TEST(TrainingTruth, ADatasetWithNothingToValidateOnIsSaid) {
    app();
    TempDir d;
    fs::create_directories(d / "one");
    writeMonoWav(d / "one/only.wav", chirp(80, 7000, 16000, 16000 * 3), 16000);
    const auto built = run(cli() + " dataset build --quiet --input " + (d / "one") + " --out " + (d / "one.h5") +
                           " --rate 16000 --scale 4 --dim 1024 --stride 512");
    ASSERT_EQ(built.code, 0) << built.output;
    TrainingPage page;
    page.setWorkspace(QString::fromStdString(d / "ws"));
    page.setDataset(QString::fromStdString(d / "one.h5"));
    page.setModel("audiounet", "tiny");
    page.setEpochs(1, 2);
    page.start();
    ASSERT_TRUE(waitFor([&] { return !page.training(); }, 120000));
    EXPECT_TRUE(label(&page, "status").contains("no validation")) << label(&page, "status").toStdString();
    for (const auto& r : readRunMetrics(page.activeRun().toStdString()))
        EXPECT_TRUE(std::isfinite(r.trainLoss) || r.hasVal()) << "a row with neither a loss nor a validation";
}

// `srlab-workbench --help` prints its options without a display; without one, the window's
// absence is one line, not Qt's abort.
TEST(TrainingTruth, TheWorkbenchAnswersHelpWithoutADisplay) {
    const std::string bare = "env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM " + std::string(SRLAB_WORKBENCH_BIN);
    const auto help = run(bare + " --help");
    EXPECT_EQ(help.code, 0) << help.output;
    EXPECT_NE(help.output.find("--workspace"), std::string::npos) << help.output;
    const auto none = run(bare);
    EXPECT_EQ(none.code, 1) << none.output;
    EXPECT_NE(none.output.find("no display"), std::string::npos) << none.output;
    EXPECT_EQ(std::count(none.output.begin(), none.output.end(), '\n'), 1) << none.output;
}

}  // namespace srlab
