// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Training: a form over core's trainer, Start / Pause / Stop / Resume, live curves, the runs of
// the workspace (overlaid when selected), and each run's checkpoints with "Listen", which opens
// a validation file in Compare & Listen with that checkpoint beside the baselines. It is glue:
// a TrainingController trains (in this process or as `srlab train --nproc`), a RunFollower
// (run as a JobRunner job) keeps one RunModel per run up to date off the GUI thread and reports
// changes in batches, and the table, curves and checkpoint list draw copies of those models.
// Nothing here reads a file that grows with a run or opens HDF5 on the GUI thread; this page
// never includes torch.
//
// Threads: GUI thread only.
#include <QList>
#include <QPair>
#include <QStringList>
#include <QWidget>
#include <memory>

#include "JobRunner.h"
#include "TrainingController.h"
#include "runs/RunFollower.h"
#include "train/Trainer.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace srlab {

class TrainingCurves;
class TrainingForm;
class ListeningStrip;
class RunTable;

class TrainingPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPage(QWidget* parent = nullptr);
    ~TrainingPage() override;
    void setWorkspace(const QString& dir);  // runs live in DIR/runs
    void setDataset(const QString& path);
    QString dataset() const;
    void showView(const QString& name);  // "curves" or "listen"
    ListeningStrip* listeningStrip() const { return strip_; }
    void setModel(const QString& arch, const QString& preset);
    void setEpochs(int epochs, int stepsPerEpoch);
    void start();                           // a new run from the form
    void resume(const QString& runDir);
    void setPaused(bool paused);
    void stop();
    // A run in this process (one rank, on the trainer thread) or a data-parallel `srlab train
    // --nproc N` started as a child process and followed through its run folder.
    bool training() const;
    // Past creating: stopping it leaves a checkpoint that Resume continues from.
    bool hasCheckpointToResume() const;
    void setRanks(int ranks);
    // Adds a run folder from anywhere (e.g. one a server writes into a mounted folder) to the
    // runs table; like every selected run, it is followed live.
    void watchRun(const QString& runDir);
    QString activeRun() const { return active_; }
    TrainingCurves* curves() const { return curves_; }
    QString shownState(const QString& runDir) const;  // the runs table's status cell
    QString progressText() const;
    // Runs asked for are not drawn yet (a selection waiting for its row, or a shown run's
    // history still being read): for screenshots and tests, never for waiting on.
    bool busy() const;
    void refreshRuns();  // asks the follower for a pass now
    // Selects a run in the table (several overlay); a run not listed yet is followed and
    // selected as soon as its row arrives.
    void selectRun(const QString& runDir, bool addToSelection = false);
    // The first validation source file of the run's dataset, for "Listen". Opens the dataset:
    // call it off the GUI thread (the page runs it as a job).
    static QString validationFile(const QString& runDir);

Q_SIGNALS:
    // One checkpoint to hear, or several to compare side by side, on a validation file.
    void listenRequested(const QString& audioPath, const QStringList& checkpoints);
    void runEnded(const QString& runDir, RunState state);

private:
    void applyChanges(const RunFollower::Changes& changes);  // a batch from the follower
    void showThroughput(const TrainRow& r);
    void showActiveProgress(const RunSummary& s);  // a --nproc run, from its summary
    void showProgress(int64_t step, int64_t total, double eta);
    void resetProgress(const QString& runDir);
    void finished(const QString& runDir, RunState state, const QString& message);
    void showSelection();
    void showCurves(const QString& dir);
    void showCheckpoints();
    void showRunColours();
    void updateButtons();
    void listen();
    QString selectedRun() const;
    QStringList shownRuns() const;  // selected, plus the run training

    TrainingForm* form_;
    QPushButton *start_, *pause_, *stop_, *resume_, *listen_;
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* throughput_;  // samples/s and data-loader wait of the latest step
    RunTable* runs_;
    QListWidget* checkpoints_;
    TrainingCurves* curves_;
    ListeningStrip* strip_;
    QTabWidget* views_;
    QString heardRun_;  // the run the listening strip shows
    QString workspace_, active_;
    QList<QPair<QString, bool>> pendingSelect_;  // runs to select once their rows arrive (added?)
    QString shownColours_, shownCheckpoints_;  // what the swatches and the checkpoint list show
    QString notes_;  // the trainer's remarks on the active run, kept under its status
    int64_t lastStep_ = 0, lastTotal_ = 0;  // the bar's last figures, redrawn on pause/resume
    double lastEta_ = 0;
    TrainingController* controller_;
    std::shared_ptr<RunFollower> follower_ = std::make_shared<RunFollower>();
    JobRunner follow_, listenJob_;
};

}  // namespace srlab
