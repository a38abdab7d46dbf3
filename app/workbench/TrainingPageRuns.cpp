// SPDX-License-Identifier: GPL-3.0-or-later
// What the Training page shows of the runs picked in its table: their curves and colours, their
// checkpoints, and the listening strip's file. GUI thread (the validation file is found on a job).
#include "TrainingPage.h"

#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QListWidget>
#include <QMessageBox>
#include <QPixmap>
#include <QTabWidget>

#include "ListeningStrip.h"
#include "RunTable.h"
#include "TrainingCurves.h"
#include "dataset/PairBuilder.h"
#include "dataset/PatchDataset.h"
#include "runs/RunModel.h"
#include "runs/RunWriter.h"

namespace srlab {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

void TrainingPage::selectRun(const QString& runDir, bool addToSelection) {
    const QString dir = QDir::cleanPath(runDir);
    if (!addToSelection) pendingSelect_.clear();
    if (runs_->cell(dir, "run").isEmpty()) {  // not listed yet: follow it, select it on arrival
        follower_->ensure(dir.toStdString());
        pendingSelect_.append({dir, addToSelection});
        return;
    }
    runs_->select(dir, addToSelection);
}

void TrainingPage::showCurves(const QString& dir) {
    const auto m = follower_->model(dir.toStdString());
    if (!m) return;
    const QString name = QDir(dir).dirName();
    curves_->setRun(name, m->curves());
    curves_->setReferences(name, m->baselines());
    if (const auto c = m->config()) curves_->setLossType(name, q(c->loss));
}

void TrainingPage::showSelection() {
    const QStringList dirs = shownRuns();
    std::vector<std::string> follow;
    QStringList names;
    for (const QString& dir : dirs) {
        follow.push_back(dir.toStdString());
        names << QDir(dir).dirName();
        showCurves(dir);
    }
    follower_->setCurves(follow);  // the shown runs' histories are read from here on
    curves_->removeRunsExcept(names);
    showRunColours();
    showCheckpoints();
    const QString heard = !selectedRun().isEmpty() ? selectedRun() : training() ? active_ : QString();
    if (heard != heardRun_) {
        heardRun_ = heard;
        strip_->setRun(heard, runs_->folders());
        views_->setTabText(1, heard.isEmpty() ? QString("Listen") : QString("Listen: %1").arg(QDir(heard).dirName()));
    }
}

void TrainingPage::showView(const QString& name) { views_->setCurrentIndex(name == "listen" ? 1 : 0); }

// Each shown run's colour as a swatch beside its name: it stays visible under the table's
// selection highlight, which a text colour would not.
void TrainingPage::showRunColours() {
    const QStringList shown = curves_->runs();
    QString sig;
    for (const QString& name : shown) sig += name + curves_->colourFor(name).name() + "/";
    sig += QString::number(runs_->folders().size());
    if (sig == shownColours_) return;  // a table's swatches are redrawn only when they change
    shownColours_ = sig;
    for (const QString& folder : runs_->folders()) {
        const QString name = QDir(folder).dirName();
        runs_->setColour(folder, shown.contains(name) ? curves_->colourFor(name) : QColor());
    }
}

void TrainingPage::showCheckpoints() {
    // The checkpoints of every selected run (named by run when there are several): any two or
    // more can be compared side by side. From the runs' models: no file is read here.
    QStringList keep;
    for (auto* item : checkpoints_->selectedItems()) keep << item->data(Qt::UserRole).toString();
    if (keep.isEmpty()) keep << selectedRun() + "/checkpoints/best";
    const QSignalBlocker block(checkpoints_);
    QStringList runs = runs_->selectedFolders();
    if (runs.isEmpty() && !active_.isEmpty() && training()) runs << active_;
    // What the list would show: rebuilt only when that changed (a run's rows move on far more
    // often than its checkpoints).
    std::vector<std::pair<QString, std::vector<CheckpointEntry>>> lists;
    QString sig = runs.join("|") + "#";
    for (const QString& run : runs)
        if (const auto m = follower_->model(run.toStdString())) {
            lists.emplace_back(run, m->checkpoints());
            for (const auto& ck : lists.back().second) sig += q(ck.path) + QString::number(ck.meta.step) + ",";
        }
    if (sig == shownCheckpoints_ && checkpoints_->count() > 0) return;
    shownCheckpoints_ = sig;
    checkpoints_->clear();
    for (const auto& [run, list] : lists) {
        for (const auto& ck : list) {
            // Each checkpoint with the validation it was saved at: which one to hear is a choice.
            QString text = (runs.size() > 1 ? QDir(run).dirName() + ": " : QString()) + QDir(q(ck.path)).dirName();
            if (ck.readable) text += QString("   step %1").arg(ck.meta.step);
            if (ck.readable && std::isfinite(ck.meta.valSnr))
                text += QString(", SNR %1 dB, LSD %2 dB").arg(ck.meta.valSnr, 0, 'f', 2).arg(ck.meta.valLsd, 0, 'f', 3);
            auto* item = new QListWidgetItem(text);
            item->setData(Qt::UserRole, q(ck.path));
            item->setData(Qt::UserRole + 2, run);
            checkpoints_->addItem(item);
            if (keep.contains(q(ck.path))) item->setSelected(true);
        }
    }
    updateButtons();
}

void TrainingPage::listen() {
    const auto items = checkpoints_->selectedItems();
    if (items.isEmpty()) return;
    QStringList checkpoints;
    for (auto* item : items) checkpoints << item->data(Qt::UserRole).toString();
    // The first selected checkpoint's run gives the validation file all are heard on; finding
    // it opens the dataset, so it is a job.
    const QString run = items.first()->data(Qt::UserRole + 2).toString();
    listenJob_.start<QString>([run](JobContext&) { return validationFile(run); },
                              [this, checkpoints](QString file) {
                                  updateButtons();
                                  if (file.isEmpty()) {
                                      QMessageBox::warning(this, "Listen", "The run's dataset lists no validation file that still exists.");
                                      return;
                                  }
                                  Q_EMIT listenRequested(file, checkpoints);
                              },
                              [this](const JobFailure& f) {
                                  updateButtons();
                                  if (!f.cancelled) QMessageBox::warning(this, "Listen", f.message);
                              });
    updateButtons();
}

QString TrainingPage::validationFile(const QString& runDir) {
    try {
        const TrainConfig c = readRunConfig(runDir.toStdString());
        const std::string manifest = readDatasetManifest(c.dataset);
        for (Split s : {Split::Val, Split::Test})
            for (const auto& f : splitSourceFiles(manifest, s))
                if (QFileInfo::exists(q(f))) return q(f);
    } catch (const std::exception&) {
    }
    return {};
}

}  // namespace srlab
