// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Browse a dataset's patches: pick split and index, see the label (high-res) and the input as
// waveforms and spectrograms on one dB scale, play them A/B, and open the patch's source file
// in Compare & Listen. A view only: it asks for a patch (patchWanted) and draws the one it is
// given (showPatch); the owner reads it off the GUI thread. GUI thread only.
#include <QWidget>
#include <array>

#include "compare/PatchComparison.h"

class QComboBox;
class QSpinBox;
class QLabel;
class QCustomPlot;

namespace srlab {

class SpectrogramGroup;
class PlayerBar;

class PatchBrowser : public QWidget {
    Q_OBJECT
public:
    explicit PatchBrowser(QWidget* parent = nullptr);
    // A new dataset with these patch counts per split (train, val, test): asks for train 0.
    void setDataset(const std::array<size_t, 3>& counts);
    void clear();  // no dataset
    void showPatch(const PatchComparison& p);
    // Asks for a patch as the user would pick it.
    void requestPatch(Split split, size_t index);
    QString sourceFile() const { return source_; }
    double sourceOffset() const { return offset_; }
    int shownPanes() const;

Q_SIGNALS:
    void patchWanted(Split split, size_t index);
    // `chain`: how the patch's low-res side was made (its degradation's text), or "" for the
    // dataset's fixed filter.
    void openSource(const QString& path, double offsetSeconds, const QString& chain);

private:
    std::array<size_t, 3> counts_{};
    QComboBox* split_;
    QSpinBox* index_;
    QLabel* info_;
    QCustomPlot* wave_;
    SpectrogramGroup* spec_;
    PlayerBar* player_;
    QString source_, chain_;
    double offset_ = 0;
};

}  // namespace srlab
