// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Training: a form over core's trainer, Start / Pause / Stop / Resume, live curves, the runs of
// the workspace (overlaid when selected), and each run's checkpoints with "Listen", which opens
// a validation file in Compare & Listen with that checkpoint beside the baselines. Creating a
// run and training it are jobs (JobRunner) that report through posted calls; this page never
// includes torch. GUI thread only.
#include <QHash>
#include <QStringList>
#include <QWidget>
#include <memory>

#include "JobRunner.h"
#include "train/Trainer.h"

class QComboBox;
class QProcess;
class QTimer;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace srlab {

class TrainingCurves;
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
    // --nproc N` this page started as a child process and follows through its run folder.
    bool training() const { return create_.running() || train_.running() || process_ != nullptr; }
    void setRanks(int ranks);
    // Adds a run folder from anywhere (e.g. one a server writes into a mounted folder) to the
    // runs table; like every selected run, it is followed live.
    void watchRun(const QString& runDir);
    QString activeRun() const { return active_; }
    TrainingCurves* curves() const { return curves_; }
    QString shownState(const QString& runDir) const;  // the runs table's status cell
    QString progressText() const;
    void refreshRuns();
    void selectRun(const QString& runDir, bool addToSelection = false);  // several overlay
    // The first validation source file of the run's dataset, for "Listen".
    static QString validationFile(const QString& runDir);

Q_SIGNALS:
    // One checkpoint to hear, or several to compare side by side, on a validation file.
    void listenRequested(const QString& audioPath, const QStringList& checkpoints);
    void runEnded(const QString& runDir, RunState state);

private:
    void launch(const QString& runDir);
    void launchRanks(const QString& runDir, int ranks);
    void followRuns();
    void showThroughput(const TrainRow& r);  // re-reads the selected runs' folders that changed (timer, GUI thread)
    void finished(RunState state, const QString& message);
    void showSelection();
    void showCheckpoints();
    void showRunColours();
    void updateButtons();
    QString selectedRun() const;

    QLineEdit *dataset_, *runName_;
    QComboBox *arch_, *preset_, *loss_, *device_, *precision_, *schedule_;
    QDoubleSpinBox *lr_, *stftWeight_;
    QSpinBox *batch_, *epochs_, *steps_, *ranks_, *warmup_, *seed_;
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
    QStringList watched_;                 // run folders outside the workspace
    QProcess* process_ = nullptr;         // `srlab train --nproc N`, while it runs
    QTimer* follow_;
    QHash<QString, qint64> seenMetrics_;  // run folder -> metrics.csv size last drawn
    QString notes_;  // the trainer's remarks on the active run, kept under its status
    JobRunner create_, train_;
    // Shared with the run's thread, which may outlive this page by a checkpoint's save.
    std::shared_ptr<TrainControl> control_ = std::make_shared<TrainControl>();
};

}  // namespace srlab
