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
#include <QPointer>
#include <QSignalBlocker>
#include <cmath>
#include <mutex>


#include "AbxPanel.h"
#include "MetricsTable.h"
#include "infer/DefaultModels.h"
#include "infer/ModelUpsampler.h"
#include "model/ModelConfig.h"
#include "PlayerBar.h"
#include "SpectrogramGroup.h"

namespace srlab {

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
    model_ = new QComboBox;
    model_->setToolTip("Trained model whose super-resolved version is shown beside the baselines");
    model_->addItem("no model", QString());
    for (const auto& m : shippedModels())
        model_->addItem(QString("model: %1").arg(QString::fromStdString(m.name)), QString::fromStdString(m.dir));
    model_->addItem("checkpoint...", QString("?"));
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
    top->addWidget(model_);
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
    abx_ = new AbxPanel(player_->player());
    lay->addWidget(abx_);

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
    connect(model_, &QComboBox::activated, this, [this] { modelChosen(); });
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

void ComparePage::setModel(const QString& checkpoint) {
    int i = model_->findData(checkpoint);
    if (i < 0) {
        model_->insertItem(model_->count() - 1, QString("model: %1").arg(checkpoint.section('/', -4)), checkpoint);
        i = model_->count() - 2;
    }
    model_->setCurrentIndex(i);
    modelChosen();
}

void ComparePage::modelChosen() {
    QString dir = model_->currentData().toString();
    if (dir == "?") {
        dir = QFileDialog::getExistingDirectory(this, "Checkpoint folder (holds model.pt and model.json)");
        if (dir.isEmpty()) {
            model_->setCurrentIndex(0);
            return;
        }
        setModel(dir);
        return;
    }
    upsampler_.reset();
    if (!dir.isEmpty()) {
        // The model fixes the rate and scale; the settings follow it.
        try {
            const auto cfg = readCheckpointConfig(dir.toStdString());
            const QSignalBlocker b1(rate_), b2(scale_);
            if (rate_->findText(QString::number(cfg.rate)) < 0) rate_->addItem(QString::number(cfg.rate));
            rate_->setCurrentText(QString::number(cfg.rate));
            scale_->setValue(cfg.scale);
        } catch (const std::exception& e) {
            file_->setText(QString("error: %1").arg(e.what()));
            model_->setCurrentIndex(0);
            Q_EMIT failed(QString::fromStdString(e.what()));
            return;
        }
    }
    if (!path_.isEmpty()) openFile(path_);
}

namespace {

PaneData paneFor(size_t i, int rate, const Version& v, double windowMs, FreqScale scale) {
    PaneData d{QString("%1  %2").arg(i + 1).arg(QString::fromStdString(v.name)),
               makeDisplaySpectrogram(*v.audio, rate, windowMs, 1600, 1), rate / 2.0, v.bandLimitHz, false};
    d.cells = makePaneCells(d.spec, scale, d.maxHz);
    d.sources = {v.audio};
    d.rate = rate;
    d.windowMs = windowMs;
    return d;
}

// Version k minus the ground truth, in dB, with the low-res Nyquist marked.
PaneData differencePane(const Comparison& c, size_t k, const PaneData& version, const PaneData& truth) {
    PaneData diff = version;
    for (size_t b = 0; b < diff.spec.db.size(); ++b) diff.spec.db[b] -= truth.spec.db[b];
    diff.title = QString("difference: %1 - ground truth (dB)").arg(QString::fromStdString(c.versions[k].name));
    diff.diff = true;
    diff.bandLimitHz = c.rate / (2.0 * c.scale);
    diff.sources = {c.versions[k].audio, c.versions[0].audio};
    diff.cells = makePaneCells(diff.spec, version.cells.scale, diff.maxHz);
    return diff;
}

}  // namespace

// Loading is staged so the slow parts never hold back the fast ones: the versions and their
// spectrograms are shown first, then the metrics fill the table, then a model's version joins
// (inference takes seconds on a long file). Each stage is posted to the GUI thread; a newer
// load's generation drops an older one's posts.
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
    const FreqScale scale = group_->style().scale;
    const std::string p = path.toStdString();
    const std::string checkpoint = model_->currentData().toString().toStdString();
    auto upsampler = upsampler_;
    const int gen = ++generation_;
    QPointer<ComparePage> self(this);
    auto post = [self, gen](auto fn) {
        QMetaObject::invokeMethod(self, [self, gen, fn = std::move(fn)]() mutable {
            if (self && self->generation_ == gen) fn(self.data());
        }, Qt::QueuedConnection);
    };
    job_.start<bool>(
        this,
        [=](ProgressSink& progress, const CancelToken& cancel) {
            std::vector<PaneData> panes;
            std::mutex mu;
            Comparison c = makeVersions(p, s, cancel, [&](size_t i, const Version& v) {
                PaneData d = paneFor(i, s.rate, v, winMs, scale);
                std::lock_guard<std::mutex> lock(mu);
                if (panes.size() <= i) panes.resize(i + 1);
                panes[i] = std::move(d);
            });
            const size_t diffOf = c.hasTruth && c.versions.size() > 2 ? 2 : 0;  // first baseline
            if (diffOf) panes.push_back(differencePane(c, diffOf, panes[diffOf], panes[0]));
            auto shown = [&c] {  // what the GUI keeps: everything but the low-rate signal
                Comparison v = c;
                v.low = {};
                return v;
            };
            post([v = shown(), panes](ComparePage* page) { page->showVersions(v, panes); });
            progress.progress(1, 3, "metrics");
            addMetrics(c, cancel);
            post([v = shown()](ComparePage* page) { page->showMetrics(v); });
            if (!checkpoint.empty()) {
                progress.progress(2, 3, "model");
                auto model = upsampler;
                if (!model || model->checkpoint() != checkpoint) model = std::make_shared<ModelUpsampler>(checkpoint);
                const auto& m = model->config();
                if (m.rate == s.rate && m.scale == s.scale) {
                    c.versions.push_back(methodVersion(c, modelMethod(model, m.arch + "/" + m.preset)));
                    addMetrics(c, cancel);
                    const size_t k = c.versions.size() - 1;
                    panes.insert(panes.begin() + long(k), paneFor(k, c.rate, c.versions[k], winMs, scale));
                    if (c.hasTruth) {
                        panes.pop_back();  // the difference pane now shows the model
                        panes.push_back(differencePane(c, k, panes[k], panes[0]));
                    }
                    post([v = shown(), panes](ComparePage* page) {
                        page->showVersions(v, panes);
                        page->showMetrics(v);
                    });
                }
                post([model](ComparePage* page) { page->upsampler_ = model; });
            }
            return true;
        },
        [this](double done, double total, const std::string& what) {
            progress_->setRange(0, int(total));
            progress_->setValue(int(done));
            progress_->setFormat(QString::fromStdString(what));
        },
        [this](bool) { finish(); },
        [this](const QString& msg) {
            loading_ = false;
            progress_->setVisible(false);
            cancel_->setVisible(false);
            file_->setText(msg == "cancelled" ? QString("cancelled") : QString("error: %1").arg(msg));
            Q_EMIT failed(msg);
        });
}

void ComparePage::showVersions(const Comparison& c, const std::vector<PaneData>& panes) {
    *comparison_ = c;
    group_->setPanes(panes);
    metrics_->setComparison(c);
    player_->setComparison(c);
    abx_->setComparison(c);
    file_->setText(QString("%1   %2 Hz x%3, %4 s%5")
                       .arg(QString::fromStdString(c.path))
                       .arg(c.rate)
                       .arg(c.scale)
                       .arg(double(c.frames) / c.rate, 0, 'f', 1)
                       .arg(c.hasTruth ? "" : "   (low-res input: no ground truth)"));
    Q_EMIT panesShown(QString::fromStdString(c.path));
}

void ComparePage::showMetrics(const Comparison& c) {
    for (size_t i = 0; i < c.versions.size() && i < comparison_->versions.size(); ++i)
        comparison_->versions[i].hasMetrics = c.versions[i].hasMetrics, comparison_->versions[i].metrics = c.versions[i].metrics;
    metrics_->setComparison(*comparison_);
}

void ComparePage::finish() {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    loading_ = false;
    Q_EMIT loaded(QString::fromStdString(comparison_->path));
}

}  // namespace srlab
