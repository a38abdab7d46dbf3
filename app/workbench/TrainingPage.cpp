// SPDX-License-Identifier: GPL-3.0-or-later
#include "TrainingPage.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>
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
#include "RunTable.h"
#include "TrainingCurves.h"
#include "dataset/PairBuilder.h"
#include "dataset/PairFile.h"
#include "runs/ModelConfig.h"
#include "util/DeviceInfo.h"

namespace srlab {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// Trainer events (on the training job's thread) -> calls on the page, posted through the job
// so they are dropped once the page, or this run, is gone.
struct QueuedEvents final : TrainEvents {
    const JobContext* ctx = nullptr;
    std::function<void(const TrainRow&)> onRow;
    std::function<void(int64_t, int64_t, double)> onProgress;
    std::function<void(const QString&)> onStarted;
    void started(const std::string& device, int64_t params) override {
        ctx->post([f = onStarted, text = QString("%1, %2 parameters").arg(q(device)).arg(params)] { f(text); });
    }
    void row(const TrainRow& r) override {
        ctx->post([f = onRow, r] { f(r); });
    }
    void progress(int64_t step, int64_t total, double eta) override {
        ctx->post([f = onProgress, step, total, eta] { f(step, total, eta); });
    }
    void note(const std::string& text) override {
        ctx->post([f = onNote, t = q(text)] { f(t); });
    }
    std::function<void(const QString&)> onNote;
};

QString formatEta(double s) {
    if (!std::isfinite(s) || s < 0) return "?";
    const int t = int(s);
    return QString("%1:%2:%3").arg(t / 3600).arg(t / 60 % 60, 2, 10, QChar('0')).arg(t % 60, 2, 10, QChar('0'));
}

}  // namespace

TrainingPage::TrainingPage(QWidget* parent) : QWidget(parent) {
    dataset_ = new QLineEdit;
    dataset_->setPlaceholderText("dataset .h5 from the Datasets page");
    auto* browse = new QPushButton("...");
    arch_ = new QComboBox;
    for (const auto& a : modelArchs()) arch_->addItem(q(a));
    preset_ = new QComboBox;
    loss_ = new QComboBox;
    loss_->addItems({"mse", "mrstft", "mse+mrstft"});
    lr_ = new QDoubleSpinBox;
    lr_->setDecimals(6);
    lr_->setRange(1e-6, 0.1);
    lr_->setSingleStep(1e-4);
    lr_->setValue(3e-4);
    batch_ = new QSpinBox;
    batch_->setRange(1, 1024);
    batch_->setValue(16);
    epochs_ = new QSpinBox;
    epochs_->setRange(1, 100000);
    epochs_->setValue(10);
    steps_ = new QSpinBox;
    steps_->setRange(0, 1000000);
    steps_->setSpecialValueText("all");
    steps_->setToolTip("Steps per epoch: all = the whole training split");
    stftWeight_ = new QDoubleSpinBox;
    stftWeight_->setRange(0.0, 100.0);
    stftWeight_->setSingleStep(0.1);
    stftWeight_->setValue(1.0);
    stftWeight_->setToolTip("Weight of the multi-resolution STFT term in the mse+mrstft loss");
    schedule_ = new QComboBox;
    schedule_->addItems({"constant", "cosine"});
    schedule_->setToolTip("constant, or cosine decay to 0 over the run; either after the warm-up");
    warmup_ = new QSpinBox;
    warmup_->setRange(0, 1000000);
    warmup_->setSpecialValueText("none");
    warmup_->setSuffix(" steps");
    warmup_->setToolTip("Linear learning-rate warm-up from 0 over this many steps");
    seed_ = new QSpinBox;
    seed_->setRange(0, std::numeric_limits<int>::max());
    seed_->setToolTip("Seed for initialisation, shuffling and dropout: the same seed gives the same run");
    runName_ = new QLineEdit;
    runName_->setPlaceholderText("model-preset-date (default)");
    runName_->setToolTip("The run's folder name under the workspace's runs/");
    device_ = new QComboBox;
    device_->addItems({"auto", "cpu", "cuda"});
    precision_ = new QComboBox;
    precision_->addItems({"auto", "fp32", "bf16"});
    precision_->setToolTip("auto: the forward pass in bfloat16 autocast on CUDA for U-Net models, float32 otherwise;\n"
                           "bf16 forces it (U-Net models only); weights and gradients stay float32");
    ranks_ = new QSpinBox;
    ranks_->setRange(1, 64);
    ranks_->setToolTip("Data-parallel ranks: more than 1 starts `srlab train --nproc N` (one process per GPU, or N "
                       "CPU processes sharing the cores), followed here through its run folder");

    auto* form = new QFormLayout;
    auto* dsRow = new QHBoxLayout;
    dsRow->addWidget(dataset_, 1);
    dsRow->addWidget(browse);
    form->addRow("dataset", dsRow);
    // Related settings share a row, so the form fits a 768-pixel-high laptop screen.
    auto row = [](std::initializer_list<std::pair<const char*, QWidget*>> items) {
        auto* h = new QHBoxLayout;
        bool first = true;
        for (const auto& [label, w] : items) {
            if (!first) h->addWidget(new QLabel(label));
            h->addWidget(w, 1);
            first = false;
        }
        return h;
    };
    form->addRow("model", row({{"", arch_}, {"preset", preset_}}));
    form->addRow("loss", row({{"", loss_}, {"MR-STFT weight", stftWeight_}}));
    form->addRow("lr", row({{"", lr_}, {"schedule", schedule_}, {"warm-up", warmup_}}));
    form->addRow("batch", row({{"", batch_}, {"epochs", epochs_}, {"steps/epoch", steps_}}));
    form->addRow("device", row({{"", device_}, {"precision", precision_}, {"ranks", ranks_}}));
    form->addRow("seed", row({{"", seed_}, {"run name", runName_}}));
    auto syncStftWeight = [this] { stftWeight_->setEnabled(loss_->currentText() == "mse+mrstft"); };
    connect(loss_, &QComboBox::currentTextChanged, this, syncStftWeight);
    syncStftWeight();
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
    throughput_ = new QLabel;
    throughput_->setToolTip("The latest step: training throughput, how long it waited for the data loader, memory in "
                            "use on the device (a GPU's, or this process's on the CPU) and the learning rate "
                            "(also in the run's metrics.csv)");
    status_->setWordWrap(true);

    runs_ = new RunTable;
    auto* watch = new QPushButton("Watch a run folder...");
    watch->setToolTip("Follow a run folder from anywhere, e.g. one a server writes into a mounted folder");
    checkpoints_ = new QListWidget;
    checkpoints_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    checkpoints_->setToolTip("Select one checkpoint to hear it, or several (Ctrl/Shift-click; of one run or of every "
                             "selected run) to compare them side by side");
    listen_ = new QPushButton("Listen");
    listen_->setToolTip("Upsample a validation file with the selected checkpoint(s) and open it in Compare & Listen, "
                        "beside the baselines");

    auto* left = new QVBoxLayout;
    left->addLayout(form);
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

    auto fillPresets = [this] {
        preset_->clear();
        for (const auto& p : modelPresets(arch_->currentText().toStdString())) preset_->addItem(q(p));
        preset_->setCurrentText("small");
    };
    fillPresets();
    connect(arch_, &QComboBox::currentIndexChanged, this, fillPresets);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Dataset", workspace_, "HDF5 (*.h5 *.hdf5)");
        if (!p.isEmpty()) dataset_->setText(p);
    });
    connect(start_, &QPushButton::clicked, this, [this] { start(); });
    connect(watch, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, "Run folder to watch", workspace_);
        if (!d.isEmpty()) watchRun(d);
    });
    // Runs written by other processes (a --nproc run, the CLI, a server) are followed by
    // re-reading what changed in their folders; cheap when nothing did.
    follow_ = new QTimer(this);
    follow_->setInterval(500);
    connect(follow_, &QTimer::timeout, this, [this] { followRuns(); });
    follow_->start();
    connect(pause_, &QPushButton::toggled, this, [this](bool on) { setPaused(on); });
    connect(stop_, &QPushButton::clicked, this, [this] { stop(); });
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (training() && control_->pause) {  // Resume continues a paused run
            setPaused(false);
            return;
        }
        if (!selectedRun().isEmpty()) resume(selectedRun());
    });
    connect(runs_, &RunTable::selectionChanged, this, [this] { showSelection(); });
    connect(listen_, &QPushButton::clicked, this, [this] {
        const auto items = checkpoints_->selectedItems();
        if (items.isEmpty()) return;
        // The first selected checkpoint's run gives the validation file all are heard on.
        const QString file = validationFile(items.first()->data(Qt::UserRole + 2).toString());
        if (file.isEmpty()) {
            QMessageBox::warning(this, "Listen", "The run's dataset lists no validation file that still exists.");
            return;
        }
        QStringList checkpoints;
        for (auto* item : items) checkpoints << item->data(Qt::UserRole).toString();
        Q_EMIT listenRequested(file, checkpoints);
    });
    connect(checkpoints_, &QListWidget::itemSelectionChanged, this, [this] { updateButtons(); });
    updateButtons();
}

TrainingPage::~TrainingPage() {
    control_->stop.cancel();  // the run saves a checkpoint on its own thread; nothing waits here
    if (process_) {  // the ranks stop with a checkpoint (the launcher forwards the signal)
        process_->disconnect(this);
        process_->terminate();
        process_->waitForFinished(30000);
    }
}

void TrainingPage::setRanks(int ranks) { ranks_->setValue(ranks); }

void TrainingPage::watchRun(const QString& runDir) {
    const QString d = QDir(runDir).absolutePath();
    if (!watched_.contains(d)) watched_ << d;
    refreshRuns();
    selectRun(d);
}

void TrainingPage::setWorkspace(const QString& dir) {
    workspace_ = dir;
    QDir().mkpath(dir + "/runs");
    refreshRuns();
}

void TrainingPage::setDataset(const QString& path) { dataset_->setText(path); }
QString TrainingPage::dataset() const { return dataset_->text(); }

void TrainingPage::setModel(const QString& arch, const QString& preset) {
    arch_->setCurrentText(arch);
    preset_->setCurrentText(preset);
}

void TrainingPage::setEpochs(int epochs, int stepsPerEpoch) {
    epochs_->setValue(epochs);
    steps_->setValue(stepsPerEpoch);
}

void TrainingPage::start() {
    if (training()) return;
    TrainConfig c;
    c.dataset = dataset_->text().toStdString();
    c.model = makeModelConfig(arch_->currentText().toStdString(), preset_->currentText().toStdString());
    c.loss = loss_->currentText().toStdString();
    c.stftWeight = stftWeight_->value();
    c.lr = lr_->value();
    c.lrSchedule = schedule_->currentText().toStdString();
    c.warmupSteps = warmup_->value();
    c.seed = uint64_t(seed_->value());
    c.batch = batch_->value();
    c.epochs = epochs_->value();
    c.stepsPerEpoch = steps_->value();
    c.device = device_->currentText().toStdString();
    c.precision = precision_->currentText().toStdString();
    const QString name = runName_->text().trimmed();
    if (name.contains('/') || name == "." || name == "..") {
        QMessageBox::warning(this, "Cannot start training", "The run name '" + name + "' must be a plain folder name.");
        return;
    }
    const QString dir = QString("%1/runs/%2")
                            .arg(workspace_.isEmpty() ? QDir::homePath() + "/SRLab" : workspace_,
                                 !name.isEmpty() ? name
                                                 : QString("%1-%2-%3").arg(arch_->currentText(), preset_->currentText(),
                                                                           QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss")));
    // Creating a run hashes the whole dataset (seconds for a large one): off the GUI thread.
    active_ = dir;
    status_->setText("creating the run (hashing the dataset)...");
    create_.start<bool>(
        [d = dir.toStdString(), c](JobContext&) {
            createRun(d, c);
            return true;
        },
        [this, dir](bool) {
            refreshRuns();
            launch(dir);
        },
        [this](const JobFailure& f) {
            status_->setText(f.cancelled ? "cancelled" : "cannot start: " + f.message);
            updateButtons();
            if (!f.cancelled) QMessageBox::warning(this, "Cannot start training", f.message);
        });
    updateButtons();
}

void TrainingPage::resume(const QString& runDir) {
    if (training()) return;
    launch(runDir);
}

namespace {
// The srlab command-line tool: $SRLAB_CLI, else beside this executable, else on PATH.
QString srlabCli() {
    const QString env = qEnvironmentVariable("SRLAB_CLI");
    if (!env.isEmpty()) return env;
    const QString beside = QCoreApplication::applicationDirPath() + "/srlab";
    if (QFileInfo(beside).isExecutable()) return beside;
    return QStandardPaths::findExecutable("srlab");
}
}  // namespace

void TrainingPage::launchRanks(const QString& runDir, int ranks) {
    const QString cli = srlabCli();
    if (cli.isEmpty()) {
        QMessageBox::warning(this, "Cannot start training", "The srlab command-line tool was not found (set SRLAB_CLI).");
        return;
    }
    active_ = runDir;
    seenMetrics_.remove(runDir);
    selectRun(runDir);
    status_->setText(QString("starting %1 ranks...").arg(ranks));
    process_ = new QProcess(this);
    process_->setProcessChannelMode(QProcess::MergedChannels);
    connect(process_, &QProcess::finished, this, [this](int, QProcess::ExitStatus) {
        const QString out = QString::fromUtf8(process_->readAll()).trimmed();
        process_->deleteLater();
        process_ = nullptr;
        followRuns();
        const RunStatus s = readRunStatus(active_.toStdString());
        QString message = q(s.message);
        if (s.state == RunState::Failed && message.isEmpty()) message = out.section('\n', -1);
        finished(s.state, message);
    });
    process_->start(cli, {"train", "--quiet", "--resume", runDir, "--nproc", QString::number(ranks)});
    updateButtons();
}

void TrainingPage::showThroughput(const TrainRow& r) {
    if (r.samplesPerS == r.samplesPerS)  // a training step (validation rows carry none)
        throughput_->setText(QString("%1 samples/s, data wait %2 ms, memory %3, lr %4")
                                 .arg(r.samplesPerS, 0, 'f', 0)
                                 .arg(r.dataWaitMs, 0, 'f', 1)
                                 .arg(QString::fromStdString(formatMemory(r.memMiB * 1024.0 * 1024.0)))
                                 .arg(r.lr, 0, 'g', 3));
}

void TrainingPage::followRuns() {
    // Every run's row is live (status, best SNR and LSD), and so is the selected run's list of
    // checkpoints: epoch 3 can be heard while epoch 4 trains; so are its audio snapshots.
    strip_->refresh();
    for (const QString& folder : runs_->folders())
        if (runs_->refresh(folder) && folder == selectedRun()) showCheckpoints();
    const QStringList dirs = runs_->selectedFolders();
    const bool inProcess = train_.running();  // that run's rows arrive as events
    for (const QString& dir : dirs) {
        if (inProcess && dir == active_) continue;
        const qint64 size = QFileInfo(dir + "/metrics.csv").size();
        if (seenMetrics_.value(dir, -1) == size) continue;
        seenMetrics_[dir] = size;
        const auto rows = readRunMetrics(dir.toStdString());
        curves_->setRun(QDir(dir).dirName(), rows);
        if (dir == active_ && process_ && !rows.empty()) {
            const TrainRow& r = rows.back();
            progress_->setFormat(QString("step %1").arg(r.step));
            status_->setText(QString("training, %1 ranks: %2").arg(ranks_->value()).arg(toString(readRunStatus(dir.toStdString()).state)));
            showThroughput(r);
        }
    }
}

void TrainingPage::launch(const QString& runDir) {
    if (ranks_->value() > 1) {
        launchRanks(runDir, ranks_->value());
        return;
    }
    active_ = runDir;
    control_ = std::make_shared<TrainControl>();  // a stopped run's control may still be read by its thread
    curves_->setRun(QDir(runDir).dirName(), readRunMetrics(runDir.toStdString()));
    selectRun(runDir);
    status_->setText("starting...");
    auto events = std::make_shared<QueuedEvents>();
    const QString name = QDir(runDir).dirName();
    events->onRow = [this, name](const TrainRow& r) {
        curves_->appendRow(name, r);
        showThroughput(r);
    };
    events->onProgress = [this](int64_t step, int64_t total, double eta) {
        progress_->setMaximum(int(std::min<int64_t>(total, INT32_MAX)));
        progress_->setValue(int(step));
        progress_->setFormat(QString("%p%  step %1/%2  ETA %3").arg(step).arg(total).arg(formatEta(eta)));
    };
    events->onStarted = [this](const QString& device) { status_->setText("training on " + device + notes_); };
    events->onNote = [this](const QString& text) {
        notes_ += "\n" + text;
        status_->setText(status_->text() + "\n" + text);
    };
    notes_.clear();
    train_.start<RunOutcome>(
        [events, control = control_, dir = runDir.toStdString()](JobContext& ctx) {
            events->ctx = &ctx;
            return trainRun(dir, *events, *control);
        },
        [this](RunOutcome o) { finished(o == RunOutcome::Finished ? RunState::Finished : RunState::Stopped, {}); },
        [this](const JobFailure& f) { finished(f.cancelled ? RunState::Stopped : RunState::Failed, f.message); });
    updateButtons();
}

void TrainingPage::finished(RunState state, const QString& message) {
    progress_->setFormat(QString("%p%  %1").arg(toString(state)));  // no ETA of a run that ended
    status_->setText(message.isEmpty() ? toString(state) : QString(toString(state)) + ": " + message);
    pause_->setChecked(false);
    const QString run = active_;
    refreshRuns();
    selectRun(run);
    updateButtons();
    if (state == RunState::Failed) QMessageBox::warning(this, "Training failed", message);
    Q_EMIT runEnded(run, state);
}

void TrainingPage::setPaused(bool paused) {
    control_->pause = paused;
    {
        const QSignalBlocker block(pause_);  // the button shows the state, however it was set
        pause_->setChecked(paused);
    }
    if (training()) status_->setText(paused ? "paused" : "training");
    updateButtons();
}

void TrainingPage::stop() {
    control_->stop.cancel();
    if (process_) process_->terminate();  // SIGTERM: the launcher has every rank checkpoint and stop
    status_->setText("stopping: saving a checkpoint...");
}

void TrainingPage::updateButtons() {
    const bool t = training();
    start_->setEnabled(!t);
    resume_->setEnabled(!t || (t && control_->pause && !process_));  // a stopped run, or a paused one
    pause_->setEnabled(t && !process_);  // a --nproc run stops, it does not pause
    stop_->setEnabled(t);
    const int picked = int(checkpoints_->selectedItems().size());
    listen_->setEnabled(picked > 0);
    listen_->setText(picked > 1 ? QString("Compare %1 checkpoints").arg(picked) : QString("Listen"));
}

QString TrainingPage::shownState(const QString& runDir) const { return runs_->cell(runDir, "status"); }

QString TrainingPage::progressText() const { return progress_->text(); }

QString TrainingPage::selectedRun() const { return runs_->currentFolder(); }

void TrainingPage::refreshRuns() {
    const QDir dir(workspace_ + "/runs");
    QStringList folders;
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) folders << dir.filePath(name);
    for (const QString& w : watched_)
        if (!folders.contains(w)) folders << w;
    const QSignalBlocker block(runs_);
    runs_->setFolders(folders);
}

// A row's live cells: best validation SNR and LSD so far, and the state in status.json.
void TrainingPage::selectRun(const QString& runDir, bool addToSelection) { runs_->select(runDir, addToSelection); }

void TrainingPage::showSelection() {
    QStringList names;
    for (const QString& dir : runs_->selectedFolders()) {
        const QString name = QDir(dir).dirName();
        names << name;
        if (!curves_->runs().contains(name) || dir != active_) curves_->setRun(name, readRunMetrics(dir.toStdString()));
        curves_->setReferences(name, readRunBaselines(dir.toStdString()));
        try {
            curves_->setLossType(name, q(readRunConfig(dir.toStdString()).loss));
        } catch (const std::exception&) {
        }
    }
    if (!active_.isEmpty() && training()) names << QDir(active_).dirName();
    curves_->removeRunsExcept(names);
    showRunColours();
    showCheckpoints();
    const QString heard = selectedRun().isEmpty() ? active_ : selectedRun();
    if (heard != heardRun_) {
        heardRun_ = heard;
        strip_->setRun(heard, runs_->folders());
    }
}

void TrainingPage::showView(const QString& name) { views_->setCurrentIndex(name == "listen" ? 1 : 0); }

// Each shown run's colour as a swatch beside its name: it stays visible under the table's
// selection highlight, which a text colour would not.
void TrainingPage::showRunColours() {
    for (const QString& folder : runs_->folders()) {
        const QString name = QDir(folder).dirName();
        runs_->setColour(folder, curves_->runs().contains(name) ? curves_->colourFor(name) : QColor());
    }
}

void TrainingPage::showCheckpoints() {
    // The checkpoints of every selected run (named by run when there are several): any two or
    // more can be compared side by side.
    QStringList keep;
    for (auto* item : checkpoints_->selectedItems()) keep << item->data(Qt::UserRole).toString();
    if (keep.isEmpty()) keep << selectedRun() + "/checkpoints/best";
    const QSignalBlocker block(checkpoints_);
    checkpoints_->clear();
    QStringList runs = runs_->selectedFolders();
    if (runs.isEmpty() && !active_.isEmpty()) runs << active_;
    for (const QString& run : runs)
        for (const auto& ck : listCheckpoints(run.toStdString())) {
            // Each checkpoint with the validation it was saved at: which one to hear is a choice.
            const CheckpointSummary s = readCheckpointSummary(ck);
            QString text = (runs.size() > 1 ? QDir(run).dirName() + ": " : QString()) + QDir(q(ck)).dirName();
            if (s.step >= 0) text += QString("   step %1").arg(s.step);
            if (std::isfinite(s.valSnr))
                text += QString(", SNR %1 dB, LSD %2 dB").arg(s.valSnr, 0, 'f', 2).arg(s.valLsd, 0, 'f', 3);
            auto* item = new QListWidgetItem(text);
            item->setData(Qt::UserRole, q(ck));
            item->setData(Qt::UserRole + 2, run);
            checkpoints_->addItem(item);
            if (keep.contains(q(ck))) item->setSelected(true);
        }
    updateButtons();
}

QString TrainingPage::validationFile(const QString& runDir) {
    try {
        const TrainConfig c = readRunConfig(runDir.toStdString());
        PairFileReader reader(c.dataset);
        for (Split s : {Split::Val, Split::Test})
            for (const auto& f : splitSourceFiles(reader.manifestJson(), s))
                if (QFileInfo::exists(q(f))) return q(f);
    } catch (const std::exception&) {
    }
    return {};
}

}  // namespace srlab
