// SPDX-License-Identifier: GPL-3.0-or-later
#include "TrainingController.h"

#include <sys/prctl.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <chrono>
#include <csignal>

#include "runs/RunModel.h"

namespace srlab {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// The trainer's events, on the training thread. Rows go to the live model at once (it is
// thread-safe); the rest is posted through the job, so it is dropped once the controller, or
// this run, is gone. Progress is posted at most ten times a second: a small model on a GPU
// makes hundreds of steps a second, and the GUI thread draws none of them one by one.
struct ControllerEvents final : TrainEvents {
    const JobContext* ctx = nullptr;
    std::shared_ptr<RunModel> live;
    QPointer<TrainingController> to;
    std::chrono::steady_clock::time_point lastProgress{};
    void started(const std::string& device, int64_t params) override {
        ctx->post([to = to, text = QString("%1, %2 parameters").arg(q(device)).arg(params)] {
            if (to) Q_EMIT to->started(text);
        });
    }
    void row(const TrainRow& r) override {
        if (live) live->feed(r);
    }
    void progress(int64_t step, int64_t total, double eta) override {
        const auto now = std::chrono::steady_clock::now();
        if (step < total && now - lastProgress < std::chrono::milliseconds(100)) return;
        lastProgress = now;
        ctx->post([to = to, step, total, eta] {
            if (to) Q_EMIT to->progress(step, total, eta);
        });
    }
    void note(const std::string& text) override {
        ctx->post([to = to, t = q(text)] {
            if (to) Q_EMIT to->noted(t);
        });
    }
};

}  // namespace

TrainingController::TrainingController(QObject* parent) : QObject(parent) {}

TrainingController::~TrainingController() {
    control_->requestStop();  // an in-process run saves a checkpoint on its own thread
    if (process_) {
        // SIGTERM: the launcher has every rank checkpoint and stop. Nothing waits for it here;
        // the QProcess is let go (a QProcess destroyed while running would SIGKILL it) and
        // deletes itself when the child ends, or is left to the OS if the workbench exits first.
        QProcess* p = process_;
        p->disconnect(this);
        p->terminate();
        p->setParent(nullptr);
        connect(p, &QProcess::finished, p, &QObject::deleteLater);
    }
}

QString TrainingController::cliPath() {
    const QString env = qEnvironmentVariable("SRLAB_CLI");
    if (!env.isEmpty()) return env;
    const QString beside = QCoreApplication::applicationDirPath() + "/srlab";
    if (QFileInfo(beside).isExecutable()) return beside;
    return QStandardPaths::findExecutable("srlab");
}

void TrainingController::setState(State s) {
    if (s == state_) return;
    state_ = s;
    Q_EMIT stateChanged(s);
}

void TrainingController::start(const QString& runDir, const TrainConfig& config, int ranks) {
    if (busy()) return;
    runDir_ = runDir;
    ranks_ = ranks;
    stopAsked_ = false;
    setState(State::Creating);
    // Creating a run hashes the whole dataset (seconds for a large one): off the GUI thread.
    create_.start<bool>(
        [d = runDir.toStdString(), config](JobContext&) {
            createRun(d, config);
            return true;
        },
        [this](bool) {
            Q_EMIT created(runDir_);
            // Creating cannot be interrupted (it hashes the dataset); a Stop meanwhile leaves
            // the new run untrained.
            if (stopAsked_) finish(RunState::Created, "stopped before training began");
            else launch();
        },
        [this](const JobFailure& f) { finish(f.cancelled ? RunState::Stopped : RunState::Failed, f.cancelled ? QString() : f.message); });
}

void TrainingController::resume(const QString& runDir, int ranks) {
    if (busy()) return;
    runDir_ = runDir;
    ranks_ = ranks;
    launch();
}

void TrainingController::launch() {
    control_ = std::make_shared<TrainControl>();  // a stopped run's control may still be read by its thread
    if (ranks_ > 1) {
        launchProcess();
        return;
    }
    setState(State::Training);
    auto events = std::make_shared<ControllerEvents>();
    events->live = live_;
    events->to = this;
    train_.start<RunOutcome>(
        [events, control = control_, dir = runDir_.toStdString()](JobContext& ctx) {
            events->ctx = &ctx;
            return trainRun(dir, *events, *control);
        },
        [this](RunOutcome o) { finish(o == RunOutcome::Finished ? RunState::Finished : RunState::Stopped, {}); },
        [this](const JobFailure& f) { finish(f.cancelled ? RunState::Stopped : RunState::Failed, f.message); });
}

void TrainingController::launchProcess() {
    const QString cli = cliPath();
    if (cli.isEmpty()) {
        finish(RunState::Failed, "The srlab command-line tool was not found (set SRLAB_CLI).");
        return;
    }
    auto* p = new QProcess(this);
    process_ = p;
    p->setProcessChannelMode(QProcess::MergedChannels);
    // The child is asked to stop (SIGTERM: a checkpoint, then the end) if the workbench dies.
    p->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(p, &QProcess::finished, this, [this, p](int, QProcess::ExitStatus) {
        const QString out = QString::fromUtf8(p->readAll()).trimmed();
        p->deleteLater();
        process_ = nullptr;
        // status.json: a few bytes, read once as the run ends.
        const RunStatus s = readRunStatus(runDir_.toStdString());
        QString message = q(s.message);
        if (s.state == RunState::Failed && message.isEmpty()) message = out.section('\n', -1);
        RunState state = s.state;
        if (state == RunState::Running || state == RunState::Unknown || state == RunState::Created) {
            state = RunState::Failed;  // it ended without saying how
            if (message.isEmpty()) message = out.isEmpty() ? "srlab train ended unexpectedly" : out.section('\n', -1);
        }
        finish(state, message);
    });
    setState(State::Training);
    p->start(cli, {"train", "--quiet", "--resume", runDir_, "--nproc", QString::number(ranks_)});
}

void TrainingController::setPaused(bool paused) {
    if (!canPause()) return;
    control_->setPaused(paused);
    setState(paused ? State::Paused : State::Training);
}

void TrainingController::stop() {
    if (!busy()) return;
    if (state_ == State::Creating) {
        stopAsked_ = true;
        setState(State::Stopping);
        return;
    }
    control_->requestStop();
    if (process_) process_->terminate();  // SIGTERM: the launcher has every rank checkpoint and stop
    setState(State::Stopping);
}

void TrainingController::finish(RunState state, const QString& message) {
    setState(State::Idle);
    Q_EMIT ended(runDir_, state, message);
}

}  // namespace srlab
