// SPDX-License-Identifier: GPL-3.0-or-later
#include "ComparePage.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>

#include "MetricsTable.h"
#include "PlayerBar.h"
#include "SpectrogramGroup.h"

namespace srlab {

struct ComparePage::Loaded {
    Comparison comparison;
    std::vector<PaneData> panes;
};

ComparePage::ComparePage(QWidget* parent) : QWidget(parent), comparison_(new Comparison) {
    auto* lay = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    auto* open = new QPushButton("Open audio...");
    rate_ = new QComboBox;
    rate_->addItems({"16000", "22050", "44100", "48000"});
    rate_->setCurrentText("44100");
    scale_ = new QSpinBox;
    scale_->setRange(2, 8);
    scale_->setValue(4);
    scale_->setPrefix("x");
    filter_ = new QComboBox;
    filter_->addItems({"cheby", "sinc", "none"});
    windowMs_ = new QDoubleSpinBox;
    windowMs_->setRange(2, 200);
    windowMs_->setValue(46);
    windowMs_->setSuffix(" ms window");
    file_ = new QLabel("Open a file, drop one on the window, or pick a dataset item");
    progress_ = new QProgressBar;
    progress_->setMaximumWidth(160);
    progress_->setVisible(false);
    cancel_ = new QPushButton("Cancel");
    cancel_->setVisible(false);
    top->addWidget(open);
    top->addWidget(new QLabel("target"));
    top->addWidget(rate_);
    top->addWidget(scale_);
    top->addWidget(filter_);
    top->addWidget(windowMs_);
    top->addWidget(file_, 1);
    top->addWidget(progress_);
    top->addWidget(cancel_);
    lay->addLayout(top);
    group_ = new SpectrogramGroup;
    metrics_ = new MetricsTable;
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(group_);
    split->addWidget(metrics_);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 1);
    lay->addWidget(split, 1);
    player_ = new PlayerBar;
    lay->addWidget(player_);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open audio", QString(),
                                                       "Audio (*.wav *.flac *.ogg *.opus *.mp3 *.aiff);;All files (*)");
        if (!p.isEmpty()) openFile(p);
    });
    connect(cancel_, &QPushButton::clicked, this, [this] { job_.cancel(); });
    auto reload = [this] {
        if (!path_.isEmpty()) openFile(path_);
    };
    connect(rate_, &QComboBox::currentIndexChanged, this, reload);
    connect(scale_, &QSpinBox::valueChanged, this, reload);
    connect(filter_, &QComboBox::currentIndexChanged, this, reload);
    connect(windowMs_, &QDoubleSpinBox::editingFinished, this, reload);
    connect(player_, &PlayerBar::playheadMoved, group_, &SpectrogramGroup::setPlayhead);
    connect(group_, &SpectrogramGroup::regionSelected, this, [this](double t0, double t1) {
        group_->setSelection(t0, t1);
        player_->setLoop(t0, t1);
    });
    for (int i = 0; i < 9; ++i)
        connect(new QShortcut(QKeySequence(Qt::Key_1 + i), this), &QShortcut::activated, this,
                [this, i] { player_->selectVersion(i); });
    connect(new QShortcut(QKeySequence(Qt::Key_Space), this), &QShortcut::activated, player_, &PlayerBar::togglePlay);
}

ComparePage::~ComparePage() { job_.cancelAndWait(); }

void ComparePage::openFile(const QString& path) {
    path_ = path;
    loading_ = true;
    file_->setText(QString("loading %1 ...").arg(path));
    progress_->setVisible(true);
    progress_->setRange(0, 0);
    cancel_->setVisible(true);
    CompareSettings s;
    s.rate = rate_->currentText().toInt();
    s.scale = scale_->value();
    s.filter = parseDecimFilter(filter_->currentText().toStdString());
    const double winMs = windowMs_->value();
    const std::string p = path.toStdString();
    job_.start<std::shared_ptr<Loaded>>(
        this,
        [=](ProgressSink&, const CancelToken& cancel) {
            auto l = std::make_shared<Loaded>();
            l->comparison = makeComparison(p, s, cancel);
            const Comparison& c = l->comparison;
            const double nyq = c.rate / 2.0;
            DisplaySpectrogram truth;
            for (size_t i = 0; i < c.versions.size(); ++i) {
                cancel.throwIfCancelled();
                const Version& v = c.versions[i];
                PaneData d{QString("%1  %2").arg(i + 1).arg(QString::fromStdString(v.name)),
                           makeDisplaySpectrogram(v.audio, c.rate, winMs, 1600), nyq, v.bandLimitHz, false};
                if (i == 0 && c.hasTruth) truth = d.spec;
                l->panes.push_back(std::move(d));
            }
            // Difference pane: the first baseline after low-res against the ground truth.
            if (c.hasTruth && c.versions.size() > 2) {
                PaneData diff = l->panes[2];
                for (size_t k = 0; k < diff.spec.db.size(); ++k) diff.spec.db[k] -= truth.db[k];
                diff.title = QString("difference: %1 - ground truth (dB)").arg(QString::fromStdString(c.versions[2].name));
                diff.diff = true;
                diff.bandLimitHz = c.rate / (2.0 * c.scale);
                l->panes.push_back(std::move(diff));
            }
            return l;
        },
        [](double, double, const std::string&) {},
        [this](std::shared_ptr<Loaded> l) { show(std::move(*l)); },
        [this](const QString& msg) {
            loading_ = false;
            progress_->setVisible(false);
            cancel_->setVisible(false);
            file_->setText(msg == "cancelled" ? QString("cancelled") : QString("error: %1").arg(msg));
            Q_EMIT failed(msg);
        });
}

void ComparePage::show(Loaded&& l) {
    *comparison_ = std::move(l.comparison);
    const Comparison& c = *comparison_;
    group_->setPanes(l.panes);
    metrics_->setComparison(c);
    player_->setComparison(c);
    progress_->setVisible(false);
    cancel_->setVisible(false);
    file_->setText(QString("%1   %2 Hz x%3, %4 s%5")
                       .arg(QString::fromStdString(c.path))
                       .arg(c.rate)
                       .arg(c.scale)
                       .arg(double(c.frames) / c.rate, 0, 'f', 1)
                       .arg(c.hasTruth ? "" : "   (low-res input: no ground truth)"));
    loading_ = false;
    Q_EMIT loaded(QString::fromStdString(c.path));
}

}  // namespace srlab
