// SPDX-License-Identifier: GPL-3.0-or-later
#include "PlayerBar.h"

#include <QHBoxLayout>
#include <cmath>

namespace srlab {
namespace {
constexpr int kNameWidth = 150;  // pixels of a version's name on its button
}  // namespace

PlayerBar::PlayerBar(QWidget* parent) : QWidget(parent), player_(new Player) {
    auto* lay = new QHBoxLayout(this);
    play_ = new QPushButton("Play");
    play_->setToolTip("Play / pause (Space)");
    versionBox_ = new QWidget;
    new QHBoxLayout(versionBox_);
    versionBox_->layout()->setContentsMargins(0, 0, 0, 0);
    versions_ = new QButtonGroup(this);
    versions_->setExclusive(true);
    loudness_ = new QCheckBox("loudness match");
    loudness_->setToolTip("Scale every version to the RMS of the first, so louder does not sound better");
    auto* clearLoop = new QPushButton("Clear loop");
    clearLoop->setToolTip("Shift-drag on a spectrogram selects a loop region");
    time_ = new QLabel("0.000 s");
    status_ = new QLabel;
    // The device line may be long: it takes the room there is (full text in the tooltip) and
    // never widens the window past a laptop screen.
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_->setMinimumWidth(120);
    lay->addWidget(play_);
    lay->addWidget(versionBox_);
    lay->addWidget(loudness_);
    lay->addWidget(clearLoop);
    lay->addWidget(time_);
    lay->addWidget(status_, 1);

    std::string err;
    if (!player_->open(&err)) {
        status_->setText("No audio device: playback is off");
        status_->setToolTip(QString("No playback: %1").arg(QString::fromStdString(err)));
        status_->setStyleSheet("color: #c0392b");

        play_->setEnabled(false);
    } else {
        status_->setText(QString("Output: %1").arg(QString::fromStdString(player_->deviceName())));
    }
    connect(play_, &QPushButton::clicked, this, &PlayerBar::togglePlay);
    connect(versions_, &QButtonGroup::idClicked, this, [this](int id) { player_->select(id); });
    connect(loudness_, &QCheckBox::toggled, this, [this] { applyGains(); });
    connect(clearLoop, &QPushButton::clicked, this, [this] { setLoop(0, 0); });
    timer_.setInterval(33);
    connect(&timer_, &QTimer::timeout, this, [this] {
        if (!player_->isPlaying()) play_->setText("Play");
        const double s = double(player_->position()) / std::max(1, player_->rate());
        if (s == shownPosition_) return;  // a still playhead costs nothing (no replots)
        shownPosition_ = s;
        time_->setText(QString("%1 s").arg(s, 0, 'f', 3));
        Q_EMIT playheadMoved(s);
    });
    timer_.start();
}

void PlayerBar::setComparison(const Comparison& c) {
    std::vector<Samples> v;
    rms_.clear();
    for (const auto& ver : c.versions) {
        v.push_back(ver.audio);
        rms_.push_back(float(ver.rms));
    }
    player_->load(std::move(v), c.rate);
    // Old buttons leave the layout now: deleteLater() alone left them there (and visible) until
    // the event loop came round, so a window laid out meanwhile counted both sets of buttons.
    for (auto* b : versions_->buttons()) {
        versions_->removeButton(b);
        versionBox_->layout()->removeWidget(b);
        b->hide();
        b->deleteLater();
    }
    for (int i = 0; i < int(c.versions.size()); ++i) {
        // A version's name can be long (a run and checkpoint): the button shows its ends, the
        // tooltip all of it, and no name widens the window past a laptop screen.
        const QString name = QString::fromStdString(c.versions[size_t(i)].name);
        auto* b = new QPushButton(QString("%1 %2").arg(i + 1).arg(fontMetrics().elidedText(name, Qt::ElideMiddle, kNameWidth)));
        b->setToolTip(QString("%1 %2 (key %1)").arg(i + 1).arg(name));
        b->setCheckable(true);
        b->setChecked(i == 0);
        versions_->addButton(b, i);
        versionBox_->layout()->addWidget(b);
    }
    applyGains();
}

void PlayerBar::applyGains() {
    for (int i = 0; i < int(rms_.size()); ++i)
        player_->setGain(i, loudness_->isChecked() && rms_[size_t(i)] > 1e-6f ? rms_[0] / rms_[size_t(i)] : 1.0f);
}

void PlayerBar::selectVersion(int i) {
    if (auto* b = versions_->button(i)) {
        b->setChecked(true);
        player_->select(i);
    }
}

void PlayerBar::togglePlay() {
    if (player_->isPlaying()) {
        player_->pause();
        play_->setText("Play");
    } else {
        player_->play();
        play_->setText(player_->isPlaying() ? "Pause" : "Play");
    }
}

void PlayerBar::setLoop(double t0, double t1) {
    const double r = player_->rate();
    player_->setLoop(size_t(std::max(0.0, t0) * r), size_t(std::max(0.0, t1) * r));
    if (t1 > t0) player_->seek(size_t(t0 * r));
}

}  // namespace srlab
