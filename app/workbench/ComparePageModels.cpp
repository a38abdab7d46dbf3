// SPDX-License-Identifier: GPL-3.0-or-later
// Compare's model menu (shipped models, checkpoints, TorchScript files) and the versions added
// from other systems' output files. GUI thread.
#include "ComparePage.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QSpinBox>

#include <algorithm>

#include "ModelCache.h"
#include "runs/ModelConfig.h"

namespace srlab {
namespace {
const QString kPickCheckpoint = "?";     // the model menu's "checkpoint..." entry
const QString kPickTorchScript = "?ts";  // its "TorchScript model..." entry (docs/reference.md §4.2)

// A model given as a file rather than a checkpoint folder: a TorchScript module (often named
// model.pt too), whose rate and scale only libtorch can read, so the model is loaded on a job
// (which also takes a file inside a checkpoint folder).
bool isModelFile(const QString& path) { return QFileInfo(path).isFile(); }
}  // namespace

void ComparePage::addModelPickers() {
    model_->addItem("checkpoint...", QStringList{kPickCheckpoint});
    model_->addItem("TorchScript model...", QStringList{kPickTorchScript});
}

void ComparePage::compareCheckpoints(const QStringList& checkpoints) {
    QStringList list = checkpoints;
    list.removeDuplicates();
    if (list.isEmpty()) return;
    model_->setCurrentIndex(modelEntry(list));
    modelChosen();
}

void ComparePage::setModel(const QString& checkpoint) { compareCheckpoints({checkpoint}); }

QStringList ComparePage::checkpointsCompared() const { return model_->currentData().toStringList(); }

// The menu entry for these checkpoints, added (above "checkpoint...") when missing. Several are
// named by run and checkpoint, as their versions are.
int ComparePage::modelEntry(const QStringList& checkpoints) {
    const int found = model_->findData(checkpoints);
    if (found >= 0) return found;
    QStringList names;
    for (const QString& dir : checkpoints) names << QString("%1/%2").arg(dir.section('/', -3, -3), dir.section('/', -1));
    const QString label = checkpoints.size() == 1 ? QString("model: %1").arg(checkpoints[0].section('/', -4))
                                                  : QString("%1 checkpoints: %2").arg(checkpoints.size()).arg(names.join(", "));
    const int at = model_->count() - 2;  // above the two pickers
    model_->insertItem(at, label, checkpoints);
    model_->setItemData(at, checkpoints.size() == 1 ? checkpoints[0] : names.join("\n"), Qt::ToolTipRole);
    return at;
}

void ComparePage::modelChosen() {
    modelProbe_.abandon();  // a TorchScript model still loading for an earlier pick is not waited for
    const QStringList dirs = model_->currentData().toStringList();
    modelRate_ = modelScale_ = 0;  // until a model's settings are read below
    if (dirs == QStringList{kPickCheckpoint}) {
        const QString dir = QFileDialog::getExistingDirectory(this, "Checkpoint folder (holds model.pt and model.json)");
        if (dir.isEmpty()) {
            model_->setCurrentIndex(0);
            return;
        }
        setModel(dir);
        return;
    }
    if (dirs == QStringList{kPickTorchScript}) {
        const QString file = QFileDialog::getOpenFileName(this, "TorchScript model (saved with torch.jit.save)", QString(),
                                                          "TorchScript (*.pt *.pth *.ts *.jit);;All files (*)");
        if (file.isEmpty()) {
            model_->setCurrentIndex(0);
            return;
        }
        setModel(file);
        return;
    }
    model_->setToolTip(model_->currentData(Qt::ToolTipRole).toString());
    const auto refuse = [this](const QString& why) {
        file_->setText(QString("error: %1").arg(why));
        model_->setCurrentIndex(0);
        Q_EMIT failed(why);
    };
    if (!dirs.isEmpty() && dirs.size() == 1 && isModelFile(dirs.first())) {
        // Loaded on a job into the model cache (the comparison then reuses it); the file opens
        // when its rate and scale are known, unless another model was picked meanwhile.
        file_->setText("loading the TorchScript model...");
        modelProbe_.start<ModelConfig>(
            [path = dirs.first().toStdString(), cache = models_](JobContext&) { return cache->get(path)->config(); },
            [this, dirs](ModelConfig cfg) {
                if (checkpointsCompared() != dirs) return;
                useModelConfig(cfg);
                if (!path_.isEmpty()) openFile(path_);
                else file_->clear();
            },
            [this, dirs, refuse](const JobFailure& f) {
                if (!f.cancelled && checkpointsCompared() == dirs) refuse(f.message);
            });
        return;
    }
    if (!dirs.isEmpty()) {
        try {
            useModelConfig(readCheckpointConfig(dirs.first().toStdString()));
        } catch (const std::exception& e) {
            refuse(QString::fromStdString(e.what()));
            return;
        }
    }
    if (!path_.isEmpty()) openFile(path_);
}

// The model fixes the scale. The truth's rate stays the file's: a model for another rate is
// refused with the reason shown, never allowed to change the truth. A target rate left from
// another comparison (a dataset's, say) that is not this model's goes back to the file's, or
// it would hide the model.
void ComparePage::useModelConfig(const ModelConfig& cfg) {
    const QSignalBlocker b1(rate_), b2(scale_);
    scale_->setValue(cfg.scale);
    modelRate_ = cfg.rate;
    modelScale_ = cfg.scale;
    if (rate_->currentData().toInt() != 0 && rate_->currentData().toInt() != cfg.rate) rate_->setCurrentIndex(0);
}

void ComparePage::chooseOutputVersion() {
    if (path_.isEmpty()) {
        QMessageBox::information(this, "Add version from file", "Open the file the output was made from first.");
        return;
    }
    const QString p = QFileDialog::getOpenFileName(this, "Another system's output of " + QFileInfo(path_).fileName(),
                                                   QFileInfo(path_).absolutePath(),
                                                   "Audio (*.wav *.flac *.ogg *.opus *.mp3 *.aiff);;All files (*)");
    if (!p.isEmpty()) addOutputVersion(p);
}

void ComparePage::addOutputVersion(const QString& file, const QString& name) {
    QString n = name.isEmpty() ? QFileInfo(file).completeBaseName() : name;
    for (int k = 2; std::any_of(outputs_.begin(), outputs_.end(), [&](const auto& o) { return o.first == n; }); ++k)
        n = (name.isEmpty() ? QFileInfo(file).completeBaseName() : name) + QString(" (%1)").arg(k);
    outputs_.emplace_back(n, file);
    if (!path_.isEmpty()) openFile(path_);
}

}  // namespace srlab
