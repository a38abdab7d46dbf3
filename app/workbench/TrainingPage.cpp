// SPDX-License-Identifier: GPL-3.0-or-later
#include "TrainingPage.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QFileInfo>
#include <QDateTime>
#include <QDir>
#include <QIcon>
#include <QPixmap>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "ListeningStrip.h"
#include "TrainingForm.h"
#include "RunTable.h"
#include "TrainingCurves.h"
#include "dataset/PairBuilder.h"
#include "dataset/PatchDataset.h"
#include "runs/ModelConfig.h"
#include "runs/RunModel.h"
#include "runs/RunWriter.h"
#include "util/DeviceInfo.h"

namespace srlab {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

TrainingPage::TrainingPage(QWidget* parent) : QWidget(parent) {
    form_ = new TrainingForm;
    start_ = new QPushButton("Start");
    pause_ = new QPushButton("Pause");
    pause_->setCheckable(true);
    stop_ = new QPushButton("Stop");
    resume_ = new QPushButton("Resume");
    auto* buttons = new QHBoxLayout;
    for (auto* b : {start_, pause_, stop_, resume_}) buttons->addWidget(b);
    progress_ = new QProgressBar;
    progress_->setFormat("%p%");
    status_ = new QLabel("idle");
    status_->setObjectName("status");
    throughput_ = new QLabel;
    throughput_->setObjectName("throughput");
    throughput_->setToolTip("The latest step: training throughput, how long it waited for the data loader, memory in "
                            "use on the device (a GPU's, or this process's on the CPU) and the learning rate "
                            "(also in the run's metrics.csv)");
    status_->setWordWrap(true);

    runs_ = new RunTable;
    auto* watch = new QPushButton("Watch a run folder...");
    watch->setToolTip("Follow a run folder from anywhere, e.g. one a server writes into a mounted folder");
    checkpoints_ = new QListWidget;
    checkpoints_->setObjectName("checkpoints");
    checkpoints_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    checkpoints_->setToolTip("Select one checkpoint to hear it, or several (Ctrl/Shift-click; of one run or of every "
                             "selected run) to compare them side by side");
    listen_ = new QPushButton("Listen");
    listen_->setObjectName("listen");
    listen_->setToolTip("Upsample a validation file with the selected checkpoint(s) and open it in Compare & Listen, "
                        "beside the baselines");

    auto* left = new QVBoxLayout;
    left->addWidget(form_);
    left->addLayout(buttons);
    left->addWidget(progress_);
    left->addWidget(status_);
    left->addWidget(throughput_);
    left->addWidget(watch);
    left->addWidget(new QLabel("checkpoints of the selected runs"));
    left->addWidget(checkpoints_, 1);
    left->addWidget(listen_);
    auto* leftBox = new QWidget;
    leftBox->setLayout(left);
    leftBox->setMaximumWidth(440);
    curves_ = new TrainingCurves;
    strip_ = new ListeningStrip;
    views_ = new QTabWidget;
    views_->addTab(curves_, "Curves");
    views_->addTab(strip_, "Listen");
    views_->setTabToolTip(1, "The selected run's audio snapshots: its validation clips at every validation, against "
                             "the ground truth and the baseline");
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(views_);
    right->addWidget(runs_);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    auto* lay = new QHBoxLayout(this);
    lay->addWidget(leftBox);
    lay->addWidget(right, 1);

    connect(start_, &QPushButton::clicked, this, [this] { start(); });
    connect(watch, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, "Run folder to watch", workspace_);
        if (!d.isEmpty()) watchRun(d);
    });
    controller_ = new TrainingController(this);
    connect(controller_, &TrainingController::stateChanged, this, [this] { updateButtons(); });
    connect(controller_, &TrainingController::created, this, [this](const QString&) { refreshRuns(); });
    connect(controller_, &TrainingController::started, this,
            [this](const QString& device) { status_->setText("training on " + device + notes_); });
    connect(controller_, &TrainingController::progress, this, [this](qint64 step, qint64 total, double eta) {
        showProgress(step, total, eta);
    });
    connect(controller_, &TrainingController::noted, this, [this](const QString& text) {
        notes_ += "\n" + text;
        status_->setText(status_->text() + "\n" + text);
    });
    connect(controller_, &TrainingController::ended, this,
            [this](const QString& dir, RunState state, const QString& message) { finished(dir, state, message); });
    // Every run of the workspace, and every run added, is followed by one RunFollower on a job
    // thread; its batches of changes arrive here as posted calls (dropped once the page is gone).
    follow_.start<bool>(
        [this, f = follower_](JobContext& ctx) {
            f->run(ctx.cancel(), [this, &ctx](RunFollower::Changes c) { ctx.post([this, c = std::move(c)] { applyChanges(c); }); });
            return true;
        },
        [](bool) {}, [](const JobFailure&) {});
    connect(pause_, &QPushButton::toggled, this, [this](bool on) { setPaused(on); });
    connect(stop_, &QPushButton::clicked, this, [this] { stop(); });
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (controller_->state() == TrainingController::State::Paused) {  // Resume continues a paused run
            setPaused(false);
            return;
        }
        if (!selectedRun().isEmpty()) resume(selectedRun());
    });
    connect(runs_, &RunTable::selectionChanged, this, [this] { showSelection(); });
    connect(runs_, &RunTable::noteEdited, this, [this](const QString& folder, const QString& text) {
        try {  // a few bytes, written atomically
            writeRunNote(folder.toStdString(), text.toStdString());
        } catch (const std::exception& e) {
            QMessageBox::warning(this, "Note not saved", e.what());
        }
        refreshRuns();
    });
    connect(listen_, &QPushButton::clicked, this, [this] { listen(); });
    connect(checkpoints_, &QListWidget::itemSelectionChanged, this, [this] { updateButtons(); });
    updateButtons();
}

// The controller lets a training child go on its own; the follower's job ends with its runner.
TrainingPage::~TrainingPage() = default;

bool TrainingPage::training() const { return controller_->busy(); }
bool TrainingPage::hasCheckpointToResume() const { return controller_->state() != TrainingController::State::Creating; }

void TrainingPage::watchRun(const QString& runDir) { selectRun(QDir(runDir).absolutePath()); }

void TrainingPage::setWorkspace(const QString& dir) {
    workspace_ = QDir::cleanPath(QDir(dir).absolutePath());
    form_->setWorkspace(workspace_);
    QDir().mkpath(workspace_ + "/runs");
    follower_->setRunsFolder((workspace_ + "/runs").toStdString());
}

void TrainingPage::setDataset(const QString& path) { form_->setDataset(path); }
QString TrainingPage::dataset() const { return form_->dataset(); }
void TrainingPage::setModel(const QString& arch, const QString& preset) { form_->setModel(arch, preset); }
void TrainingPage::setEpochs(int epochs, int stepsPerEpoch) { form_->setEpochs(epochs, stepsPerEpoch); }
void TrainingPage::setRanks(int ranks) { form_->setRanks(ranks); }

void TrainingPage::start() {
    if (training()) return;
    const TrainConfig c = form_->config();
    const QString name = form_->runName();
    if (name.contains('/') || name == "." || name == "..") {
        QMessageBox::warning(this, "Cannot start training", "The run name '" + name + "' must be a plain folder name.");
        return;
    }
    const QString base = workspace_.isEmpty() ? QDir::homePath() + "/SRLab" : workspace_;
    QString dir = QString("%1/runs/%2")
                            .arg(base, !name.isEmpty() ? name
                                                       : QString("%1-%2-%3").arg(q(c.model.arch), q(c.model.preset),
                                                                                 QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
    // Two runs started in the same second get distinct folders; a name given is the user's.
    QString unique = dir;
    for (int k = 2; name.isEmpty() && QFileInfo::exists(unique); ++k) unique = QString("%1-%2").arg(dir).arg(k);
    dir = unique;
    active_ = dir;
    notes_.clear();
    resetProgress(dir);
    status_->setText("creating the run (hashing the dataset)...");
    controller_->setLiveModel(follower_->ensure(dir.toStdString()));
    selectRun(dir);
    controller_->start(dir, c, form_->ranks());
    updateButtons();
}

void TrainingPage::resume(const QString& runDir) {
    if (training()) return;
    active_ = runDir;
    notes_.clear();
    resetProgress(runDir);
    status_->setText(form_->ranks() > 1 ? QString("starting %1 ranks...").arg(form_->ranks()) : QString("starting..."));
    controller_->setLiveModel(follower_->ensure(runDir.toStdString()));
    selectRun(runDir);
    controller_->resume(runDir, form_->ranks());
    updateButtons();
}

void TrainingPage::showThroughput(const TrainRow& r) {
    if (controller_->state() == TrainingController::State::Paused) {
        throughput_->setText("paused: no steps are taken");
        return;
    }
    if (r.samplesPerS == r.samplesPerS)  // a training step (validation rows carry none)
        throughput_->setText(QString("%1 samples/s, data wait %2 ms, memory %3, lr %4")
                                 .arg(r.samplesPerS, 0, 'f', 0)
                                 .arg(r.dataWaitMs, 0, 'f', 1)
                                 .arg(QString::fromStdString(formatMemory(r.memMiB * 1024.0 * 1024.0)))
                                 .arg(r.lr, 0, 'g', 3));
}

void TrainingPage::showActiveProgress(const RunSummary& s) {
    const double eta = s.steps > 0 && std::isfinite(s.wallS) ? s.wallS / double(s.steps) * double(s.totalSteps - s.steps) : NAN;
    showProgress(s.steps, s.totalSteps, eta);
}

// The bar of the run being trained: its step of the total and the time left; while paused, no
// time left (none passes) but the word "paused".
void TrainingPage::showProgress(int64_t step, int64_t total, double eta) {
    lastStep_ = step;
    lastTotal_ = total;
    lastEta_ = eta;
    if (total <= 0) {  // a determinate bar at 0: an indeterminate one shows no text
        progress_->setRange(0, 1);
        progress_->setValue(0);
        progress_->setFormat(QString("step %1").arg(step));
        return;
    }
    progress_->setMaximum(int(std::min<int64_t>(total, INT32_MAX)));
    progress_->setValue(int(std::min<int64_t>(step, INT32_MAX)));
    const bool paused = controller_->state() == TrainingController::State::Paused;
    progress_->setFormat(QString("%p%  step %1/%2  %3").arg(step).arg(total).arg(paused ? QString("paused") : "ETA " + q(formatDuration(eta))));
}

// Before a run starts or resumes, the bar shows that run's own place (from its summary, if the
// follower has it), never the run shown before.
void TrainingPage::resetProgress(const QString& runDir) {
    progress_->setMaximum(1);
    progress_->setValue(0);
    progress_->setFormat("starting...");
    throughput_->clear();
    if (const auto m = follower_->model(runDir.toStdString())) {
        const RunSummary s = m->summary();
        if (s.totalSteps > 0) {
            progress_->setMaximum(int(std::min<int64_t>(s.totalSteps, INT32_MAX)));
            progress_->setValue(int(std::min<int64_t>(s.steps, INT32_MAX)));
            progress_->setFormat(QString("%p%  step %1/%2  starting...").arg(s.steps).arg(s.totalSteps));
        }
    }
}

void TrainingPage::applyChanges(const RunFollower::Changes& changes) {
    if (changes.listChanged) {
        QStringList all;
        for (const auto& m : follower_->runs()) all << q(m->dir());
        runs_->removeRunsExcept(all);
    }
    std::vector<std::shared_ptr<RunModel>> models;
    std::vector<const RunModel*> rows;
    for (const auto& dir : changes.changed)
        if (auto m = follower_->model(dir)) {
            rows.push_back(m.get());
            models.push_back(std::move(m));
        }
    // A row's new text can hide or show it under the filter, and so change what is selected.
    const QStringList selectedBefore = runs_->selectedFolders();
    {
        const QSignalBlocker block(runs_);
        runs_->updateRuns(rows);
    }
    // Runs waiting to be selected whose rows have arrived.
    for (auto it = pendingSelect_.begin(); it != pendingSelect_.end();) {
        if (runs_->cell(it->first, "run").isEmpty()) {
            ++it;
            continue;
        }
        runs_->select(it->first, it->second);
        it = pendingSelect_.erase(it);
    }
    const QStringList shown = shownRuns();
    bool checkpoints = false;
    for (const auto& m : models) {
        const QString dir = q(m->dir());
        if (!shown.contains(dir)) continue;
        showCurves(dir);
        checkpoints = true;
        if (dir == active_ && training()) {
            const RunSummary s = m->summary();
            if (s.hasLastStep) showThroughput(s.lastStep);
            if (!controller_->inProcess()) {
                showActiveProgress(s);
                status_->setText(QString("training, %1 ranks: %2").arg(controller_->ranks()).arg(toString(m->status().state)));
            }
        }
        if (dir == heardRun_) strip_->refresh();
    }
    if (checkpoints) showCheckpoints();
    showRunColours();
    if (!pendingSelect_.isEmpty() || changes.listChanged || runs_->selectedFolders() != selectedBefore) showSelection();
}

void TrainingPage::finished(const QString& runDir, RunState state, const QString& message) {
    progress_->setFormat(QString("%p%  %1").arg(toString(state)));  // no ETA of a run that ended
    // The trainer's remarks on the run stay under its final state.
    status_->setText((message.isEmpty() ? QString(toString(state)) : QString(toString(state)) + ": " + message) + notes_);
    {
        const QSignalBlocker block(pause_);
        pause_->setChecked(false);
    }
    refreshRuns();
    updateButtons();
    if (state == RunState::Failed) QMessageBox::warning(this, "Training failed", message);
    Q_EMIT runEnded(runDir, state);
}

void TrainingPage::setPaused(bool paused) {
    controller_->setPaused(paused);
    {
        const QSignalBlocker block(pause_);  // the button shows the state, however it was set
        pause_->setChecked(controller_->state() == TrainingController::State::Paused);
    }
    const bool isPaused = controller_->state() == TrainingController::State::Paused;  // a --nproc run cannot
    if (training()) status_->setText(isPaused ? "paused" : "training");
    if (training() && isPaused) throughput_->setText("paused: no steps are taken");
    if (training() && lastTotal_ > 0) showProgress(lastStep_, lastTotal_, lastEta_);
    updateButtons();
}

void TrainingPage::stop() {
    if (!training()) return;
    controller_->stop();
    status_->setText("stopping: saving a checkpoint...");
}

void TrainingPage::updateButtons() {
    const bool t = training();
    const bool paused = controller_->state() == TrainingController::State::Paused;
    start_->setEnabled(!t);
    resume_->setEnabled(!t || paused);  // a stopped run, or a paused one
    pause_->setEnabled(controller_->canPause());  // a --nproc run stops, it does not pause
    stop_->setEnabled(t);
    const int picked = int(checkpoints_->selectedItems().size());
    listen_->setEnabled(picked > 0 && !listenJob_.running());
    listen_->setText(picked > 1 ? QString("Compare %1 checkpoints").arg(picked) : QString("Listen"));
}

QString TrainingPage::shownState(const QString& runDir) const { return runs_->cell(runDir, "status"); }

QString TrainingPage::progressText() const { return progress_->text(); }

bool TrainingPage::busy() const {
    if (!pendingSelect_.isEmpty()) return true;
    for (const QString& dir : shownRuns()) {
        const auto m = follower_->model(dir.toStdString());
        if (!m || !m->curvesRead()) return true;
    }
    return false;
}

QString TrainingPage::selectedRun() const { return runs_->currentFolder(); }

QStringList TrainingPage::shownRuns() const {
    QStringList dirs = runs_->selectedFolders();
    if (!active_.isEmpty() && training() && !dirs.contains(active_)) dirs << active_;
    return dirs;
}

void TrainingPage::refreshRuns() { follower_->wake(); }

}  // namespace srlab

