// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One spectrogram on QCustomPlot. Rows are resampled onto the chosen frequency scale (linear,
// log, mel) because QCPColorMap draws cells at equal intervals; ticks are labelled in Hz.
// GUI thread only.
#include <qcustomplot.h>

#include "compare/Comparison.h"

namespace srlab {

enum class FreqScale { Linear, Log, Mel };

struct SpectrogramStyle {
    double floorDb = -100, rangeDb = 100;  // absolute: the same dB is the same colour everywhere
    QString colorMap = "magma";
    FreqScale scale = FreqScale::Linear;
};

class SpectrogramPane : public QCustomPlot {
    Q_OBJECT
public:
    explicit SpectrogramPane(QWidget* parent = nullptr);
    // `diff` marks a difference pane (values are dB differences, diverging map, +-range/2).
    void setSpectrogram(const QString& title, const DisplaySpectrogram& s, double maxHz, double bandLimitHz,
                        bool diff = false);
    void applyStyle(const SpectrogramStyle& st);
    void setPlayhead(double seconds);
    void setSelection(double t0, double t1);  // loop region shading; t1 <= t0 hides it
    double valueAt(double seconds, double hz) const;
    double rowToHz(double row) const;

Q_SIGNALS:
    void cursorMoved(double seconds, double hz, double db);
    void regionSelected(double t0, double t1);

protected:
    void mouseMoveEvent(QMouseEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;

private:
    void rebuild();
    double hzToRow(double hz) const;

    QCPColorMap* map_;
    QCPItemStraightLine *playhead_, *nyquist_;
    QCPItemRect* selection_;
    QCPTextElement* title_;
    DisplaySpectrogram spec_;
    double maxHz_ = 0, bandLimit_ = 0;
    bool diff_ = false, dragging_ = false;
    double dragStart_ = 0;
    SpectrogramStyle style_;
    static constexpr int kRows = 256;
};

}  // namespace srlab
