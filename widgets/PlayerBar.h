// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Transport and version switch over core's Player: play/pause, one button per version (keys
// 1..N), loudness matching, loop clear, and a 30 Hz playhead signal. Shows a clear message when
// there is no audio device. GUI thread only.
#include <QButtonGroup>
#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QWidget>
#include <memory>

#include "audio/Player.h"
#include "compare/Comparison.h"

namespace srlab {

class PlayerBar : public QWidget {
    Q_OBJECT
public:
    explicit PlayerBar(QWidget* parent = nullptr);
    void setComparison(const Comparison& c);  // preloads every version
    void selectVersion(int i);
    void togglePlay();
    void setLoop(double t0, double t1);
    Player& player() { return *player_; }
    bool hasDevice() const { return player_->isOpen(); }

Q_SIGNALS:
    void playheadMoved(double seconds);

private:
    void applyGains();
    std::unique_ptr<Player> player_;
    QPushButton* play_;
    QButtonGroup* versions_;
    QWidget* versionBox_;
    QCheckBox* loudness_;
    QLabel *status_, *time_;
    QTimer timer_;
    std::vector<float> rms_;
    double shownPosition_ = -1;
};

}  // namespace srlab
