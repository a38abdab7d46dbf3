// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// One spectrogram on QCustomPlot. Rows are resampled onto the chosen frequency scale (linear,
// log, mel) and drawn as one image of equal cells; ticks are labelled in Hz.
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

// A spectrogram's cells resampled onto kPaneRows rows of a frequency scale, and the picture
// coloured from them. Pure functions make both, so workers make them and the GUI thread only
// swaps them in: a zoomed pane's detail is 0.8 M cells, and resampling, copying and colouring
// them on the GUI thread held it for 10-20 ms per pane.
struct PaneCells {
    int cols = 0;                                  // one per spectrogram frame
    double firstSeconds = 0, secondsPerCol = 0;    // the first column's centre, the spacing
    FreqScale scale = FreqScale::Linear;
    std::shared_ptr<const std::vector<float>> db;  // kPaneRows rows of `cols`, row 0 the lowest frequency
};
PaneCells makePaneCells(const DisplaySpectrogram& s, FreqScale scale, double maxHz);

// How dB become colours.
struct PaneLook {
    QCPColorGradient gradient;
    QCPRange range;
    bool operator==(const PaneLook& o) const { return gradient == o.gradient && range == o.range; }
};
PaneLook paneLook(const SpectrogramStyle& st, bool diff);  // diff: a difference pane's map and +-range/4
QImage paintCells(const PaneCells& cells, const PaneLook& look);  // cols x kPaneRows, highest frequency on top

struct PanePicture {
    PaneCells cells;
    PaneLook look;
    QImage image;
};
PanePicture paintPane(const DisplaySpectrogram& s, const SpectrogramStyle& st, bool diff, double maxHz);

using SpectrogramPtr = std::shared_ptr<const DisplaySpectrogram>;  // shared, never copied

class PaneImage;

class SpectrogramPane : public QCustomPlot {
    Q_OBJECT
public:
    explicit SpectrogramPane(QWidget* parent = nullptr);
    // `diff` marks a difference pane (values are dB differences, diverging map, +-range/4).
    // `pic`, when given, was painted from `s` on a worker (used if the scale and look still match).
    void setSpectrogram(const QString& title, SpectrogramPtr s, double maxHz, double bandLimitHz, bool diff = false,
                        PanePicture pic = {});
    // Whether detail can be asked for (someone answers detailWanted); off by default.
    void setZoomable(bool zoomable) { zoomable_ = zoomable; }
    // The answer to detailWanted: drawn if it still covers the view.
    void setDetail(SpectrogramPtr d, PanePicture pic);
    void applyStyle(const SpectrogramStyle& st);
    void setPlayhead(double seconds);
    void setTimeAxisLabelled(bool labelled);  // tick labels and unit under this pane
    void setBandLimit(double hz);             // the dashed line (0: none)
    void setSelection(double t0, double t1);  // loop region shading; t1 <= t0 hides it
    double valueAt(double seconds, double hz) const;  // dB in what is drawn
    bool showingDetail() const { return showingDetail_; }
    bool isDifference() const { return diff_; }
    const DisplaySpectrogram& shownSpectrogram() const { return shown(); }
    const SpectrogramStyle& style() const { return style_; }
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
    // A spectrogram and its picture; the picture is remade when the scale or look changed.
    struct Layer {
        SpectrogramPtr spec;
        PanePicture pic;
    };
    const DisplaySpectrogram& shown() const;
    void present();  // brings the shown layer's picture up to the style and draws it
    double hzToRow(double hz) const;

    PaneImage* image_;
    QCPItemStraightLine *playhead_, *nyquist_;
    QCPItemRect* selection_;
    QCPItemText* title_;
    Layer overview_, detail_;
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
