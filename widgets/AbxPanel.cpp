// SPDX-License-Identifier: GPL-3.0-or-later
#include "AbxPanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <random>

#include "audio/Player.h"

namespace srlab {

AbxPanel::AbxPanel(Player& player, QWidget* parent) : QWidget(parent), player_(player) {
    a_ = new QComboBox;
    b_ = new QComboBox;
    for (QComboBox* c : {a_, b_}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToContents);  // names are cut to 220 px (setComparison)
        connect(c, &QComboBox::currentIndexChanged, c, [c] { c->setToolTip(c->currentData(Qt::ToolTipRole).toString()); });
    }
    trials_ = new QSpinBox;
    trials_->setRange(5, 100);
    trials_->setValue(16);
    trials_->setSuffix(" trials");
    start_ = new QPushButton("Start ABX");
    playA_ = new QPushButton("Play A");
    playB_ = new QPushButton("Play B");
    playX_ = new QPushButton("Play X");
    isA_ = new QPushButton("X is A");
    isB_ = new QPushButton("X is B");
    result_ = new QLabel("Blind ABX: pick two versions and press Start");
    result_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // takes the room there is
    result_->setMinimumWidth(160);
    auto* lay = new QHBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->addWidget(new QLabel("A"));
    lay->addWidget(a_);
    lay->addWidget(new QLabel("B"));
    lay->addWidget(b_);
    lay->addWidget(trials_);
    for (auto* w : {start_, playA_, playB_, playX_, isA_, isB_}) lay->addWidget(w);
    lay->addWidget(result_, 1);
    for (auto* w : {playA_, playB_, playX_, isA_, isB_}) w->setEnabled(false);
    connect(start_, &QPushButton::clicked, this, [this] { start(); });
    connect(playA_, &QPushButton::clicked, this, [this] { play('A'); });
    connect(playB_, &QPushButton::clicked, this, [this] { play('B'); });
    connect(playX_, &QPushButton::clicked, this, [this] { play('X'); });
    connect(isA_, &QPushButton::clicked, this, [this] { answer(true); });
    connect(isB_, &QPushButton::clicked, this, [this] { answer(false); });
}

void AbxPanel::setComparison(const Comparison& c) {
    session_.reset();
    a_->clear();
    b_->clear();
    // Long version names (a run and checkpoint) show both ends, cut in the middle where the run
    // names differ least; the whole name is the tooltip. No name widens the window.
    for (const auto& v : c.versions) {
        const QString name = QString::fromStdString(v.name);
        for (QComboBox* box : {a_, b_}) {
            box->addItem(fontMetrics().elidedText(name, Qt::ElideMiddle, 220));
            box->setItemData(box->count() - 1, name, Qt::ToolTipRole);
        }
    }
    a_->setCurrentIndex(c.versions.size() > 2 ? 2 : 0);             // a baseline
    b_->setCurrentIndex(int(c.versions.size()) - 1);                // the last: a model if any
    if (b_->currentIndex() == a_->currentIndex()) b_->setCurrentIndex(0);
    for (auto* w : {playA_, playB_, playX_, isA_, isB_}) w->setEnabled(false);
    result_->setText("Blind ABX: pick two versions and press Start");
}

void AbxPanel::start() {
    if (a_->currentIndex() < 0 || a_->currentIndex() == b_->currentIndex()) {
        result_->setText("pick two different versions");
        return;
    }
    if (!player_.isOpen()) {  // a score without listening would be a coin toss reported as a test
        result_->setText("ABX needs an audio device: none is open");
        return;
    }
    xHeard_ = false;
    xFrom_ = kNotPlayingX;
    session_ = std::make_unique<AbxSession>(a_->currentIndex(), b_->currentIndex(), std::random_device{}(),
                                            trials_->value());
    for (auto* w : {playA_, playB_, playX_, isA_, isB_}) w->setEnabled(true);
    result_->setText(resultText());
}

void AbxPanel::play(char which) {
    if (!session_) return;
    const int v = which == 'A' ? session_->versionA() : which == 'B' ? session_->versionB() : session_->versionX();
    noteXHeard();
    player_.select(v);
    if (!player_.isPlaying()) player_.play();
    xFrom_ = which == 'X' ? player_.framesRendered() : kNotPlayingX;
}

// X counts as heard once a fifth of a second of it has gone to the device.
void AbxPanel::noteXHeard() {
    if (xFrom_ != kNotPlayingX && player_.framesRendered() >= xFrom_ + uint64_t(player_.rate() / 5)) xHeard_ = true;
}

bool AbxPanel::xHeard() {
    noteXHeard();
    return xHeard_;
}

void AbxPanel::answer(bool saidA) {
    if (!session_ || session_->finished()) return;
    if (!xHeard()) {  // a trial in which X was never played is not scored
        result_->setText(QString("trial %1 of %2: play X before answering").arg(session_->trials() + 1).arg(session_->plannedTrials()));
        return;
    }
    session_->answer(saidA);
    xHeard_ = false;
    xFrom_ = player_.isPlaying() && player_.selected() == session_->versionX() ? player_.framesRendered() : kNotPlayingX;
    if (session_->finished())
        for (auto* w : {isA_, isB_, playX_}) w->setEnabled(false);
    result_->setText(resultText());
}

QString AbxPanel::shownText() const { return result_->text(); }

QString AbxPanel::resultText() const {
    if (!session_) return {};
    const AbxSession& s = *session_;
    if (!s.finished())  // no score while the test runs: it would steer the listener
        return QString("trial %1 of %2: play A, B and X, then answer").arg(s.trials() + 1).arg(s.plannedTrials());
    return QString("done: %1/%2 correct, p = %3 (%4)")
        .arg(s.correct())
        .arg(s.trials())
        .arg(s.pValue(), 0, 'g', 3)
        .arg(s.pValue() < 0.05 ? "audible difference" : "no audible difference shown");
}

}  // namespace srlab
