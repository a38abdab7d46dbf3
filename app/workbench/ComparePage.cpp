// SPDX-License-Identifier: GPL-3.0-or-later
// The page, its controls and the staged load (ComparePageModels.cpp: the model menu;
// ComparePageShow.cpp: what the load shows).
#include "ComparePage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>
#include <QPointer>
#include <QSaveFile>
#include <QSignalBlocker>
#include <cmath>
#include <optional>
#include <mutex>
#include "AbxPanel.h"
#include "MushraPanel.h"
#include "audio/AudioFile.h"
#include "audio/AudioStream.h"
#include <filesystem>
#include "util/AtomicFile.h"
#include "MetricsTable.h"
#include "runs/DefaultModels.h"
#include "eval/ExternalOutput.h"
#include "eval/LowBandMethod.h"
#include "runs/ModelConfig.h"
#include "PlayerBar.h"
#include "SpectrogramGroup.h"
#include "ModelCache.h"

namespace srlab {

ComparePage::ComparePage(QWidget* parent) : QWidget(parent), models_(std::make_shared<ModelCache>()) {
    auto* lay = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    auto* open = new QPushButton("Open audio...");
    rate_ = new QComboBox;
    rate_->setToolTip("The ground truth's rate. \"file's rate\" keeps the file as it is: the truth is never\n"
                      "upsampled, nor cut to a model's rate. A model made for another rate is not used (the\n"
                      "header says why); pick its rate here to resample the file to it.");
    rate_->addItem("file's rate", 0);
    for (int r : {16000, 22050, 44100, 48000}) rate_->addItem(QString("%1 Hz").arg(r), r);
    scale_ = new QSpinBox;
    scale_->setRange(2, 8);
    scale_->setValue(4);
    scale_->setPrefix("x");
    scale_->setToolTip("Scale r: the low-res version is made at the truth's rate / r");
    filter_ = new QComboBox;
    filter_->setEditable(true);  // any degradation's text form may be typed
    filter_->setInsertPolicy(QComboBox::NoInsert);
    filter_->addItem("none");
    for (const auto& d : defaultDegradationMatrix()) filter_->addItem(QString::fromStdString(d.toString()));
    filter_->setCurrentText("cheby");
    filter_->setToolTip("How the low-res version is made (docs/reference.md §1, §6): cheby as scipy.signal.decimate,\n"
                        "sinc a windowed-sinc low-pass, none plain decimation (aliased); or a degradation as real\n"
                        "input meets it: another filter family (ellip:8/min), a resampler (soxr), a codec\n"
                        "(soxr+mp3:0.5), gain and noise. Type any such text and press Enter.");
    windowMs_ = new QDoubleSpinBox;
    windowMs_->setRange(2, 200);
    windowMs_->setValue(46);
    windowMs_->setSuffix(" ms window");
    windowMs_->setToolTip("STFT window of the spectrograms");
    // Each entry holds the checkpoint folders it compares: none, one, or several side by side.
    model_ = new QComboBox;
    model_->setObjectName("model");
    model_->setToolTip("Trained model whose super-resolved version is shown beside the baselines");
    model_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);  // long names never widen the window
    model_->setMinimumContentsLength(22);
    model_->addItem("no model", QStringList());
    for (const auto& m : shippedModels())
        model_->addItem(QString("model: %1").arg(QString::fromStdString(m.name)), QStringList{QString::fromStdString(m.dir)});
    addModelPickers();
    lowBand_ = new QCheckBox("keep low band");
    lowBand_->setObjectName("lowBand");
    lowBand_->setChecked(true);
    lowBand_->setToolTip("Low-band consistency (docs/reference.md §4.1): a model's version keeps the input's own\n"
                         "band below its edge and takes only the band above it from the network, as\n"
                         "`srlab upsample` does by default. Off: the network's output as is.");
    file_ = new QLabel("Open a file, drop one on the window, or pick a dataset item");
    // Paths are long: the header takes the room there is and never widens the window.
    file_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    file_->setMinimumWidth(200);
    // Why a model was not used: on its own line, wrapped, never cut off.
    note_ = new QLabel;
    note_->setObjectName("modelNote");
    note_->setWordWrap(true);
    note_->setStyleSheet("color: #a04000");
    note_->setVisible(false);
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
    top->addWidget(lowBand_);
    top->addWidget(file_, 1);
    top->addWidget(progress_);
    top->addWidget(cancel_);
    lay->addLayout(top);
    lay->addWidget(note_);
    group_ = new SpectrogramGroup;
    metrics_ = new MetricsTable;
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(group_);
    split->addWidget(metrics_);
    // The panes take what the table (every row visible) leaves; the handle still moves.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    split->setChildrenCollapsible(false);
    lay->addWidget(split, 1);
    player_ = new PlayerBar;
    lay->addWidget(player_);
    abx_ = new AbxPanel(player_->player());
    auto* tests = new QHBoxLayout;
    tests->addWidget(abx_, 1);
    auto* mushraButton = new QPushButton("MUSHRA...");
    mushraButton->setObjectName("mushraButton");
    mushraButton->setToolTip("A MUSHRA listening test (ITU-R BS.1534) of this file's versions, with a hidden\n"
                             "reference and the 3.5 and 7 kHz anchors; results go to the workspace's mushra/results.csv");
    connect(mushraButton, &QPushButton::clicked, this, [this] {
        mushra()->show();
        mushra()->raise();
    });
    tests->addWidget(mushraButton);
    lay->addLayout(tests);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open audio", QString(),
                                                       "Audio (*.wav *.flac *.ogg *.opus *.mp3 *.aiff);;All files (*)");
        if (!p.isEmpty()) openFile(p);
    });
    connect(cancel_, &QPushButton::clicked, &load_, &JobRunner::cancel);
    connect(group_, &SpectrogramGroup::detailWanted, this, &ComparePage::makeDetail);
    auto reload = [this] {
        if (!path_.isEmpty()) openFile(path_);
    };
    connect(rate_, &QComboBox::currentIndexChanged, this, reload);
    connect(scale_, &QSpinBox::valueChanged, this, reload);
    connect(filter_, &QComboBox::currentIndexChanged, this, reload);
    connect(filter_->lineEdit(), &QLineEdit::editingFinished, this, [this, reload] {
        if (filter_->currentText() != lastFilter_) reload();
    });
    connect(windowMs_, &QDoubleSpinBox::editingFinished, this, reload);
    connect(lowBand_, &QCheckBox::toggled, this, reload);
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

ComparePage::~ComparePage() = default;  // jobs are cancelled by their runners; none is waited for

namespace {

PaneData paneData(const QString& title, DisplaySpectrogram spec, int rate, double bandLimitHz, bool diff,
                  const SpectrogramStyle& style) {
    PaneData d{title, std::make_shared<const DisplaySpectrogram>(std::move(spec)), rate / 2.0, bandLimitHz, diff};
    d.picture = paintPane(*d.spec, style, diff, d.maxHz);
    d.zoomable = true;
    return d;
}

QString versionTitle(size_t i, const Version& v, bool complete = true) {
    return QString("%1  %2%3").arg(i + 1).arg(QString::fromStdString(v.name)).arg(complete ? "" : "  (this view first; the rest follows)");
}

}  // namespace

// Forwards the session's stages from the job's thread to the page: each becomes a posted call
// that runs only while this load is the page's current one. Pane cells are built here, off the
// GUI thread.
class PageEvents : public CompareEvents {
public:
    PageEvents(JobContext& ctx, ComparePage* page, const SpectrogramStyle& style, const CompareSettings& s)
        : ctx_(ctx), page_(page), style_(style), rate_(s.rate), lowScale_(s.scale) {}
    void opened(const Comparison& c) override {
        rate_ = c.rate;
        ctx_.post([p = page_, c] {
            p->comparison_ = c;
            p->file_->setText(QString("loading %1 (%2 Hz x%3) ...").arg(QString::fromStdString(c.path)).arg(c.rate).arg(c.scale));
        });
    }
    void version(size_t i, const Version& v, const DisplaySpectrogram& overview) override {
        PaneData d = paneData(versionTitle(i, v), overview, rate_, v.bandLimitHz, false, style_);
        ctx_.post([p = page_, i, v, d] { p->showVersion(i, v, d); });
    }
    void versionsDone(const Comparison& c) override {
        std::lock_guard<std::mutex> lock(namesLock_);
        names_.resize(std::max(names_.size(), c.versions.size()));
        for (size_t i = 0; i < c.versions.size(); ++i) names_[i] = c.versions[i].name;
        ctx_.post([p = page_, c] { p->showVersions(c); });
    }
    void difference(size_t of, const DisplaySpectrogram& d) override {
        std::string name = "super-res";
        {
            std::lock_guard<std::mutex> lock(namesLock_);
            if (of < names_.size()) name = names_[of];
        }
        PaneData pane = paneData(QString("difference: %1 - ground truth (dB)").arg(QString::fromStdString(name)), d, rate_,
                                 rate_ / (2.0 * lowScale_), true, style_);
        ctx_.post([p = page_, pane, of] {
            std::vector<Samples> sources{of < p->comparison_.versions.size() ? p->comparison_.versions[of].audio : Samples{},
                                         p->comparison_.hasTruth ? p->comparison_.versions[0].audio : Samples{}};
            p->showDifference(pane, std::move(sources));
        });
    }
    void modelVersion(size_t k, const Version& v, const DisplaySpectrogram& overview, bool complete) override {
        {
            std::lock_guard<std::mutex> lock(namesLock_);  // the first model's view comes from its own thread
            if (names_.size() <= k) names_.resize(k + 1);
            names_[k] = v.name;
        }
        PaneData d = paneData(versionTitle(k, v, complete), overview, rate_, 0, false, style_);
        ctx_.post([p = page_, k, v, d, complete] { p->showModelVersion(k, v, d, complete); });
    }
    void modelRefused(const std::string& why, bool loadFailed) override {
        ctx_.post([p = page_, w = QString::fromStdString(why), loadFailed] {
            // Each checkpoint refused says why, on a line of its own.
            p->note_->setText((p->note_->text().isEmpty() ? QString() : p->note_->text() + "\n") + "model not used: " + w);
            p->note_->setVisible(true);
            if (loadFailed) Q_EMIT p->modelRefused(w);  // an error; a mismatch is only shown
        });
    }
    void metrics(const Comparison& c) override {
        ctx_.post([p = page_, c] { p->showMetrics(c); });
    }

private:
    JobContext& ctx_;
    ComparePage* page_;  // only touched in posted calls, on the GUI thread
    SpectrogramStyle style_;
    int rate_, lowScale_;
    std::mutex namesLock_;
    std::vector<std::string> names_;  // of the versions, for the difference pane's title
};

void ComparePage::openAt(const QString& path, int rate, int scale, const QString& filter, double t0, double t1) {
    {
        const QSignalBlocker b1(rate_), b2(scale_), b3(filter_);
        int i = rate_->findData(rate);
        if (i < 0) {
            rate_->addItem(QString("%1 Hz").arg(rate), rate);
            i = rate_->count() - 1;
        }
        rate_->setCurrentIndex(i);
        scale_->setValue(scale);
        filter_->setCurrentText(filter);
    }
    viewFrom_ = t0;
    viewTo_ = t1;
    openFile(path);
}

void ComparePage::resetZoom() {
    if (group_->paneCount() > 0 && comparison_.rate > 0)
        group_->pane(0)->xAxis->setRange(0, double(comparison_.frames) / comparison_.rate);
}

void ComparePage::openFile(const QString& path) {
    if (path != path_) outputs_.clear();  // other systems' outputs belong to the file they were added to
    path_ = path;
    if (modelProbe_.running()) return;  // the model's rate and scale first: the probe opens path_
    unreadable_ = false;
    note_->clear();
    note_->setVisible(false);
    CompareRequest r;
    r.path = path.toStdString();
    r.settings.rate = rate_->currentData().toInt();
    r.settings.scale = scale_->value();
    r.settings.modelRate = modelRate_;
    r.settings.modelScale = modelScale_;
    lastFilter_ = filter_->currentText();
    try {
        r.settings.filter = Degradation::parse(lastFilter_.trimmed().toStdString());
    } catch (const std::exception& e) {
        load_.abandon();  // a load still running under the old settings shows nothing more
        for (auto& j : detailJobs_) j->abandon();
        fail(JobFailure{false, QString::fromStdString(e.what())});
        return;
    }
    r.windowMs = windowMs_->value();
    r.columns = 1600;
    if (viewTo_ > viewFrom_) {
        r.focusBegin = viewFrom_;
        r.focusEnd = viewTo_;
    }
    // The checkpoints of the model entry picked; with several, each is named by its run and
    // checkpoint too.
    const QStringList checkpoints = checkpointsCompared();
    for (const QString& dir : checkpoints) {
        const bool several = checkpoints.size() > 1;
        const std::string where = QString("%1/%2").arg(dir.section('/', -3, -3), dir.section('/', -1)).toStdString();
        r.models.push_back([checkpoint = dir.toStdString(), cache = models_, several, where, keep = lowBand_->isChecked()] {
            const auto model = cache->get(checkpoint);
            const auto& m = model->config();
            const std::string name = m.arch + "/" + m.preset + (several ? " " + where : "");
            std::error_code ec;
            const auto time = std::filesystem::last_write_time(checkpoint, ec).time_since_epoch().count();
            Method method = modelMethod(model, name);
            if (keep) method = withLowBand(std::move(method), m.scale, model->lowRate());
            return CompareModel{name, m.rate, m.scale, std::move(method),
                                checkpoint + "|" + std::to_string(time) + (keep ? "|low band kept" : "|raw"), checkpoint};
        });
    }
    // Other systems' outputs of this file, lined up with it (eval/ExternalOutput.h).
    for (const auto& [name, file] : outputs_)
        r.models.push_back([name = name.toStdString(), file = file.toStdString()] {
            Method m;
            m.name = name;
            m.forFile = [file](const std::string& truth, int rate, int scale, size_t n, const CancelToken&) {
                return externalOutputStream(file, truth, rate, scale, n, nullptr);
            };
            std::error_code ec;
            const auto time = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
            return CompareModel{name, 0, 0, m, "output|" + file + "|" + std::to_string(time), file};
        });
    const SpectrogramStyle style = group_->style();
    // Nothing of the previous file stays on screen: its panes, rows and readout go now.
    for (auto& j : detailJobs_) j->abandon();
    comparison_ = Comparison{};
    paneSources_.clear();
    panesBegun_.clear();
    versionsShown_ = false;
    hasDifference_ = false;
    group_->setPanes({});
    metrics_->setComparison(comparison_);
    player_->setComparison(comparison_);
    abx_->setComparison(comparison_);
    if (mushra_) mushra_->setComparison(comparison_);
    file_->setText(QString("loading %1 ...").arg(path));
    progress_->setVisible(true);
    progress_->setRange(0, 0);
    cancel_->setVisible(true);
    QPointer<ComparePage> self(this);
    load_.start<bool>(
        [r, style, self, root = cacheRoot_.toStdString()](JobContext& ctx) mutable {
            try {  // a file that cannot be read at all is not tried again when a setting changes
                AudioReader probe(r.path);
            } catch (const std::exception&) {
                ctx.post([self] {
                    if (self) self->unreadable_ = true;
                });
                throw;
            }
            std::optional<CompareCacheLease> lease;  // this load's folder stays while it runs
            if (!root.empty()) {
                r.cacheDir = compareCacheFolder(root, r.path, r.settings);
                lease.emplace(r.cacheDir);
                dropOtherCaches(root, r.cacheDir);
            }
            PageEvents events(ctx, self.data(), style, r.settings);
            runCompare(r, events, ctx, ctx.cancel());
            return true;
        },
        [this](bool) { finish(); }, [this](const JobFailure& f) { fail(f); },
        [this](double done, double total, const QString& what) {
            progress_->setRange(0, int(total));
            progress_->setValue(int(done));
            progress_->setFormat(what);
        });
}

}  // namespace srlab
