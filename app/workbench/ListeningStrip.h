// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The Training page's listening strip: a run's audio snapshots (runs/Snapshots.h) heard and
// seen while it trains. Pick a clip and a step (the slider follows the newest snapshot while
// the run goes on); the clip's spectrogram at that step sits beside the ground truth's, and the
// player switches among ground truth, the baseline, this step and a "versus" snapshot (another
// step, or another run's snapshot of the same clip) with Compare's click-free crossfade and
// keys (1-4, space). It reads only the run folder, so a run trained elsewhere sounds the same.
//
// Threads: GUI thread only; the files are read and the spectrograms made by a job.
#include <QStringList>
#include <QWidget>

#include "JobRunner.h"
#include "runs/Snapshots.h"

class QComboBox;
class QLabel;
class QSlider;

namespace srlab {

class SpectrogramGroup;
class PlayerBar;

class ListeningStrip : public QWidget {
    Q_OBJECT
public:
    explicit ListeningStrip(QWidget* parent = nullptr);
    // The run to hear, and other runs whose snapshots of the same clips may be heard versus it.
    void setRun(const QString& runDir, const QStringList& otherRuns = {});
    // Re-reads the run's snapshot index (the page's follow timer calls it): new steps appear,
    // and the slider moves to the newest one if it was there.
    void refresh();

    // For tests and the page.
    int clipCount() const;
    qint64 shownStep() const { return shownStep_; }  // -1 before a step is shown
    QStringList versionNames() const { return versions_; }
    QString heading() const;  // whose snapshots these are
    PlayerBar* player() const { return player_; }
    void selectStep(int index);  // into the index's steps
    void selectVersus(int index);  // 0 = none

Q_SIGNALS:
    void shown(qint64 step);  // a step's audio and spectrograms are on screen

private:
    void load();
    void fillVersus();
    QString run_;
    QStringList otherRuns_;
    SnapshotIndex index_;
    QComboBox *clip_, *versus_;
    QSlider* step_;
    QLabel *runLabel_, *stepLabel_, *note_;
    SpectrogramGroup* group_;
    PlayerBar* player_;
    JobRunner job_;
    qint64 shownStep_ = -1;
    QStringList versions_;
};

}  // namespace srlab
