// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Stacked spectrogram panes that share one absolute dB scale and colour bar, one colour map,
// one frequency scale, one time range (zoom and scroll move all panes) and one cursor
// readout. GUI thread only.
#include <QLabel>
#include <QWidget>
#include <vector>

#include "SpectrogramPane.h"

class QDoubleSpinBox;
class QComboBox;
class QVBoxLayout;

namespace srlab {

struct PaneData {
    QString title;
    SpectrogramPtr spec;
    double maxHz = 0, bandLimitHz = 0;
    bool diff = false;
    PanePicture picture;  // optional, painted with the spectrogram on a worker (paintPane)
    bool zoomable = false;  // whoever owns the signal answers detailWanted for this pane
};

class SpectrogramGroup : public QWidget {
    Q_OBJECT
public:
    explicit SpectrogramGroup(QWidget* parent = nullptr);
    // Replaces every pane; the view shows the whole of the new spectrograms.
    void setPanes(const std::vector<PaneData>& panes);
    // Shows (or replaces) one pane, adding panes up to it; with keepRange the group's current
    // time range stays (a pane that joins or is refined does not reset the user's zoom).
    void setPane(int i, const PaneData& d, bool keepRange = true);
    void setPaneCount(int n);
    int paneCount() const { return int(panes_.size()); }
    SpectrogramPane* pane(int i) const { return panes_.at(size_t(i)); }
    void setPlayhead(double seconds);
    void setSelection(double t0, double t1);
    const SpectrogramStyle& style() const { return style_; }
    void setStyle(const SpectrogramStyle& s);
    // The panes as a figure to export: the title on top, every pane as it is drawn now (the
    // view's time range), the colour scales on the right; none of the controls.
    QImage renderFigure(const QString& title) const;
    // The difference panes' own colour scale (dB of version minus truth) is shown beside the
    // level scale while a difference pane is.
    bool showsDifferenceScale() const { return diffBarShown_; }

Q_SIGNALS:
    void regionSelected(double t0, double t1);
    void detailWanted(int pane, double t0, double t1, int columns);  // see SpectrogramPane

private:
    void syncRange(const QCPRange& r);
    void labelTimeAxis();  // only the bottom pane's
    void restyle();
    void showScales();

    std::vector<SpectrogramPane*> panes_;
    QVBoxLayout* paneLayout_;
    QCustomPlot* colorBarPlot_;
    QCPColorScale* colorBar_;
    QCPColorScale* diffBar_ = nullptr;  // while a difference pane is shown
    bool diffBarShown_ = false;
    QLabel* readout_;
    QDoubleSpinBox *floor_, *range_;
    QComboBox *map_, *scale_;
    SpectrogramStyle style_;
    bool syncing_ = false;
};

}  // namespace srlab
