// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Charts of a dataset's statistics (core's DatasetStats): mean spectrum of input against label
// (where the low band ends and what the model must add), the label's amplitude histogram, and
// box plots of per-band patch power for input and label. One split at a time.
#include <QWidget>

#include "dataset/DatasetStats.h"

class QCustomPlot;
class QComboBox;

namespace srlab {

class DatasetCharts : public QWidget {
    Q_OBJECT
public:
    explicit DatasetCharts(QWidget* parent = nullptr);
    void setStats(const DatasetStats& stats, int rate, int scale);
    int graphCount() const;  // drawn series, for tests
    int itemCount() const;   // lines drawn over the spectrum (the low-res Nyquist)

private:
    void redraw();
    DatasetStats stats_;
    int rate_ = 0, scale_ = 1;
    QComboBox* split_;
    QCustomPlot *spectrum_, *histogram_, *bands_;
};

}  // namespace srlab
