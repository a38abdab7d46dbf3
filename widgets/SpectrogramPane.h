// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One spectrogram on QCustomPlot. Rows are resampled onto the chosen frequency scale (linear,
// log, mel) because QCPColorMap draws cells at equal intervals; ticks are labelled in Hz.
// It draws an overview of the whole signal at once; given the signal itself (setSources), a
// zoomed view is recomputed off the GUI thread at one frame per pixel for the visible range,
// while the overview stands in. GUI thread only.
#include <qcustomplot.h>

#include <QTimer>
#include <atomic>
#include <memory>

#include "compare/Comparison.h"

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
    // `diff` marks a difference pane (values are dB differences, diverging map, +-range/2).
    // `cells`, when given, were built from `s` on a worker (used if the scale still matches).
    void setSpectrogram(const QString& title, const DisplaySpectrogram& s, double maxHz, double bandLimitHz,
                        bool diff = false, PaneCells cells = {});
    // The signal(s) behind the pane, for zoomed detail: one, or two for a difference pane
    // (first minus second, in dB).
    void setSources(std::vector<Samples> sources, int rate, double windowMs);
    void applyStyle(const SpectrogramStyle& st);
    void setPlayhead(double seconds);
    void setSelection(double t0, double t1);  // loop region shading; t1 <= t0 hides it
    double valueAt(double seconds, double hz) const;  // dB in what is drawn
    bool showingDetail() const { return showingDetail_; }
    const DisplaySpectrogram& shownSpectrogram() const { return shown(); }
    double rowToHz(double row) const;

Q_SIGNALS:
    void cursorMoved(double seconds, double hz, double db);
    void regionSelected(double t0, double t1);
    void detailShown();  // a zoomed view's detail arrived and is drawn

protected:
    void mouseMoveEvent(QMouseEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;

private:
    void rebuild();
    void rangeChanged(const QCPRange& r);
    void requestDetail();
    bool needsDetail() const;
    const DisplaySpectrogram& shown() const { return showingDetail_ ? detail_ : spec_; }
    double hzToRow(double hz) const;

    QCPColorMap* map_;
    QCPItemStraightLine *playhead_, *nyquist_;
    QCPItemRect* selection_;
    QCPTextElement* title_;
    DisplaySpectrogram spec_, detail_;
    PaneCells specCells_, detailCells_;
    bool showingDetail_ = false;
    std::vector<Samples> sources_;
    int rate_ = 0;
    double windowMs_ = 0;
    QTimer detailTimer_;
    std::shared_ptr<std::atomic<int>> detailGeneration_ = std::make_shared<std::atomic<int>>(0);
    double maxHz_ = 0, bandLimit_ = 0;
    bool diff_ = false, dragging_ = false;
    double dragStart_ = 0;
    SpectrogramStyle style_;
};

}  // namespace srlab
