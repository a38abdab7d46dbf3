// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Browse a dataset's patches: pick split and index, see the label (high-res) and the input as
// waveforms and spectrograms on one dB scale, play them A/B, and open the patch's source file
// in Compare & Listen. Patches are small (one HDF5 read each), so this runs on the GUI thread.
#include <QWidget>
#include <memory>

#include "dataset/PairFile.h"

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
    ~PatchBrowser() override;
    void setDataset(const QString& path);  // throws Error naming the file
    void showPatch(Split split, size_t index);
    QString sourceFile() const { return source_; }
    int shownPanes() const;

Q_SIGNALS:
    void openSource(const QString& path);

private:
    std::unique_ptr<PairFileReader> reader_;
    std::vector<std::string> sources_;
    QComboBox* split_;
    QSpinBox* index_;
    QLabel* info_;
    QCustomPlot* wave_;
    SpectrogramGroup* spec_;
    PlayerBar* player_;
    QString source_;
};

}  // namespace srlab
