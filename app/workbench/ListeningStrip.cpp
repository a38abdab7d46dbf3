// SPDX-License-Identifier: GPL-3.0-or-later
#include "ListeningStrip.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QShortcut>
#include <QSlider>
#include <QVBoxLayout>

#include "PlayerBar.h"
#include "SpectrogramGroup.h"
#include "audio/AudioFile.h"
#include "compare/Comparison.h"
#include "dsp/DisplaySpectrogram.h"

namespace srlab {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

struct Loaded {
    Comparison comparison;
    std::vector<PaneData> panes;
};

// The snapshot of the same clip (same source and place) in another run's newest step, or "".
QString sameClipIn(const QString& otherRun, const SnapshotClip& clip, QString* label) {
    try {
        const auto idx = readSnapshotIndex(otherRun.toStdString());
        if (idx.steps.empty()) return {};
        for (const auto& c : idx.clips)
            if (c.source == clip.source && std::abs(c.offsetS - clip.offsetS) < 1e-6) {
                *label = QFileInfo(otherRun).fileName() + QString(" step %1").arg(idx.steps.back());
                return q(snapshotPath(otherRun.toStdString(), idx.steps.back(), c.name));
            }
    } catch (const std::exception&) {
    }
    return {};
}

}  // namespace

ListeningStrip::ListeningStrip(QWidget* parent) : QWidget(parent) {
    clip_ = new QComboBox;
    clip_->setToolTip("Validation clips picked when the run was created, to differ");
    step_ = new QSlider(Qt::Horizontal);
    step_->setToolTip("The snapshot's step; at the right end it follows the newest while the run trains");
    stepLabel_ = new QLabel("no snapshots");
    runLabel_ = new QLabel("no run selected");
    runLabel_->setTextFormat(Qt::PlainText);
    versus_ = new QComboBox;
    versus_->setToolTip("A fourth version to switch to: another step of this run, or another run's snapshot of the "
                        "same clip");
    note_ = new QLabel;
    note_->setWordWrap(true);
    group_ = new SpectrogramGroup;
    player_ = new PlayerBar;
    auto* top = new QHBoxLayout;
    top->addWidget(runLabel_);
    top->addWidget(new QLabel("clip"));
    top->addWidget(clip_, 2);
    top->addWidget(new QLabel("step"));
    top->addWidget(step_, 3);
    top->addWidget(stepLabel_, 1);
    top->addWidget(new QLabel("versus"));
    top->addWidget(versus_, 2);
    auto* v = new QVBoxLayout(this);
    v->addLayout(top);
    v->addWidget(note_);
    v->addWidget(group_, 1);
    v->addWidget(player_);
    connect(clip_, &QComboBox::currentIndexChanged, this, [this] {
        fillVersus();
        load();
    });
    connect(step_, &QSlider::valueChanged, this, [this] {
        fillVersus();
        load();
    });
    connect(versus_, &QComboBox::currentIndexChanged, this, [this] { load(); });
    // The same keys as Compare & Listen, active while this strip is shown.
    for (int i = 0; i < 4; ++i) {
        auto* s = new QShortcut(QKeySequence(Qt::Key_1 + i), this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, [this, i] { player_->selectVersion(i); });
    }
    auto* space = new QShortcut(QKeySequence(Qt::Key_Space), this);
    space->setContext(Qt::WidgetWithChildrenShortcut);
    connect(space, &QShortcut::activated, player_, &PlayerBar::togglePlay);
}

int ListeningStrip::clipCount() const { return int(index_.clips.size()); }
void ListeningStrip::selectStep(int index) { step_->setValue(index); }
void ListeningStrip::selectVersus(int index) { versus_->setCurrentIndex(index); }

void ListeningStrip::setRun(const QString& runDir, const QStringList& otherRuns) {
    run_ = runDir;
    // With several runs selected only one is heard: the label says which.
    runLabel_->setText(runDir.isEmpty() ? QString("no run selected") : QString("snapshots of %1:").arg(QFileInfo(runDir).fileName()));
    runLabel_->setToolTip(runDir);
    otherRuns_ = otherRuns;
    otherRuns_.removeAll(runDir);
    index_ = SnapshotIndex{};
    shownStep_ = -1;
    versions_.clear();
    job_.cancel();  // nothing of the previous run stays on screen
    group_->setPanes({});
    player_->setComparison(Comparison{});
    {
        const QSignalBlocker b1(clip_), b2(step_), b3(versus_);
        clip_->clear();
        versus_->clear();
        step_->setRange(0, 0);
    }
    refresh();
}

void ListeningStrip::refresh() {
    if (run_.isEmpty()) return;
    SnapshotIndex idx;
    try {
        idx = readSnapshotIndex(run_.toStdString());  // a small JSON file
    } catch (const std::exception& e) {
        note_->setText(QString("snapshots: %1").arg(e.what()));
        return;
    }
    const bool clipsChanged = idx.clips.size() != index_.clips.size();
    const bool atNewest = step_->value() >= step_->maximum();
    const bool grew = idx.steps != index_.steps;
    index_ = idx;
    if (index_.empty()) {
        stepLabel_->setText("no snapshots");
        note_->setText("This run has no audio snapshots (runs created before SRLab wrote them, or --snapshot-clips 0).");
        return;
    }
    note_->clear();
    if (clipsChanged) {
        const QSignalBlocker b(clip_);
        clip_->clear();
        for (const auto& c : index_.clips)
            clip_->addItem(QString("%1 (%2)").arg(q(c.name), q(c.why)), q(c.name));
    }
    if (index_.steps.empty()) {
        stepLabel_->setText("waiting for the first validation");
        return;
    }
    if (grew || clipsChanged) {
        const QSignalBlocker b(step_);
        step_->setRange(0, int(index_.steps.size()) - 1);
        if (atNewest || shownStep_ < 0) step_->setValue(step_->maximum());  // follow the newest
        fillVersus();
        load();
    }
}

void ListeningStrip::fillVersus() {
    const QString keep = versus_->currentText();
    const QSignalBlocker b(versus_);
    versus_->clear();
    versus_->addItem("none");
    const int shown = step_->value();
    for (int i = int(index_.steps.size()) - 1; i >= 0; --i)
        if (i != shown) versus_->addItem(QString("step %1").arg(index_.steps[size_t(i)]), q(snapshotPath(run_.toStdString(), index_.steps[size_t(i)], clip_->currentData().toString().toStdString())));
    const int c = clip_->currentIndex();
    if (c >= 0 && size_t(c) < index_.clips.size())
        for (const auto& other : otherRuns_) {
            QString label;
            const QString path = sameClipIn(other, index_.clips[size_t(c)], &label);
            if (!path.isEmpty()) versus_->addItem(label, path);
        }
    const int i = versus_->findText(keep);
    versus_->setCurrentIndex(i >= 0 ? i : 0);
}

void ListeningStrip::load() {
    const int c = clip_->currentIndex(), s = step_->value();
    if (c < 0 || size_t(c) >= index_.clips.size() || s < 0 || size_t(s) >= index_.steps.size()) return;
    const std::string run = run_.toStdString(), clip = index_.clips[size_t(c)].name;
    const int64_t step = index_.steps[size_t(s)];
    stepLabel_->setText(QString("step %1%2").arg(step).arg(size_t(s) + 1 == index_.steps.size() ? " (newest)" : ""));
    const QString versusPath = versus_->currentIndex() > 0 ? versus_->currentData().toString() : QString();
    const QString versusName = versus_->currentText();
    const std::string baseline = index_.baseline.empty() ? "input" : index_.baseline;
    const int scale = std::max(1, index_.scale);
    job_.start<Loaded>(
        [run, clip, step, baseline, scale, versusPath = versusPath.toStdString(), versusName = versusName.toStdString()](
            JobContext& ctx) {
            Loaded out;
            Comparison& c = out.comparison;
            c.hasTruth = true;
            c.scale = scale;
            c.path = snapshotTruthPath(run, clip);
            auto add = [&](const std::string& name, const std::string& path, bool pane) {
                int rate = 0;
                auto x = readMono(path, &rate);
                ctx.cancel().throwIfCancelled();
                if (c.rate == 0) {
                    c.rate = rate;
                    c.frames = x.size();
                }
                x.resize(c.frames, 0.0f);  // every version as long as the truth
                Version v;
                v.name = name;
                v.rms = rmsOf(x);
                if (pane)
                    out.panes.push_back({q(name), std::make_shared<const DisplaySpectrogram>(makeDisplaySpectrogram(x, c.rate, 23.0, 800, 1)), c.rate / 2.0,
                                         name == baseline ? c.rate / 2.0 / scale : 0.0});
                v.audio = makeSamples(std::move(x));
                c.versions.push_back(std::move(v));
            };
            add("ground truth", snapshotTruthPath(run, clip), true);
            add(baseline, snapshotInputPath(run, clip), false);
            add("step " + std::to_string(step), snapshotPath(run, step, clip), true);
            if (!versusPath.empty()) add(versusName, versusPath, true);
            return out;
        },
        [this, step](Loaded r) {
            versions_.clear();
            for (const auto& v : r.comparison.versions) versions_ << q(v.name);
            group_->setPanes(r.panes);
            player_->setComparison(r.comparison);
            shownStep_ = step;
            Q_EMIT shown(step);
        },
        [this](const JobFailure& f) {
            if (!f.cancelled) note_->setText("cannot show this snapshot: " + f.message);
        });
}

QString ListeningStrip::heading() const { return runLabel_->text(); }

}  // namespace srlab
