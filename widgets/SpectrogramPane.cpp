// SPDX-License-Identifier: GPL-3.0-or-later
#include "SpectrogramPane.h"

#include <algorithm>
#include <cmath>

#include "ColorMaps.h"
#include "dsp/Mel.h"

namespace srlab {
namespace {
constexpr double kLogMinHz = 30.0;
}

// The pane's spectrogram as a plottable: one image, its cells centred on their seconds and
// rows, drawn with nearest-neighbour scaling (as QCPColorMap without interpolation).
class PaneImage : public QCPAbstractPlottable {
public:
    PaneImage(QCPAxis* key, QCPAxis* value) : QCPAbstractPlottable(key, value) {}
    void set(const QImage& image, const PaneCells& c) {
        image_ = image;
        cols_ = c.cols;
        first_ = c.firstSeconds;
        step_ = c.secondsPerCol > 0 ? c.secondsPerCol : 1;
    }
    void clear() { image_ = {}; }
    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }
    QCPRange getKeyRange(bool& found, QCP::SignDomain) const override {
        found = !image_.isNull();
        return QCPRange(first_ - step_ / 2, first_ + (cols_ - 0.5) * step_);
    }
    QCPRange getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const override {
        found = !image_.isNull();
        return QCPRange(-0.5, kPaneRows - 0.5);
    }

protected:
    void draw(QCPPainter* painter) override {
        if (image_.isNull() || !keyAxis()) return;
        // Only the columns in view: a whole 3-hour overview zoomed to milliseconds would be a
        // target rectangle past what the raster engine's integer coordinates hold.
        const QCPRange view = keyAxis()->range();
        const double left = first_ - step_ / 2;  // the first column's left edge
        const int c0 = int(std::clamp(std::floor((view.lower - left) / step_), 0.0, double(cols_)));
        const int c1 = int(std::clamp(std::ceil((view.upper - left) / step_), 0.0, double(cols_)));
        if (c1 <= c0) return;
        const QRectF target = QRectF(coordsToPixels(left + c0 * step_, kPaneRows - 0.5),
                                     coordsToPixels(left + c1 * step_, -0.5)).normalized();
        painter->setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter->drawImage(target, image_, QRectF(c0, 0, c1 - c0, image_.height()));
    }
    void drawLegendIcon(QCPPainter*, const QRectF&) const override {}

private:
    QImage image_;
    int cols_ = 0;
    double first_ = 0, step_ = 1;
};

SpectrogramPane::SpectrogramPane(QWidget* parent) : QCustomPlot(parent) {
    // Compact, so six panes and the metrics fit a 768-pixel-high laptop screen: the title sits
    // inside the plot, and only the bottom pane of a group labels the time axis.
    setMinimumHeight(44);  // seven panes (two checkpoints compared) still fit a laptop screen
    axisRect()->setAutoMargins(QCP::msLeft | QCP::msBottom);
    axisRect()->setMargins(QMargins(0, 2, 0, 0));
    image_ = new PaneImage(xAxis, yAxis);
    title_ = new QCPItemText(this);
    title_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    title_->position->setType(QCPItemPosition::ptAxisRectRatio);
    title_->position->setCoords(0.005, 0.02);
    title_->setFont(QFont(font().family(), 9, QFont::Bold));
    title_->setColor(Qt::white);
    title_->setBrush(QColor(0, 0, 0, 150));
    title_->setPadding(QMargins(4, 1, 4, 1));
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
    PaneCells c;
    c.cols = int(sp.frames);
    c.firstSeconds = sp.startSeconds;
    c.secondsPerCol = sp.secondsPerFrame;
    c.scale = scale;
    auto db = std::make_shared<std::vector<float>>(size_t(kPaneRows) * sp.frames);
    for (int r = 0; r < kPaneRows && sp.bins; ++r) {
        const double b = std::min(rowToHz(r, scale, maxHz) / sp.hzPerBin, double(sp.bins - 1));
        const size_t k = size_t(b);
        const float w = float(b - double(k));
        const size_t k1 = std::min(k + 1, sp.bins - 1);
        float* row = db->data() + size_t(r) * sp.frames;
        for (size_t f = 0; f < sp.frames; ++f) {
            const float* col = sp.db.data() + f * sp.bins;
            row[f] = col[k] * (1 - w) + col[k1] * w;
        }
    }
    c.db = std::move(db);
    return c;
}

PaneLook paneLook(const SpectrogramStyle& st, bool diff) {
    return diff ? PaneLook{divergingMap(), QCPRange(-st.rangeDb / 4, st.rangeDb / 4)}
                : PaneLook{colorMap(st.colorMap), QCPRange(st.floorDb, st.floorDb + st.rangeDb)};
}

QImage paintCells(const PaneCells& c, const PaneLook& look) {
    if (!c.db || c.cols < 1) return {};
    QImage img(c.cols, kPaneRows, QImage::Format_ARGB32_Premultiplied);
    QCPColorGradient g = look.gradient;  // colorize() fills the gradient's own colour table: a copy per caller
    std::vector<double> row(size_t(c.cols));
    for (int r = 0; r < kPaneRows; ++r) {
        const float* src = c.db->data() + size_t(r) * size_t(c.cols);
        std::copy(src, src + c.cols, row.begin());
        g.colorize(row.data(), look.range, reinterpret_cast<QRgb*>(img.scanLine(kPaneRows - 1 - r)), c.cols);
    }
    return img;
}

PanePicture paintPane(const DisplaySpectrogram& s, const SpectrogramStyle& st, bool diff, double maxHz) {
    PanePicture p;
    p.cells = makePaneCells(s, st.scale, maxHz);
    p.look = paneLook(st, diff);
    p.image = paintCells(p.cells, p.look);
    return p;
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

const DisplaySpectrogram& SpectrogramPane::shown() const {
    static const DisplaySpectrogram none;
    const Layer& l = showingDetail_ ? detail_ : overview_;
    return l.spec ? *l.spec : none;
}

void SpectrogramPane::setSpectrogram(const QString& title, SpectrogramPtr s, double maxHz, double bandLimitHz, bool diff,
                                     PanePicture pic) {
    overview_ = {std::move(s), std::move(pic)};
    detail_ = {};
    showingDetail_ = false;
    maxHz_ = maxHz;
    bandLimit_ = bandLimitHz;
    diff_ = diff;
    title_->setText(title);
    rebuild();
    const DisplaySpectrogram& sp = shown();
    xAxis->setRange(sp.startSeconds, sp.endSeconds());
}

void SpectrogramPane::setDetail(SpectrogramPtr d, PanePicture pic) {
    detail_ = {std::move(d), std::move(pic)};
    showingDetail_ = detail_.spec && detail_.spec->frames > 0;  // asked for the view as it was: never coarser than the overview
    present();
    Q_EMIT detailShown();
}

void SpectrogramPane::rangeChanged(const QCPRange& r) {
    if (!overview_.spec || !overview_.spec->frames) return;
    // Detail that covers the view is drawn (it is never coarser than the overview); otherwise
    // the overview stands in. Either may have too few frames for the pixels: then new detail
    // is asked for once the view settles.
    const DisplaySpectrogram* d = detail_.spec.get();
    const bool covers = d && d->frames && d->startSeconds <= r.lower + 1e-9 && d->endSeconds() >= r.upper - 1e-9;
    if (showingDetail_ != covers) {
        showingDetail_ = covers;
        present();
    }
    if (needsDetail()) detailTimer_.start();
}

bool SpectrogramPane::needsDetail() const {
    const double px = std::max(1, axisRect()->width());
    return zoomable_ && overview_.spec && overview_.spec->frames &&
           xAxis->range().size() / shown().secondsPerFrame < px / 2;
}

void SpectrogramPane::requestDetail() {
    if (!needsDetail()) return;
    // Half a view either side, so a scroll stays inside the detail for a while.
    const QCPRange r = xAxis->range();
    const double t0 = std::max(overview_.spec->startSeconds, r.lower - r.size() / 2);
    const double t1 = std::min(overview_.spec->endSeconds(), r.upper + r.size() / 2);
    if (t1 > t0) Q_EMIT detailWanted(t0, t1, std::max(1, axisRect()->width()) * 2);
}

void SpectrogramPane::applyStyle(const SpectrogramStyle& st) {
    const bool scaleChanged = st.scale != style_.scale;
    style_ = st;
    if (scaleChanged) rebuild();  // the frequency ticks and band line move too
    else present();
}

// Pictures made for another scale or look are remade here, on the GUI thread: that happens
// only when the user restyles, and then for the shown layer alone.
void SpectrogramPane::present() {
    Layer& l = showingDetail_ ? detail_ : overview_;
    if (!l.spec || !l.spec->frames || maxHz_ <= 0) {
        image_->clear();
    } else {
        PanePicture& p = l.pic;
        if (!p.cells.db || p.cells.scale != style_.scale || p.cells.cols != int(l.spec->frames)) {
            p.cells = makePaneCells(*l.spec, style_.scale, maxHz_);
            p.image = {};
        }
        const PaneLook look = paneLook(style_, diff_);
        if (p.image.isNull() || !(p.look == look)) {
            p.look = look;
            p.image = paintCells(p.cells, look);
        }
        image_->set(p.image, p.cells);
    }
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
    present();
    if (!shown().frames || maxHz_ <= 0) {
        nyquist_->setVisible(false);
        return;
    }
    updateFrequencyTicks();
    yAxis->setRange(0, kPaneRows - 1);
    const bool showNyq = bandLimit_ > 0 && bandLimit_ < maxHz_;
    nyquist_->setVisible(showNyq);
    if (showNyq) {
        nyquist_->point1->setCoords(0, hzToRow(bandLimit_));
        nyquist_->point2->setCoords(1, hzToRow(bandLimit_));
    }
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
