// SPDX-License-Identifier: GPL-3.0-or-later
#include "DatasetCharts.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <cmath>
#include <qcustomplot.h>

namespace srlab {
namespace {

QCustomPlot* makePlot(const QString& title) {
    auto* p = new QCustomPlot;
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, title, QFont("sans", 9, QFont::Bold)));
    p->setMinimumSize(300, 200);
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    return p;
}

const QColor kInput(31, 119, 180), kLabel(214, 39, 40);

}  // namespace

DatasetCharts::DatasetCharts(QWidget* parent) : QWidget(parent) {
    split_ = new QComboBox;
    split_->addItems({"train", "val", "test"});
    spectrum_ = makePlot("mean spectrum (dB): input vs label");
    histogram_ = makePlot("label amplitude histogram");
    bands_ = makePlot("patch power per band (dB): input | label");
    auto* grid = new QGridLayout(this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel("split"));
    bar->addWidget(split_);
    bar->addStretch(1);
    grid->addLayout(bar, 0, 0, 1, 2);
    grid->addWidget(spectrum_, 1, 0);
    grid->addWidget(histogram_, 1, 1);
    grid->addWidget(bands_, 2, 0, 1, 2);
    connect(split_, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
}

void DatasetCharts::setStats(const DatasetStats& stats, int rate, int scale) {
    stats_ = stats;
    rate_ = rate;
    scale_ = scale;
    redraw();
}

int DatasetCharts::itemCount() const { return spectrum_->itemCount(); }

int DatasetCharts::graphCount() const {
    return spectrum_->graphCount() + histogram_->plottableCount() + bands_->plottableCount();
}

void DatasetCharts::redraw() {
    const SplitStats& s = stats_.splits[size_t(split_->currentIndex())];
    spectrum_->clearGraphs();
    spectrum_->clearItems();  // the previous dataset's (or split's) Nyquist line
    histogram_->clearPlottables();
    bands_->clearPlottables();
    if (stats_.specBins > 1) {
        QVector<double> hz;
        for (int k = 0; k < stats_.specBins; ++k) hz << k * (rate_ / 2.0) / (stats_.specBins - 1);
        auto add = [&](const std::vector<double>& db, const QColor& c, const QString& name) {
            if (db.size() != size_t(hz.size())) return;
            auto* g = spectrum_->addGraph();
            g->setPen(QPen(c, 1.5));
            g->setName(name);
            g->setData(hz, QVector<double>(db.begin(), db.end()), true);
        };
        add(s.meanSpectrumInputDb, kInput, "input");
        add(s.meanSpectrumLabelDb, kLabel, "label");
        spectrum_->legend->setVisible(true);
        spectrum_->xAxis->setLabel("Hz");
        spectrum_->rescaleAxes();
        // The low-res Nyquist: everything right of it is what the model has to create.
        auto* line = new QCPItemStraightLine(spectrum_);
        const double nyq = rate_ / (2.0 * scale_);
        line->point1->setCoords(nyq, 0);
        line->point2->setCoords(nyq, 1);
        line->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    }
    if (!s.histogram.empty()) {
        auto* bars = new QCPBars(histogram_->xAxis, histogram_->yAxis);
        QVector<double> x, y;
        const double w = 2.0 / double(s.histogram.size());
        for (size_t i = 0; i < s.histogram.size(); ++i) x << -1 + (double(i) + 0.5) * w, y << s.histogram[i];
        bars->setData(x, y);
        bars->setWidth(w);
        bars->setPen(Qt::NoPen);
        bars->setBrush(kLabel);
        histogram_->yAxis->setScaleType(QCPAxis::stLogarithmic);
        histogram_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        histogram_->yAxis->setNumberFormat("eb");
        histogram_->yAxis->setNumberPrecision(0);
        histogram_->xAxis->setLabel("amplitude");
        histogram_->rescaleAxes();
    }
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    for (size_t b = 0; b < s.bands.size(); ++b) {
        const auto& band = s.bands[b];
        for (int which = 0; which < 2; ++which) {
            const FiveNumber& f = which == 0 ? band.inputDb : band.labelDb;
            auto* box = new QCPStatisticalBox(bands_->xAxis, bands_->yAxis);
            box->addData(double(b) * 3 + which, f.min, f.q1, f.median, f.q3, f.max);
            box->setBrush(QColor(which == 0 ? kInput : kLabel).lighter(150));
            box->setWidth(0.8);
        }
        ticks->addTick(double(b) * 3 + 0.5, QString("%1-%2").arg(band.loHz, 0, 'f', 0).arg(band.hiHz, 0, 'f', 0));
    }
    bands_->xAxis->setTicker(ticks);
    bands_->xAxis->setTickLabelRotation(30);
    bands_->xAxis->setLabel("band (Hz)");
    bands_->rescaleAxes();
    bands_->xAxis->setRange(-1, double(s.bands.size()) * 3);
    for (auto* p : {spectrum_, histogram_, bands_}) p->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace srlab
