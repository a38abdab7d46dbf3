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
    // Compact, so six panes and the metrics fit a 768-pixel-high laptop screen: the title sits
    // inside the plot, and only the bottom pane of a group labels the time axis.
    setMinimumHeight(44);  // seven panes (two checkpoints compared) still fit a laptop screen
    axisRect()->setAutoMargins(QCP::msLeft | QCP::msBottom);
    axisRect()->setMargins(QMargins(0, 2, 0, 0));
    map_ = new QCPColorMap(xAxis, yAxis);
    title_ = new QCPItemText(this);
    title_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    title_->position->setType(QCPItemPosition::ptAxisRectRatio);
    title_->position->setCoords(0.005, 0.02);
    title_->setFont(QFont(font().family(), 9, QFont::Bold));
    title_->setColor(Qt::white);
    title_->setBrush(QColor(0, 0, 0, 150));
    title_->setPadding(QMargins(4, 1, 4, 1));
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
    detailTimer_.setSingleShot(true);
    detailTimer_.setInterval(40);  // wait for the wheel or drag to settle
    connect(&detailTimer_, &QTimer::timeout, this, &SpectrogramPane::requestDetail);
    connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &SpectrogramPane::rangeChanged);
    // The axis rect's height is known after the layout step of a replot, just before drawing.
    connect(this, &QCustomPlot::afterLayout, this, &SpectrogramPane::updateFrequencyTicks);
}

double rowToHz(double row, FreqScale scale, double maxHz) {
    const double t = row / (kPaneRows - 1);
    switch (scale) {
        case FreqScale::Linear: return t * maxHz;
        case FreqScale::Log: return kLogMinHz * std::pow(maxHz / kLogMinHz, t);
        case FreqScale::Mel: return melToHz(t * hzToMel(maxHz));
    }
    return 0;
}

PaneCells makePaneCells(const DisplaySpectrogram& sp, FreqScale scale, double maxHz) {
    auto data = std::make_shared<QCPColorMapData>(
        int(sp.frames), kPaneRows,
        QCPRange(sp.startSeconds, sp.startSeconds + double(std::max<size_t>(sp.frames, 2) - 1) * sp.secondsPerFrame),
        QCPRange(0, kPaneRows - 1));
    std::vector<double> binOf(kPaneRows);
    for (int r = 0; r < kPaneRows; ++r) binOf[size_t(r)] = std::min(rowToHz(r, scale, maxHz) / sp.hzPerBin, double(sp.bins - 1));
    for (size_t f = 0; f < sp.frames; ++f) {
        const float* col = sp.db.data() + f * sp.bins;
        for (int r = 0; r < kPaneRows; ++r) {
            const double b = binOf[size_t(r)];
            const size_t k = size_t(b);
            const double w = b - double(k);
            data->setCell(int(f), r, k + 1 < sp.bins ? col[k] * (1 - w) + col[k + 1] * w : col[k]);
        }
    }
    return {std::move(data), scale};
}

double SpectrogramPane::rowToHz(double row) const { return srlab::rowToHz(row, style_.scale, maxHz_); }

double SpectrogramPane::hzToRow(double hz) const {
    double t = 0;
    switch (style_.scale) {
        case FreqScale::Linear: t = hz / maxHz_; break;
        case FreqScale::Log: t = std::log(std::max(hz, kLogMinHz) / kLogMinHz) / std::log(maxHz_ / kLogMinHz); break;
        case FreqScale::Mel: t = hzToMel(hz) / hzToMel(maxHz_); break;
    }
    return t * (kPaneRows - 1);
}

void SpectrogramPane::setSpectrogram(const QString& title, const DisplaySpectrogram& s, double maxHz,
                                     double bandLimitHz, bool diff, PaneCells cells) {
    spec_ = s;
    specCells_ = std::move(cells);
    detailCells_ = {};
    detail_ = {};
    showingDetail_ = false;
    maxHz_ = maxHz;
    bandLimit_ = bandLimitHz;
    diff_ = diff;
    title_->setText(title);
    rebuild();
    xAxis->setRange(spec_.startSeconds, spec_.endSeconds());
}

void SpectrogramPane::setDetail(const DisplaySpectrogram& d, PaneCells cells) {
    detail_ = d;
    detailCells_ = std::move(cells);
    showingDetail_ = detail_.frames > 0;  // asked for the view as it was: never coarser than the overview
    rebuild();
    Q_EMIT detailShown();
}

void SpectrogramPane::rangeChanged(const QCPRange& r) {
    if (!spec_.frames) return;
    // Detail that covers the view is drawn (it is never coarser than the overview); otherwise
    // the overview stands in. Either may have too few frames for the pixels: then new detail
    // is asked for once the view settles.
    const bool covers = detail_.frames && detail_.startSeconds <= r.lower + 1e-9 && detail_.endSeconds() >= r.upper - 1e-9;
    if (showingDetail_ != covers) {
        showingDetail_ = covers;
        rebuild();
    }
    if (needsDetail()) detailTimer_.start();
}

bool SpectrogramPane::needsDetail() const {
    const double px = std::max(1, axisRect()->width());
    return zoomable_ && spec_.frames && xAxis->range().size() / shown().secondsPerFrame < px / 2;
}

void SpectrogramPane::requestDetail() {
    if (!needsDetail()) return;
    // Half a view either side, so a scroll stays inside the detail for a while.
    const QCPRange r = xAxis->range();
    const double t0 = std::max(spec_.startSeconds, r.lower - r.size() / 2);
    const double t1 = std::min(spec_.endSeconds(), r.upper + r.size() / 2);
    if (t1 > t0) Q_EMIT detailWanted(t0, t1, std::max(1, axisRect()->width()) * 2);
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
    const DisplaySpectrogram& sp = shown();
    if (!sp.frames || sp.hzPerBin <= 0) return NAN;
    const long f = std::lround((seconds - sp.startSeconds) / sp.secondsPerFrame);
    const long k = std::lround(hz / sp.hzPerBin);
    if (f < 0 || f >= long(sp.frames) || k < 0 || k >= long(sp.bins)) return NAN;
    return sp.db[size_t(f) * sp.bins + size_t(k)];
}

void SpectrogramPane::rebuild() {
    const DisplaySpectrogram& sp = shown();
    if (!sp.frames || maxHz_ <= 0) return;
    PaneCells& cells = showingDetail_ ? detailCells_ : specCells_;
    if (!cells.data || cells.scale != style_.scale) cells = makePaneCells(sp, style_.scale, maxHz_);
    map_->setData(const_cast<QCPColorMapData*>(cells.data.get()), true);  // copy=true leaves it as is
    updateFrequencyTicks();
    yAxis->setRange(0, kPaneRows - 1);
    const bool showNyq = bandLimit_ > 0 && bandLimit_ < maxHz_;
    nyquist_->setVisible(showNyq);
    if (showNyq) {
        nyquist_->point1->setCoords(0, hzToRow(bandLimit_));
        nyquist_->point2->setCoords(1, hzToRow(bandLimit_));
    }
    applyStyle(style_);
}

// Labelled frequencies at least 14 pixels apart, from the top down, so a short pane's labels
// never overlap.
void SpectrogramPane::updateFrequencyTicks() {
    if (maxHz_ <= 0) return;
    const double px = std::max(1, axisRect()->height()) / double(kPaneRows - 1);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double lastRow = 1e9;
    for (double hz : {20000.0, 16000.0, 12000.0, 8000.0, 4000.0, 2000.0, 1000.0, 500.0, 200.0, 100.0, 50.0}) {
        if (hz > maxHz_) continue;
        if (style_.scale == FreqScale::Linear && hz < maxHz_ / 8) continue;
        const double row = hzToRow(hz);
        if ((lastRow - row) * px < 14) continue;
        ticker->addTick(row, hz >= 1000 ? QString("%1k").arg(hz / 1000) : QString::number(hz));
        lastRow = row;
    }
    yAxis->setTicker(ticker);
}

void SpectrogramPane::setBandLimit(double hz) {
    bandLimit_ = hz;
    rebuild();
}

void SpectrogramPane::setTimeAxisLabelled(bool labelled) {
    xAxis->setTickLabels(labelled);
    xAxis->setLabel(labelled ? "s" : "");
}

void SpectrogramPane::setPlayhead(double seconds) {
    if (seconds == playheadAt_) return;
    playheadAt_ = seconds;
    playhead_->setVisible(seconds >= 0);
    playhead_->point1->setCoords(seconds, 0);
    playhead_->point2->setCoords(seconds, 1);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrogramPane::setSelection(double t0, double t1) {
    selection_->setVisible(t1 > t0);
    selection_->topLeft->setCoords(t0, kPaneRows - 1);
    selection_->bottomRight->setCoords(t1, 0);
    replot(QCustomPlot::rpQueuedReplot);
}

void SpectrogramPane::mouseMoveEvent(QMouseEvent* e) {
    const double t = xAxis->pixelToCoord(e->pos().x());
    const double hz = rowToHz(std::clamp(yAxis->pixelToCoord(e->pos().y()), 0.0, double(kPaneRows - 1)));
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
