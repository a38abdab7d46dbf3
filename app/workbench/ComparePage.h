// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Compare & Listen: one file's versions as stacked spectrograms (plus a difference pane),
// their metrics, and the A/B player. Loading runs on a worker thread. GUI thread only.
#include <QWidget>
#include <memory>

#include "Job.h"
#include "SpectrogramGroup.h"
#include "compare/Comparison.h"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace srlab {

class ModelUpsampler;
class SpectrogramGroup;
class MetricsTable;
class AbxPanel;
class PlayerBar;

class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);
    ~ComparePage() override;
    void openFile(const QString& path);
    // Adds a trained model (checkpoint folder) to the model menu and selects it: the next
    // load shows its super-res version, at the model's rate and scale.
    void setModel(const QString& checkpoint);
    bool busy() const { return loading_; }
    SpectrogramGroup* spectrograms() const { return group_; }
    PlayerBar* player() const { return player_; }
    AbxPanel* abx() const { return abx_; }
    const Comparison& comparison() const { return *comparison_; }

Q_SIGNALS:
    void panesShown(const QString& path);  // every version's spectrogram is on screen
    void loaded(const QString& path);      // and the metrics (and model version) are in
    void failed(const QString& message);

private:
    void showVersions(const Comparison& c, const std::vector<PaneData>& panes);
    void showMetrics(const Comparison& c);
    void finish();

    void modelChosen();
    QComboBox *rate_, *filter_, *model_;
    QSpinBox* scale_;
    QDoubleSpinBox* windowMs_;
    QLabel* file_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    SpectrogramGroup* group_;
    MetricsTable* metrics_;
    PlayerBar* player_;
    AbxPanel* abx_;
    std::unique_ptr<Comparison> comparison_;
    QString path_;
    std::shared_ptr<const ModelUpsampler> upsampler_;  // loaded on a worker, reused across files
    bool loading_ = false;
    int generation_ = 0;  // of the load whose stages are shown
    Job job_;
};

}  // namespace srlab
