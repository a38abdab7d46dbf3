// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Live training curves: a per-step quantity (train loss, learning rate, gradient norm,
// throughput, data wait or memory, picked above it), validation loss, SNR and LSD in four plots;
// the SNR and LSD plots carry each run's baselines (spline, sinc) as dashed reference lines.
// Each run has a stable colour (from its name); raw values are drawn faint and an exponential
// moving average bold, with the smoothing on a slider. The x-axis is step, epoch or wall time,
// and the loss plots can be log-scaled. Knows only core's RunCurves (runs/CurveSeries.h), not
// the trainer: a run arrives reduced to at most a few thousand buckets, drawn as a faint
// min/max envelope and a bold smoothed mean, so a redraw costs the same at 1k and 1M steps.
// Redraws are coalesced (one per 100 ms however often runs change).
//
// Threads: GUI thread only.
#include <QWidget>
#include <map>
#include <vector>

#include "runs/CurveSeries.h"
#include "runs/RunFolder.h"

class QCustomPlot;
class QComboBox;
class QSlider;
class QCheckBox;

namespace srlab {

class TrainingCurves : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCurves(QWidget* parent = nullptr);
    // Replaces or adds a run's curve data (the overlay holds every run set here).
    void setRun(const QString& name, const RunCurves& curves);
    // What the coalescing timer would do, at once; `force` draws plots that did not change too.
    void redrawNow(bool force = false);
    void removeRunsExcept(const QStringList& keep);
    // A run's baselines on its validation patches, drawn as dashed lines in its colour.
    void setReferences(const QString& name, const std::vector<BaselineReference>& refs);
    // What the first plot shows: 0 train loss, 1 learning rate, 2 gradient norm, 3 samples/s,
    // 4 data wait, 5 memory.
    void setStepMetric(int which);
    // The run's loss ("mse", "mrstft", ...): losses of different kinds are not on one scale, so
    // the loss plots put runs of a second kind on a right-hand axis named after it.
    void setLossType(const QString& name, const QString& loss);
    int referenceLines() const;  // baseline lines drawn now, over both plots
    QStringList runs() const;
    // A shown run's colour: distinct among the runs shown (assigned in the order they join, kept
    // while shown); grey for a run not shown.
    QColor colourFor(const QString& name) const;
    int legendItems() const;  // on the train-loss plot, one per run

private:
    void redraw();  // coalesced
    std::map<QString, RunCurves> runs_;
    std::map<QString, int> colour_;  // run -> palette index, for the runs shown
    std::map<QString, std::vector<BaselineReference>> refs_;
    std::map<QString, QString> loss_;
    QComboBox* stepMetric_;
    QCustomPlot* plots_[4];
    QComboBox* xAxis_;
    QSlider* smoothing_;
    QCheckBox* logY_;
    bool pending_ = false;
    QString drawn_[4];  // what each plot shows now (runs, rows, settings), to skip unchanged ones
};

}  // namespace srlab
