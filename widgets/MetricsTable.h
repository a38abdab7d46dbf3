// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Metrics per version, one row each, with every column's definition as its tooltip and under
// the table (numbers from different definitions never sit unlabelled side by side).
#include <QTableWidget>

#include "compare/Comparison.h"

namespace srlab {

class MetricsTable : public QTableWidget {
    Q_OBJECT
public:
    explicit MetricsTable(QWidget* parent = nullptr);
    void setComparison(const Comparison& c);
    QSize sizeHint() const override;  // tall enough for every row, no more

private:
    int rowsHeight_ = 60;
};

}  // namespace srlab
