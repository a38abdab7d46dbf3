// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One spectrogram on QCustomPlot. Rows are resampled onto the chosen frequency scale (linear,
// log, mel) because QCPColorMap draws cells at equal intervals; ticks are labelled in Hz.
// It draws an overview of the whole signal at once. Zoomed in further than the overview's
// frames go, it asks for detail (detailWanted: the visible range, half a view either side, at
// one frame per pixel) once the view settles, and draws the overview until setDetail() brings
// it; whoever owns the signal makes it. GUI thread only.
#include <qcustomplot.h>

#include <QTimer>
#include <memory>

#include "dsp/DisplaySpectrogram.h"

namespace srlab {

enum class FreqScale { Linear, Log, Mel };

struct SpectrogramStyle {
    double floorDb = -100, rangeDb = 100;  // absolute: the same dB is the same colour everywhere
    QString colorMap = "magma";
    FreqScale scale = FreqScale::Linear;
};

constexpr int kPaneRows = 256;

// Hz at a (fractional) row of a pane's frequency axis, 0 .. kPaneRows-1.
double rowToHz(double row, FreqScale scale, double maxHz);

// A spectrogram's colour-map cells, resampled onto kPaneRows rows of a frequency scale. Built
// by a pure function, so workers build them and the GUI thread only copies them in.
struct PaneCells {
    std::shared_ptr<const QCPColorMapData> data;
    FreqScale scale = FreqScale::Linear;
};
PaneCells makePaneCells(const DisplaySpectrogram& s, FreqScale scale, double maxHz);

class SpectrogramPane : public QCustomPlot {
    Q_OBJECT
public:
    explicit SpectrogramPane(QWidget* parent = nullptr);
    // `diff` marks a difference pane (values are dB differences, diverging map, +-range/4).
    // `cells`, when given, were built from `s` on a worker (used if the scale still matches).
    void setSpectrogram(const QString& title, const DisplaySpectrogram& s, double maxHz, double bandLimitHz,
                        bool diff = false, PaneCells cells = {});
    // Whether detail can be asked for (someone answers detailWanted); off by default.
    void setZoomable(bool zoomable) { zoomable_ = zoomable; }
    // The answer to detailWanted: drawn if it still covers the view.
    void setDetail(const DisplaySpectrogram& d, PaneCells cells);
    void applyStyle(const SpectrogramStyle& st);
    void setPlayhead(double seconds);
    void setTimeAxisLabelled(bool labelled);  // tick labels and unit under this pane
    void setBandLimit(double hz);             // the dashed line (0: none)
    void setSelection(double t0, double t1);  // loop region shading; t1 <= t0 hides it
    double valueAt(double seconds, double hz) const;  // dB in what is drawn
    bool showingDetail() const { return showingDetail_; }
    bool isDifference() const { return diff_; }
    const DisplaySpectrogram& shownSpectrogram() const { return shown(); }
    double rowToHz(double row) const;

Q_SIGNALS:
    void cursorMoved(double seconds, double hz, double db);
    void regionSelected(double t0, double t1);
    void detailWanted(double t0, double t1, int columns);  // seconds; see the class comment
    void detailShown();  // a zoomed view's detail arrived and is drawn

protected:
    void mouseMoveEvent(QMouseEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;

private:
    void rebuild();
    void updateFrequencyTicks();
    void rangeChanged(const QCPRange& r);
    void requestDetail();
    bool needsDetail() const;
    const DisplaySpectrogram& shown() const { return showingDetail_ ? detail_ : spec_; }
    double hzToRow(double hz) const;

    QCPColorMap* map_;
    QCPItemStraightLine *playhead_, *nyquist_;
    QCPItemRect* selection_;
    QCPItemText* title_;
    DisplaySpectrogram spec_, detail_;
    PaneCells specCells_, detailCells_;
    bool showingDetail_ = false;
    bool zoomable_ = false;
    QTimer detailTimer_;
    double maxHz_ = 0, bandLimit_ = 0;
    bool diff_ = false, dragging_ = false;
    double dragStart_ = 0;
    double playheadAt_ = -2;  // what is drawn (-1: hidden)
    SpectrogramStyle style_;
};

}  // namespace srlab
