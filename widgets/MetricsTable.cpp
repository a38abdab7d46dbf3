// SPDX-License-Identifier: GPL-3.0-or-later
#include "MetricsTable.h"

#include <QHeaderView>
#include <cmath>

namespace srlab {
namespace {
// Three decimals, or three significant digits for values too small for that (mse is often
// 1e-5): a value never reads as 0.000 unless it is zero. NaN is a metric not computed here
// (ViSQOL of a long recording, metrics/VisqolSums.h): a dash.
QString formatMetric(double v) {
    if (std::isnan(v)) return "-";
    if (v != 0 && std::abs(v) < 0.01) return QString::number(v, 'e', 2);
    return QString::number(v, 'f', 3);
}
}  // namespace

MetricsTable::MetricsTable(QWidget* parent) : QTableWidget(parent) {
    const auto& cat = metricCatalogue();
    setColumnCount(int(cat.size()));
    for (int i = 0; i < int(cat.size()); ++i) {
        auto* h = new QTableWidgetItem(cat[size_t(i)].key);
        h->setToolTip(cat[size_t(i)].definition);
        setHorizontalHeaderItem(i, h);
    }
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    setSelectionMode(QAbstractItemView::NoSelection);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);  // compact rows
}

QSize MetricsTable::sizeHint() const { return {QTableWidget::sizeHint().width(), rowsHeight_}; }

void MetricsTable::setComparison(const Comparison& c) {
    setRowCount(int(c.versions.size()));
    const auto& cat = metricCatalogue();
    for (int r = 0; r < int(c.versions.size()); ++r) {
        const Version& v = c.versions[size_t(r)];
        setVerticalHeaderItem(r, new QTableWidgetItem(QString("%1  %2").arg(r + 1).arg(QString::fromStdString(v.name))));
        for (int k = 0; k < int(cat.size()); ++k) {
            const QString text = v.hasMetrics ? formatMetric(v.metrics.*cat[size_t(k)].field)
                                              : !c.hasTruth ? "-" : r == 0 ? "reference" : QString::fromUtf8("…");
            auto* item = new QTableWidgetItem(text);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            setItem(r, k, item);
        }
    }
    // Every version's row is visible without scrolling where there is room: the table asks for
    // their height. Its minimum is five rows, so many versions (checkpoints side by side) still
    // fit a laptop screen, scrolling there.
    int h = horizontalHeader()->height() + 2 * frameWidth();
    int five = h;
    for (int r = 0; r < rowCount(); ++r) {
        h += rowHeight(r);
        if (r < 5) five += rowHeight(r);
    }
    setMinimumHeight(std::min({h, five, 400}));
    rowsHeight_ = h;
    updateGeometry();
}

}  // namespace srlab
