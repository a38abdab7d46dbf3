// SPDX-License-Identifier: GPL-3.0-or-later
#include "SpectrogramGroup.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QPainter>
#include <QVBoxLayout>

#include "ColorMaps.h"

namespace srlab {

SpectrogramGroup::SpectrogramGroup(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    floor_ = new QDoubleSpinBox;
    floor_->setRange(-200, 0);
    floor_->setValue(style_.floorDb);
    floor_->setSuffix(" dB floor");
    range_ = new QDoubleSpinBox;
    range_->setRange(10, 200);
    range_->setValue(style_.rangeDb);
    range_->setSuffix(" dB range");
    map_ = new QComboBox;
    map_->addItems(colorMapNames());
    scale_ = new QComboBox;
    scale_->addItems({"linear Hz", "log Hz", "mel"});
    readout_ = new QLabel("move over a spectrogram");
    readout_->setMinimumWidth(260);
    for (QWidget* w : std::initializer_list<QWidget*>{floor_, range_, map_, scale_}) controls->addWidget(w);
    controls->addStretch();
    controls->addWidget(readout_);
    outer->addLayout(controls);
    auto* body = new QHBoxLayout;
    paneLayout_ = new QVBoxLayout;
    paneLayout_->setSpacing(2);
    body->addLayout(paneLayout_, 1);
    colorBarPlot_ = new QCustomPlot;
    colorBarPlot_->setFixedWidth(70);
    colorBarPlot_->plotLayout()->clear();
    colorBar_ = new QCPColorScale(colorBarPlot_);
    colorBar_->setLabel("dB");
    colorBarPlot_->plotLayout()->addElement(0, 0, colorBar_);
    body->addWidget(colorBarPlot_);
    outer->addLayout(body, 1);
    auto restyleOn = [this] { restyle(); };
    connect(floor_, &QDoubleSpinBox::valueChanged, this, restyleOn);
    connect(range_, &QDoubleSpinBox::valueChanged, this, restyleOn);
    connect(map_, &QComboBox::currentIndexChanged, this, restyleOn);
    connect(scale_, &QComboBox::currentIndexChanged, this, restyleOn);
    restyle();
}

void SpectrogramGroup::setPanes(const std::vector<PaneData>& panes) {
    setPaneCount(int(panes.size()));
    for (size_t i = 0; i < panes.size(); ++i) setPane(int(i), panes[i], false);
    readout_->setText("move over a spectrogram");  // the old file's values are gone
    restyle();
}

void SpectrogramGroup::setPaneCount(int n) {
    // Panes are reused across loads (creating a plot widget costs more than refilling one).
    while (int(panes_.size()) > n) {
        paneLayout_->removeWidget(panes_.back());  // out of the layout now, as PlayerBar's buttons
        panes_.back()->hide();
        panes_.back()->blockSignals(true);  // its pending detail request names an index now gone
        panes_.back()->deleteLater();
        panes_.pop_back();
    }
    while (int(panes_.size()) < n) {
        auto* p = new SpectrogramPane;
        const int index = int(panes_.size());
        connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &SpectrogramGroup::syncRange);
        connect(p, &SpectrogramPane::cursorMoved, this, [this](double t, double hz, double db) {
            readout_->setText(QString("%1 s   %2 Hz   %3 dB").arg(t, 0, 'f', 3).arg(hz, 0, 'f', 0).arg(db, 0, 'f', 1));
        });
        connect(p, &SpectrogramPane::regionSelected, this, &SpectrogramGroup::regionSelected);
        connect(p, &SpectrogramPane::detailWanted, this,
                [this, index](double t0, double t1, int columns) { Q_EMIT detailWanted(index, t0, t1, columns); });
        p->applyStyle(style_);
        paneLayout_->addWidget(p, 1);
        panes_.push_back(p);
    }
    labelTimeAxis();
    showScales();
}

void SpectrogramGroup::showScales() {
    bool diff = false;
    for (auto* p : panes_) diff |= p->isDifference();
    if (diff == diffBarShown_) return;
    diffBarShown_ = diff;
    // Made while a difference pane is shown and removed (deleted) with it: a colour scale out of
    // the layout would still draw its label.
    if (diff) {
        diffBar_ = new QCPColorScale(colorBarPlot_);
        diffBar_->setLabel("difference dB");
        colorBarPlot_->plotLayout()->addElement(1, 0, diffBar_);
    } else {
        colorBarPlot_->plotLayout()->remove(diffBar_);
        colorBarPlot_->plotLayout()->simplify();
        diffBar_ = nullptr;
    }
    restyle();
}

QImage SpectrogramGroup::renderFigure(const QString& title) const {
    // As laid out (last) on screen, shown now or not; a pane never laid out (Qt's default
    // geometry) gets a printable height.
    const int barW = 90;
    int paneW = 0;
    std::vector<int> heights;
    for (auto* p : panes_) {
        paneW = std::max(paneW, p->width());
        const bool laidOut = p->testAttribute(Qt::WA_Resized) || p->testAttribute(Qt::WA_WState_Visible) ||
                             (p->height() >= p->minimumHeight() && p->height() < 480);
        heights.push_back(laidOut ? p->height() : 180);
    }
    if (paneW < 300) paneW = 1200;
    int panesH = 0;
    for (int h : heights) panesH += h;
    QFont f = font();
    f.setBold(true);
    const QRect titleBox(8, 4, paneW + barW - 16, 1000);
    const int titleH = QFontMetrics(f).boundingRect(titleBox, Qt::TextWordWrap, title).height() + 10;
    QImage img(paneW + barW, titleH + std::max(panesH, 200), QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter g(&img);
    g.setFont(f);
    g.setPen(Qt::black);
    g.drawText(titleBox, Qt::TextWordWrap, title);
    int y = titleH;
    for (size_t i = 0; i < panes_.size(); ++i) {
        g.drawPixmap(0, y, panes_[i]->toPixmap(paneW, heights[i]));
        y += heights[i];
    }
    g.drawPixmap(paneW, titleH, colorBarPlot_->toPixmap(barW, std::max(panesH, 200)));
    return img;
}

void SpectrogramGroup::labelTimeAxis() {
    // The bottom pane also holds the time labels: a larger share, so its plot is as tall.
    for (size_t i = 0; i < panes_.size(); ++i) {
        const bool last = i + 1 == panes_.size();
        panes_[i]->setTimeAxisLabelled(last);
        paneLayout_->setStretch(int(i), last ? 7 : 5);
    }
}

void SpectrogramGroup::setPane(int i, const PaneData& d, bool keepRange) {
    if (i >= paneCount()) setPaneCount(i + 1);
    SpectrogramPane* p = panes_[size_t(i)];
    const QCPRange view = panes_.front()->xAxis->range();
    const bool keep = keepRange && (i > 0 || paneCount() > 1);
    p->applyStyle(style_);
    p->setZoomable(d.zoomable);
    p->setSpectrogram(d.title, d.spec, d.maxHz, d.bandLimitHz, d.diff, d.picture);
    p->setPlayhead(-1);
    p->setSelection(0, 0);
    if (keep) p->xAxis->setRange(view);
    showScales();
}

void SpectrogramGroup::syncRange(const QCPRange& r) {
    if (syncing_) return;
    syncing_ = true;
    for (auto* p : panes_)
        if (p->xAxis->range() != r) {
            p->xAxis->setRange(r);
            p->replot(QCustomPlot::rpQueuedReplot);
        }
    syncing_ = false;
}

void SpectrogramGroup::setStyle(const SpectrogramStyle& s) {
    floor_->setValue(s.floorDb);
    range_->setValue(s.rangeDb);
    map_->setCurrentText(s.colorMap);
    scale_->setCurrentIndex(int(s.scale));
    restyle();
}

void SpectrogramGroup::restyle() {
    style_.floorDb = floor_->value();
    style_.rangeDb = range_->value();
    style_.colorMap = map_->currentText();
    style_.scale = FreqScale(scale_->currentIndex());
    const PaneLook level = paneLook(style_, false);  // the scales show what the panes draw
    colorBar_->setGradient(level.gradient);
    colorBar_->setDataRange(level.range);
    if (diffBar_) {
        const PaneLook diff = paneLook(style_, true);
        diffBar_->setGradient(diff.gradient);
        diffBar_->setDataRange(diff.range);
    }
    colorBarPlot_->replot(QCustomPlot::rpQueuedReplot);
    for (auto* p : panes_) p->applyStyle(style_);
}

void SpectrogramGroup::setPlayhead(double seconds) {
    for (auto* p : panes_) p->setPlayhead(seconds);
}

void SpectrogramGroup::setSelection(double t0, double t1) {
    for (auto* p : panes_) p->setSelection(t0, t1);
}

}  // namespace srlab
