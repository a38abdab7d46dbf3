// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Starts, pauses and stops training behind one interface, whether the run trains in this
// process (one rank, on a JobRunner job) or as `srlab train --resume DIR --nproc N` (a child
// process the run folder is followed through). It never waits on the GUI thread: creating a
// run (which hashes the dataset) is a job; stopping asks and returns; destroying the controller
// while a child trains sends it SIGTERM (the launcher has every rank checkpoint and stop) and
// lets it finish on its own, and the child is started with PR_SET_PDEATHSIG, so it never
// outlives the workbench unasked.
//
// Threads: GUI thread only. Its signals are emitted there; the in-process trainer's rows go
// straight to the run's RunModel (thread-safe) from the training thread.
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <memory>

#include "JobRunner.h"
#include "train/Trainer.h"

namespace srlab {

class RunModel;

class TrainingController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Creating, Training, Paused, Stopping };
    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;

    // Creates the run folder (a job), then trains it with `ranks` ranks.
    void start(const QString& runDir, const TrainConfig& config, int ranks);
    // Trains an existing run folder on from its last checkpoint.
    void resume(const QString& runDir, int ranks);
    void setPaused(bool paused);  // in-process runs only (canPause)
    void stop();                  // the run saves a checkpoint and ends

    State state() const { return state_; }
    bool busy() const { return state_ != State::Idle; }
    bool canPause() const { return (state_ == State::Training || state_ == State::Paused) && !process_; }
    bool inProcess() const { return train_.running(); }
    QString runDir() const { return runDir_; }
    int ranks() const { return ranks_; }
    // The in-process run's rows also go to this model as they are written (null: none).
    void setLiveModel(std::shared_ptr<RunModel> model) { live_ = std::move(model); }
    static QString cliPath();  // $SRLAB_CLI, beside this executable, or on PATH

Q_SIGNALS:
    void stateChanged(srlab::TrainingController::State state);
    void created(const QString& runDir);       // the run folder exists (training starts next)
    void started(const QString& device);       // in-process: the device and parameter count
    void progress(qint64 step, qint64 total, double etaS);  // in-process, at most ~10 a second
    void noted(const QString& text);           // a remark the user must see
    void ended(const QString& runDir, srlab::RunState state, const QString& message);

private:
    void launch();
    void launchProcess();
    void finish(RunState state, const QString& message);
    void setState(State s);

    State state_ = State::Idle;
    QString runDir_;
    int ranks_ = 1;
    bool stopAsked_ = false;  // Stop while the run was being created
    JobRunner create_, train_;
    QPointer<QProcess> process_;
    // Shared with the run's thread, which may outlive this controller by a checkpoint's save.
    std::shared_ptr<TrainControl> control_ = std::make_shared<TrainControl>();
    std::shared_ptr<RunModel> live_;
};

}  // namespace srlab
