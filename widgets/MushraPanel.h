// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The MUSHRA test's screen (compare/Mushra.h): the versions to rate, the listener's name and the
// excerpts; then, per trial, the open reference and one play button and 0-100 slider per
// condition (hidden reference, anchors and versions, in the trial's drawn order, unnamed), looped
// over the excerpt through the shared player, which switches between them seamlessly; at the end
// the summary its owner computes from every session's results. It only draws and plays: the
// owner makes the anchors, saves the ratings and summarises them. GUI thread only.
#include <QWidget>
#include <memory>
#include <vector>

#include "compare/Comparison.h"
#include "compare/Mushra.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;
class QGridLayout;

namespace srlab {

class Player;

class MushraPanel : public QWidget {
    Q_OBJECT
public:
    explicit MushraPanel(Player& player, QWidget* parent = nullptr);
    // The comparison's versions to choose from (all but the ground truth, checked). A test needs
    // a ground truth: without one the panel says so and cannot start.
    void setComparison(const Comparison& c);
    // The versions checked (indices into the comparison's versions).
    std::vector<int> chosen() const;
    QString listener() const;
    size_t excerptCount() const;
    // Starts the test: condition names (the hidden reference first) and the player's version for
    // each (the reference's own index is `reference`).
    void begin(std::vector<std::string> conditions, std::vector<int> playerIndex, int reference,
               std::vector<MushraExcerpt> excerpts, const std::string& file, int rate);
    void play(int slot);  // -1: the open reference
    void rate(int slot, int score);
    void next();  // the next trial, once this one is rated
    const MushraSession* session() const { return session_.get(); }
    void showSummary(const QString& text);
    QString shownText() const;

Q_SIGNALS:
    // Start was pressed with a valid choice: the owner makes the anchors and calls begin().
    void startWanted();
    // Every trial is rated: the ratings to save.
    void finished(std::vector<MushraRating> ratings);

private:
    void showTrial();
    Player& player_;
    Comparison versionsOf_;  // names only are used
    QToolButton* versions_;
    QLineEdit* listener_;
    QSpinBox* excerpts_;
    QPushButton *start_, *reference_, *next_;
    QGridLayout* slots_;
    std::vector<QPushButton*> plays_;
    std::vector<QSlider*> sliders_;
    std::vector<QLabel*> values_;
    QLabel* status_;
    std::unique_ptr<MushraSession> session_;
    std::vector<int> playerIndex_;
    int referenceIndex_ = 0;
};

}  // namespace srlab
