// SPDX-License-Identifier: GPL-3.0-or-later
// The run tracker: every hyper-parameter and metric a column, sorting by number, a filter over
// all columns, and a note kept in the run folder.
#include <QTableWidget>
#include <fstream>
#include <iterator>

#include "RunTable.h"
#include "TrainingCurves.h"
#include <qcustomplot.h>
#include "WidgetTestSupport.h"
#include "runs/RunFolder.h"
#include "runs/RunModel.h"
#include "runs/RunWriter.h"
#include "support/TestSupport.h"
#include "train/Trainer.h"

namespace srlab {
using namespace test;
namespace {
std::string readText(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST(RunTable, SortsByBestLsdFiltersAndKeepsNotesInTheRunFolder) {
    app();
    TempDir d;
    const auto built = buildToneDataset(d.str());
    ASSERT_EQ(built.code, 0) << built.output;
    const double lsd[3] = {2.5, 1.25, 10.0};  // 10.0 sorts after 2.5 only as a number
    QStringList folders;
    for (int i = 0; i < 3; ++i) {
        TrainConfig c;
        c.dataset = d / "set.h5";
        c.model = makeModelConfig(i == 1 ? "spectral" : "audiounet", "tiny");
        c.lr = i == 2 ? 1e-3 : 3e-4;
        c.lrSchedule = i == 0 ? "cosine" : "constant";
        c.snapshotClips = 0;
        const std::string dir = d / ("run" + std::to_string(i));
        createRun(dir, c);
        RunWriter w(dir);
        w.startMetrics(0);
        TrainRow step, val;
        ASSERT_TRUE(parseMetricsRow("5,1,65.5,0.1,,,,100,1,200,0.0003,1", &step));
        ASSERT_TRUE(parseMetricsRow("5,1,66,,0.2,12.5," + std::to_string(lsd[i]), &val));
        w.appendRow(step);
        w.appendRow(val);
        folders << QString::fromStdString(dir);
    }
    // The table draws what the runs' models hold (the page's follower polls them off the GUI
    // thread; here the test does).
    std::vector<std::unique_ptr<RunModel>> models;
    std::vector<const RunModel*> rows;
    for (const QString& f : folders) {
        models.push_back(std::make_unique<RunModel>(f.toStdString()));
        models.back()->poll(RunModel::Depth::Summary);
        rows.push_back(models.back().get());
    }
    RunTable t;
    QObject::connect(&t, &RunTable::noteEdited, [](const QString& folder, const QString& text) {
        writeRunNote(folder.toStdString(), text.toStdString());
    });
    t.updateRuns(rows);
    ASSERT_EQ(t.folders().size(), 3);
    EXPECT_EQ(t.cell(folders[0], "schedule"), "cosine");
    EXPECT_EQ(t.cell(folders[0], "best LSD"), "2.500");
    EXPECT_EQ(t.cell(folders[0], "duration"), "1:06");
    EXPECT_EQ(t.cell(folders[0], "dataset"), "set.h5");
    EXPECT_EQ(t.cell(folders[0], "status"), "created");
    t.table()->sortItems(11, Qt::AscendingOrder);  // best LSD
    EXPECT_EQ(t.folders(), (QStringList{folders[1], folders[0], folders[2]}));
    t.setFilter("spectral");
    EXPECT_FALSE(t.table()->isRowHidden(0));  // run1, first after sorting
    EXPECT_TRUE(t.table()->isRowHidden(1));
    EXPECT_TRUE(t.table()->isRowHidden(2));
    t.setFilter("");
    // A note typed into the table is kept in the run folder, and read back by a new table.
    t.table()->item(0, 17)->setText("tried a smaller lr");
    EXPECT_EQ(readText(folders[1].toStdString() + "/note.txt"), "tried a smaller lr\n");
    RunModel again(folders[1].toStdString());
    again.poll(RunModel::Depth::Summary);
    EXPECT_EQ(again.note(), "tried a smaller lr");
    // A row changes when its folder does, through its model.
    EXPECT_FALSE(models[2]->poll(RunModel::Depth::Summary));
    writeRunStatus(folders[2].toStdString(), RunState::Finished, "");
    EXPECT_TRUE(models[2]->poll(RunModel::Depth::Summary));
    t.updateRuns({models[2].get()});
    EXPECT_EQ(t.cell(folders[2], "status"), "finished");
}

// The SNR and LSD plots carry each run's baselines as reference lines; the first plot shows the
// per-step quantity picked.
TEST(TrainingCurves, ReferenceLinesAndStepMetrics) {
    app();
    TrainingCurves c;
    std::vector<TrainRow> rows;
    for (int s = 1; s <= 4; ++s) {
        TrainRow r{s, 1, double(s), 0.5 / s};
        r.lr = 1e-3 * s;
        r.gradNorm = 2.0;
        rows.push_back(r);
    }
    rows.push_back(TrainRow{4, 1, 5.0, NAN, 0.1, 12.0, 1.5});
    c.setRun("a", RunCurves::fromRows(rows));
    EXPECT_EQ(c.referenceLines(), 0);
    c.setReferences("a", {{"spline", 11.0, 3.0}, {"sinc", 11.5, 4.0}});
    EXPECT_EQ(c.referenceLines(), 4);  // 2 baselines in 2 plots
    c.setStepMetric(1);
    // Two kinds of loss: the second run's goes on the right-hand axis, named after it.
    c.setStepMetric(0);
    c.setRun("b", RunCurves::fromRows(rows));
    c.setLossType("a", "mse");
    c.setLossType("b", "mrstft");
    auto* trainLoss = c.findChild<QCustomPlot*>("train loss");
    ASSERT_NE(trainLoss, nullptr);
    c.redrawNow();
    EXPECT_TRUE(trainLoss->yAxis2->visible());
    EXPECT_EQ(trainLoss->yAxis2->label(), "mrstft");
    EXPECT_EQ(trainLoss->yAxis->label(), "mse");
    c.setLossType("b", "mse");
    c.redrawNow();
    EXPECT_FALSE(trainLoss->yAxis2->visible());
    c.removeRunsExcept({});
    EXPECT_EQ(c.referenceLines(), 0);
}

// A new run before its first validation: the validation plots keep nothing of the run shown
// before, the SNR axis spans the new run's baselines (at least a dB, not the old run's values
// or a default), and the baselines' labels do not print over each other.
TEST(TrainingCurves, ANewRunBeforeItsFirstValidationShowsOnlyWhatItHas) {
    app();
    TrainingCurves c;
    c.resize(900, 600);
    std::vector<TrainRow> old;
    for (int s = 1; s <= 4; ++s) old.push_back(TrainRow{s, 1, double(s), 0.5 / s});
    old.push_back(TrainRow{4, 1, 5.0, NAN, 3.0, 25.0, -18.0});
    c.setRun("old", RunCurves::fromRows(old));
    c.redrawNow();
    auto* snr = c.findChild<QCustomPlot*>("validation SNR (dB)");
    auto* loss = c.findChild<QCustomPlot*>("validation loss");
    ASSERT_NE(snr, nullptr);
    ASSERT_NE(loss, nullptr);
    c.removeRunsExcept({});
    std::vector<TrainRow> fresh{TrainRow{1, 1, 1.0, 0.4}, TrainRow{2, 1, 2.0, 0.3}};
    c.setRun("new", RunCurves::fromRows(fresh));
    c.setReferences("new", {{"spline", 11.6, 3.0}, {"sinc", 11.7, 3.1}});
    c.redrawNow();
    EXPECT_LE(snr->yAxis->range().lower, 11.6);
    EXPECT_GE(snr->yAxis->range().upper, 11.7);
    EXPECT_NEAR(snr->yAxis->range().size(), 1.0, 0.05);  // the baselines' span, padded to a dB
    EXPECT_LT(loss->yAxis->range().upper, 3.0);            // nothing of the old run's loss
    bool said = false;
    for (int k = 0; k < loss->itemCount(); ++k)
        if (auto* t = qobject_cast<QCPItemText*>(loss->item(k))) said |= t->text() == "no validation yet";
    EXPECT_TRUE(said);
    snr->replot();
    QList<QRectF> labels;
    for (int k = 0; k < snr->itemCount(); ++k)
        if (auto* t = qobject_cast<QCPItemText*>(snr->item(k)); t && (t->text() == "spline" || t->text() == "sinc"))
            labels << QRectF(t->topLeft->pixelPosition(), t->bottomRight->pixelPosition());
    ASSERT_EQ(labels.size(), 2);
    EXPECT_FALSE(labels[0].intersects(labels[1]));
}

}  // namespace srlab
