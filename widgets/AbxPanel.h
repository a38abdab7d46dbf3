// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Blind ABX over two versions of the current comparison: N trials (chosen before the start) of
// playing A, B or the hidden X through the shared player and answering; no feedback until the
// last answer, then the score and its binomial p-value. It needs an open audio device, and an
// answer counts only once X has been heard in that trial. GUI thread only.
#include <QWidget>
#include <cstdint>
#include <memory>

#include "compare/Abx.h"
#include "compare/Comparison.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace srlab {

class Player;

class AbxPanel : public QWidget {
    Q_OBJECT
public:
    AbxPanel(Player& player, QWidget* parent = nullptr);
    void setComparison(const Comparison& c);
    void start();
    void answer(bool saidA);
    void play(char which);  // 'A', 'B' or 'X'
    const AbxSession* session() const { return session_.get(); }
    QString resultText() const;
    QString shownText() const;  // what the panel says now

    bool xHeard();  // in the current trial

private:
    void noteXHeard();
    static constexpr uint64_t kNotPlayingX = ~uint64_t(0);
    Player& player_;
    bool xHeard_ = false;
    uint64_t xFrom_ = kNotPlayingX;  // frames rendered when X began playing
    QComboBox *a_, *b_;
    QSpinBox* trials_;
    QPushButton *start_, *playA_, *playB_, *playX_, *isA_, *isB_;
    QLabel* result_;
    std::unique_ptr<AbxSession> session_;
};

}  // namespace srlab
