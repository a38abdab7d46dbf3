// SPDX-License-Identifier: GPL-3.0-or-later
#include "MetricsTable.h"

#include <QHeaderView>

namespace srlab {

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
}

void MetricsTable::setComparison(const Comparison& c) {
    setRowCount(int(c.versions.size()));
    const auto& cat = metricCatalogue();
    for (int r = 0; r < int(c.versions.size()); ++r) {
        const Version& v = c.versions[size_t(r)];
        setVerticalHeaderItem(r, new QTableWidgetItem(QString("%1  %2").arg(r + 1).arg(QString::fromStdString(v.name))));
        for (int k = 0; k < int(cat.size()); ++k) {
            const QString text = v.hasMetrics ? QString::number(v.metrics.*cat[size_t(k)].field, 'f', 3)
                                              : !c.hasTruth ? "-" : r == 0 ? "reference" : QString::fromUtf8("…");
            auto* item = new QTableWidgetItem(text);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            setItem(r, k, item);
        }
    }
}

}  // namespace srlab
