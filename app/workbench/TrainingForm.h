// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Training page's form: the dataset and every setting of a new run (model and preset,
// loss, learning rate and schedule, batch, epochs, device, precision, ranks, seed, run name),
// laid out to fit a 768-pixel-high screen. It only holds values: config() turns them into a
// TrainConfig, which TrainConfig::validate() and createRun() judge.
//
// Threads: GUI thread only.
#include <QWidget>

#include "runs/TrainConfig.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace srlab {

class TrainingForm : public QWidget {
    Q_OBJECT
public:
    explicit TrainingForm(QWidget* parent = nullptr);
    TrainConfig config() const;  // everything but the run's folder
    QString runName() const;     // trimmed; "" for the default name
    int ranks() const;
    QString dataset() const;
    void setDataset(const QString& path);
    void setModel(const QString& arch, const QString& preset);
    void setEpochs(int epochs, int stepsPerEpoch);
    void setRanks(int ranks);
    void setWorkspace(const QString& dir);  // where the dataset dialog opens

private:
    QLineEdit *dataset_, *runName_, *init_;
    QComboBox *arch_, *preset_, *loss_, *device_, *precision_, *schedule_;
    QDoubleSpinBox *lr_, *stftWeight_;
    QSpinBox *batch_, *epochs_, *steps_, *ranks_, *warmup_, *seed_;
    QString workspace_;
};

}  // namespace srlab
