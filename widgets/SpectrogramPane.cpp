// SPDX-License-Identifier: GPL-3.0-or-later
#include "SpectrogramPane.h"

#include <cmath>

#include "ColorMaps.h"
#include "dsp/Mel.h"

namespace srlab {
namespace {
constexpr double kLogMinHz = 30.0;
}

SpectrogramPane::SpectrogramPane(QWidget* parent) : QCustomPlot(parent) {
    setMinimumHeight(120);
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, "", QFont(font().family(), 9, QFont::Bold));
    plotLayout()->addElement(0, 0, title_);
    map_ = new QCPColorMap(xAxis, yAxis);
    map_->setInterpolate(false);
    xAxis->setLabel("s");
    yAxis->setLabel("Hz");
    axisRect()->setupFullAxesBox(false);
    playhead_ = new QCPItemStraightLine(this);
    playhead_->setPen(QPen(QColor(0, 220, 255), 1));
    nyquist_ = new QCPItemStraightLine(this);
    nyquist_->setPen(QPen(QColor(255, 255, 255, 160), 1, Qt::DashLine));
    selection_ = new QCPItemRect(this);
    selection_->setPen(QPen(QColor(255, 255, 255, 120)));
    selection_->setBrush(QBrush(QColor(255, 255, 255, 40)));
    selection_->setVisible(false);
    setInteractions(QCP::iRangeZoom | QCP::iRangeDrag);
    axisRect()->setRangeZoom(Qt::Horizontal);
    axisRect()->setRangeDrag(Qt::Horizontal);
    setPlayhead(-1);
}

double SpectrogramPane::rowToHz(double row) const {
    const double t = row / (kRows - 1);
    switch (style_.scale) {
        case FreqScale::Linear: return t * maxHz_;
        case FreqScale::Log: return kLogMinHz * std::pow(maxHz_ / kLogMinHz, t);
        case FreqScale::Mel: return melToHz(t * hzToMel(maxHz_));
    }
    return 0;
}

double SpectrogramPane::hzToRow(double hz) const {
    double t = 0;
    switch (style_.scale) {
        case FreqScale::Linear: t = hz / maxHz_; break;
        case FreqScale::Log: t = std::log(std::max(hz, kLogMinHz) / kLogMinHz) / std::log(maxHz_ / kLogMinHz); break;
        case FreqScale::Mel: t = hzToMel(hz) / hzToMel(maxHz_); break;
    }
    return t * (kRows - 1);
}

void SpectrogramPane::setSpectrogram(const QString& title, const DisplaySpectrogram& s, double maxHz,
                                     double bandLimitHz, bool diff) {
    spec_ = s;
    maxHz_ = maxHz;
    bandLimit_ = bandLimitHz;
    diff_ = diff;
    title_->setText(title);
    rebuild();
}

void SpectrogramPane::applyStyle(const SpectrogramStyle& st) {
    const bool scaleChanged = st.scale != style_.scale;
    style_ = st;
    if (scaleChanged) rebuild();
    map_->setGradient(diff_ ? divergingMap() : colorMap(st.colorMap));
    map_->setDataRange(diff_ ? QCPRange(-st.rangeDb / 4, st.rangeDb / 4) : QCPRange(st.floorDb, st.floorDb + st.rangeDb));
    replot(QCustomPlot::rpQueuedReplot);
}

double SpectrogramPane::valueAt(double seconds, double hz) const {
    if (!spec_.frames || spec_.hzPerBin <= 0) return NAN;
    const long f = std::lround(seconds / spec_.secondsPerFrame);
    const long k = std::lround(hz / spec_.hzPerBin);
    if (f < 0 || f >= long(spec_.frames) || k < 0 || k >= long(spec_.bins)) return NAN;
    return spec_.db[size_t(f) * spec_.bins + size_t(k)];
}

void SpectrogramPane::rebuild() {
    if (!spec_.frames || maxHz_ <= 0) return;
    auto* data = map_->data();
    data->setSize(int(spec_.frames), kRows);
    data->setRange(QCPRange(0, double(spec_.frames - 1) * spec_.secondsPerFrame), QCPRange(0, kRows - 1));
    std::vector<double> binOf(kRows);
    for (int r = 0; r < kRows; ++r) binOf[size_t(r)] = rowToHz(r) / spec_.hzPerBin;
    for (size_t f = 0; f < spec_.frames; ++f) {
        const float* col = spec_.db.data() + f * spec_.bins;
        for (int r = 0; r < kRows; ++r) {
            const double b = std::min(binOf[size_t(r)], double(spec_.bins - 1));
            const size_t k = size_t(b);
            const double w = b - double(k);
            const double v = k + 1 < spec_.bins ? col[k] * (1 - w) + col[k + 1] * w : col[k];
            data->setCell(int(f), r, v);
        }
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (double hz : {50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 12000.0, 16000.0, 20000.0}) {
        if (hz > maxHz_) break;
        if (style_.scale == FreqScale::Linear && hz < maxHz_ / 8) continue;
        ticker->addTick(hzToRow(hz), hz >= 1000 ? QString("%1k").arg(hz / 1000) : QString::number(hz));
    }
    yAxis->setTicker(ticker);
    yAxis->setRange(0, kRows - 1);
    xAxis->setRange(0, double(spec_.frames) * spec_.secondsPerFrame);
    const bool showNyq = bandLimit_ > 0 && bandLimit_ < maxHz_;
    nyquist_->setVisible(showNyq);
    if (showNyq) {
        nyquist_->point1->setCoords(0, hzToRow(bandLimit_));
        nyquist_->point2->setCoords(1, hzToRow(bandLimit_));
    }
    applyStyle(style_);
}

void SpectrogramPane::setPlayhead(double seconds) {
    playhead_->setVisible(seconds >= 0);
    playhead_->point1->setCoords(seconds, 0);
    playhead_->point2->setCoords(seconds, 1);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrogramPane::setSelection(double t0, double t1) {
    selection_->setVisible(t1 > t0);
    selection_->topLeft->setCoords(t0, kRows - 1);
    selection_->bottomRight->setCoords(t1, 0);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrogramPane::mouseMoveEvent(QMouseEvent* e) {
    const double t = xAxis->pixelToCoord(e->pos().x());
    const double hz = rowToHz(std::clamp(yAxis->pixelToCoord(e->pos().y()), 0.0, double(kRows - 1)));
    Q_EMIT cursorMoved(t, hz, valueAt(t, hz));
    if (dragging_) setSelection(std::min(dragStart_, t), std::max(dragStart_, t));
    else QCustomPlot::mouseMoveEvent(e);
}

void SpectrogramPane::mousePressEvent(QMouseEvent* e) {
    if (e->modifiers() & Qt::ShiftModifier) {  // shift-drag selects a loop region
        dragging_ = true;
        dragStart_ = xAxis->pixelToCoord(e->pos().x());
        return;
    }
    QCustomPlot::mousePressEvent(e);
}

void SpectrogramPane::mouseReleaseEvent(QMouseEvent* e) {
    if (dragging_) {
        dragging_ = false;
        const double t = xAxis->pixelToCoord(e->pos().x());
        Q_EMIT regionSelected(std::min(dragStart_, t), std::max(dragStart_, t));
        return;
    }
    QCustomPlot::mouseReleaseEvent(e);
}

}  // namespace srlab
