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
    DisplaySpectrogram spec;
    double maxHz = 0, bandLimitHz = 0;
    bool diff = false;
    PaneCells cells;  // optional, built with the spectrogram on a worker
    // For zoomed detail (see SpectrogramPane::setSources); empty: the overview only.
    std::vector<Samples> sources;
    int rate = 0;
    double windowMs = 0;
};

class SpectrogramGroup : public QWidget {
    Q_OBJECT
public:
    explicit SpectrogramGroup(QWidget* parent = nullptr);
    void setPanes(const std::vector<PaneData>& panes);
    int paneCount() const { return int(panes_.size()); }
    SpectrogramPane* pane(int i) const { return panes_.at(size_t(i)); }
    void setPlayhead(double seconds);
    void setSelection(double t0, double t1);
    const SpectrogramStyle& style() const { return style_; }
    void setStyle(const SpectrogramStyle& s);

Q_SIGNALS:
    void regionSelected(double t0, double t1);

private:
    void syncRange(const QCPRange& r);
    void restyle();

    std::vector<SpectrogramPane*> panes_;
    QVBoxLayout* paneLayout_;
    QCustomPlot* colorBarPlot_;
    QCPColorScale* colorBar_;
    QLabel* readout_;
    QDoubleSpinBox *floor_, *range_;
    QComboBox *map_, *scale_;
    SpectrogramStyle style_;
    bool syncing_ = false;
};

}  // namespace srlab
