// SPDX-License-Identifier: GPL-3.0-or-later
#include "MushraPanel.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <random>

#include "audio/Player.h"

namespace srlab {

MushraPanel::MushraPanel(Player& player, QWidget* parent) : QWidget(parent), player_(player) {
    setWindowTitle("MUSHRA listening test");
    versions_ = new QToolButton;
    versions_->setText("versions to rate");
    versions_->setPopupMode(QToolButton::InstantPopup);
    versions_->setMenu(new QMenu(versions_));
    listener_ = new QLineEdit;
    listener_->setObjectName("listener");
    listener_->setPlaceholderText("listener's name");
    excerpts_ = new QSpinBox;
    excerpts_->setRange(1, 12);
    excerpts_->setValue(3);
    excerpts_->setSuffix(" excerpts of 10 s");
    start_ = new QPushButton("Start MUSHRA");
    reference_ = new QPushButton("Reference");
    reference_->setToolTip("The open reference (the ground truth); one of the conditions is a hidden copy of it");
    next_ = new QPushButton("Next trial");
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setFont(QFont("monospace"));
    auto* setup = new QHBoxLayout;
    setup->addWidget(versions_);
    setup->addWidget(listener_);
    setup->addWidget(excerpts_);
    setup->addWidget(start_);
    setup->addStretch(1);
    auto* trial = new QHBoxLayout;
    trial->addWidget(reference_);
    trial->addWidget(next_);
    trial->addStretch(1);
    slots_ = new QGridLayout;
    auto* lay = new QVBoxLayout(this);
    lay->addLayout(setup);
    lay->addLayout(trial);
    lay->addLayout(slots_);
    lay->addWidget(status_, 1);
    reference_->setEnabled(false);
    next_->setEnabled(false);
    connect(start_, &QPushButton::clicked, this, [this] {
        if (versionsOf_.versions.empty() || !versionsOf_.hasTruth) return;
        if (listener_->text().trimmed().isEmpty()) return status_->setText("type the listener's name first");
        if (chosen().empty()) return status_->setText("choose at least one version to rate");
        if (!player_.isOpen()) return status_->setText("MUSHRA needs an audio device: none is open");
        Q_EMIT startWanted();
    });
    connect(reference_, &QPushButton::clicked, this, [this] { play(-1); });
    connect(next_, &QPushButton::clicked, this, [this] { next(); });
    setComparison(Comparison{});
}

void MushraPanel::setComparison(const Comparison& c) {
    session_.reset();
    versionsOf_ = Comparison{};
    versionsOf_.hasTruth = c.hasTruth;
    for (const auto& v : c.versions) versionsOf_.versions.push_back(Version(v.name));
    QMenu* menu = versions_->menu();
    menu->clear();
    for (size_t i = 0; i < c.versions.size(); ++i) {
        if (int(i) == c.truthIndex()) continue;
        QAction* a = menu->addAction(QString::fromStdString(c.versions[i].name));
        a->setCheckable(true);
        a->setChecked(true);
        a->setData(int(i));
    }
    for (auto* w : std::vector<QWidget*>{reference_, next_}) w->setEnabled(false);
    while (QLayoutItem* item = slots_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    plays_.clear();
    sliders_.clear();
    values_.clear();
    start_->setEnabled(c.hasTruth && !c.versions.empty());
    status_->setText(c.versions.empty() ? "Open a file in Compare & Listen first"
                     : c.hasTruth       ? "MUSHRA (ITU-R BS.1534): choose the versions, type the listener's name and press Start.\n"
                                          "Each trial: rate every condition 0-100 against the reference; one is the hidden reference."
                                        : "MUSHRA needs a ground truth: this file is low-res input");
}

std::vector<int> MushraPanel::chosen() const {
    std::vector<int> out;
    for (QAction* a : versions_->menu()->actions())
        if (a->isChecked()) out.push_back(a->data().toInt());
    return out;
}

QString MushraPanel::listener() const { return listener_->text().trimmed(); }
size_t MushraPanel::excerptCount() const { return size_t(excerpts_->value()); }

void MushraPanel::begin(std::vector<std::string> conditions, std::vector<int> playerIndex, int reference,
                        std::vector<MushraExcerpt> excerpts, const std::string& file, int fileRate) {
    session_ = std::make_unique<MushraSession>(std::move(conditions), std::move(excerpts), listener().toStdString(), file,
                                               fileRate, std::random_device{}());
    playerIndex_ = std::move(playerIndex);
    referenceIndex_ = reference;
    while (QLayoutItem* item = slots_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    plays_.clear();
    sliders_.clear();
    values_.clear();
    // BS.1534's scale beside the sliders: five equal intervals, Excellent at the top.
    auto* scale = new QWidget;
    auto* words = new QVBoxLayout(scale);
    words->setContentsMargins(0, 0, 0, 0);
    for (const char* w : {"Excellent", "Good", "Fair", "Poor", "Bad"}) {
        auto* l = new QLabel(w);
        l->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        words->addWidget(l, 1);
    }
    slots_->addWidget(scale, 1, 0);
    for (size_t s = 0; s < session_->slotCount(); ++s) {
        auto* button = new QPushButton(QString("Play %1").arg(QChar('A' + int(s))));
        button->setCheckable(true);  // the one playing stays pressed
        auto* slider = new QSlider(Qt::Vertical);
        slider->setRange(0, 100);
        slider->setMinimumHeight(140);
        slider->setTickPosition(QSlider::TicksBothSides);
        slider->setTickInterval(20);
        auto* shown = new QLabel("-");
        shown->setAlignment(Qt::AlignCenter);
        slots_->addWidget(button, 0, int(s) + 1);
        slots_->addWidget(slider, 1, int(s) + 1, Qt::AlignHCenter);
        slots_->addWidget(shown, 2, int(s) + 1);
        connect(button, &QPushButton::clicked, this, [this, s] { play(int(s)); });
        connect(slider, &QSlider::valueChanged, this, [this, s](int v) { rate(int(s), v); });
        // A slider left at 0 and released there is rated 0 (valueChanged does not fire).
        connect(slider, &QSlider::sliderReleased, this, [this, s, slider] { rate(int(s), slider->value()); });
        plays_.push_back(button);
        sliders_.push_back(slider);
        values_.push_back(shown);
    }
    reference_->setEnabled(true);
    next_->setEnabled(true);
    start_->setEnabled(false);
    showTrial();
}

void MushraPanel::showTrial() {
    if (!session_) return;
    if (session_->finished()) {
        for (auto* w : plays_) w->setEnabled(false);
        for (auto* w : sliders_) w->setEnabled(false);
        next_->setEnabled(false);
        reference_->setEnabled(false);
        start_->setEnabled(true);
        player_.setLoop(0, 0);
        status_->setText("done: saving the ratings...");
        Q_EMIT finished(session_->ratings());
        return;
    }
    for (size_t s = 0; s < sliders_.size(); ++s) {
        const QSignalBlocker block(sliders_[s]);
        sliders_[s]->setValue(0);
        values_[s]->setText("-");
        plays_[s]->setChecked(false);
    }
    const MushraExcerpt& e = session_->excerpt();
    player_.setLoop(e.from, e.to);
    player_.seek(e.from);
    status_->setText(QString("trial %1 of %2: play the reference and every condition (they loop over the excerpt), "
                             "then rate each 0-100")
                         .arg(session_->trial() + 1)
                         .arg(session_->trials()));
}

void MushraPanel::play(int slot) {
    if (!session_ || session_->finished()) return;
    const int v = slot < 0 ? referenceIndex_ : playerIndex_[session_->conditionAt(size_t(slot))];
    for (size_t k = 0; k < plays_.size(); ++k) plays_[k]->setChecked(int(k) == slot);
    reference_->setCheckable(true);
    reference_->setChecked(slot < 0);
    player_.select(v);
    if (!player_.isPlaying()) player_.play();
}

void MushraPanel::rate(int slot, int score) {
    if (!session_ || slot < 0 || size_t(slot) >= sliders_.size()) return;
    session_->rate(size_t(slot), score);
    values_[size_t(slot)]->setText(QString::number(score));
    if (sliders_[size_t(slot)]->value() != score) {
        const QSignalBlocker block(sliders_[size_t(slot)]);
        sliders_[size_t(slot)]->setValue(score);
    }
}

void MushraPanel::next() {
    if (!session_) return;
    const std::string why = session_->next();
    if (!why.empty()) return status_->setText(QString::fromStdString(why));
    showTrial();
}

void MushraPanel::showSummary(const QString& text) { status_->setText(text); }
QString MushraPanel::shownText() const { return status_->text(); }

}  // namespace srlab
