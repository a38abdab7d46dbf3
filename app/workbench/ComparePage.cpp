// SPDX-License-Identifier: GPL-3.0-or-later
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
#include "infer/ModelUpsampler.h"
#include "runs/ModelConfig.h"
#include "PlayerBar.h"
#include "SpectrogramGroup.h"

namespace srlab {
namespace {
const QString kPickCheckpoint = "?";     // the model menu's "checkpoint..." entry
const QString kPickTorchScript = "?ts";  // its "TorchScript model..." entry (docs/reference.md §4.2)

// A model given as a file rather than a checkpoint folder: a TorchScript module (often named
// model.pt too), whose rate and scale only libtorch can read, so the model is loaded on a job
// (which also takes a file inside a checkpoint folder).
bool isModelFile(const QString& path) { return QFileInfo(path).isFile(); }
}  // namespace

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
    model_->addItem("checkpoint...", QStringList{kPickCheckpoint});
    model_->addItem("TorchScript model...", QStringList{kPickTorchScript});
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

// The last model loaded, shared with the load jobs (which load it on a worker): a new file
// with the same model does not load it again.
struct ModelCache {
    std::mutex mu;
    std::shared_ptr<const ModelUpsampler> model;
    std::shared_ptr<const ModelUpsampler> get(const std::string& checkpoint) {
        std::lock_guard<std::mutex> lock(mu);
        if (!model || model->checkpoint() != checkpoint) {
            auto m = std::make_shared<ModelUpsampler>(checkpoint);
            m->setLowBand(false);  // kept or not per comparison, by the method (withLowBand)
            model = std::move(m);
        }
        return model;
    }
};

ComparePage::~ComparePage() = default;  // jobs are cancelled by their runners; none is waited for

void ComparePage::compareCheckpoints(const QStringList& checkpoints) {
    QStringList list = checkpoints;
    list.removeDuplicates();
    if (list.isEmpty()) return;
    model_->setCurrentIndex(modelEntry(list));
    modelChosen();
}

void ComparePage::setModel(const QString& checkpoint) { compareCheckpoints({checkpoint}); }

QStringList ComparePage::checkpointsCompared() const { return model_->currentData().toStringList(); }

// The menu entry for these checkpoints, added (above "checkpoint...") when missing. Several are
// named by run and checkpoint, as their versions are.
int ComparePage::modelEntry(const QStringList& checkpoints) {
    const int found = model_->findData(checkpoints);
    if (found >= 0) return found;
    QStringList names;
    for (const QString& dir : checkpoints) names << QString("%1/%2").arg(dir.section('/', -3, -3), dir.section('/', -1));
    const QString label = checkpoints.size() == 1 ? QString("model: %1").arg(checkpoints[0].section('/', -4))
                                                  : QString("%1 checkpoints: %2").arg(checkpoints.size()).arg(names.join(", "));
    const int at = model_->count() - 2;  // above the two pickers
    model_->insertItem(at, label, checkpoints);
    model_->setItemData(at, checkpoints.size() == 1 ? checkpoints[0] : names.join("\n"), Qt::ToolTipRole);
    return at;
}

void ComparePage::modelChosen() {
    modelProbe_.abandon();  // a TorchScript model still loading for an earlier pick is not waited for
    const QStringList dirs = model_->currentData().toStringList();
    modelRate_ = modelScale_ = 0;  // until a model's settings are read below
    if (dirs == QStringList{kPickCheckpoint}) {
        const QString dir = QFileDialog::getExistingDirectory(this, "Checkpoint folder (holds model.pt and model.json)");
        if (dir.isEmpty()) {
            model_->setCurrentIndex(0);
            return;
        }
        setModel(dir);
        return;
    }
    if (dirs == QStringList{kPickTorchScript}) {
        const QString file = QFileDialog::getOpenFileName(this, "TorchScript model (saved with torch.jit.save)", QString(),
                                                          "TorchScript (*.pt *.pth *.ts *.jit);;All files (*)");
        if (file.isEmpty()) {
            model_->setCurrentIndex(0);
            return;
        }
        setModel(file);
        return;
    }
    model_->setToolTip(model_->currentData(Qt::ToolTipRole).toString());
    const auto refuse = [this](const QString& why) {
        file_->setText(QString("error: %1").arg(why));
        model_->setCurrentIndex(0);
        Q_EMIT failed(why);
    };
    if (!dirs.isEmpty() && dirs.size() == 1 && isModelFile(dirs.first())) {
        // Loaded on a job into the model cache (the comparison then reuses it); the file opens
        // when its rate and scale are known, unless another model was picked meanwhile.
        file_->setText("loading the TorchScript model...");
        modelProbe_.start<ModelConfig>(
            [path = dirs.first().toStdString(), cache = models_](JobContext&) { return cache->get(path)->config(); },
            [this, dirs](ModelConfig cfg) {
                if (checkpointsCompared() != dirs) return;
                useModelConfig(cfg);
                if (!path_.isEmpty()) openFile(path_);
                else file_->clear();
            },
            [this, dirs, refuse](const JobFailure& f) {
                if (!f.cancelled && checkpointsCompared() == dirs) refuse(f.message);
            });
        return;
    }
    if (!dirs.isEmpty()) {
        try {
            useModelConfig(readCheckpointConfig(dirs.first().toStdString()));
        } catch (const std::exception& e) {
            refuse(QString::fromStdString(e.what()));
            return;
        }
    }
    if (!path_.isEmpty()) openFile(path_);
}

// The model fixes the scale. The truth's rate stays the file's: a model for another rate is
// refused with the reason shown, never allowed to change the truth. A target rate left from
// another comparison (a dataset's, say) that is not this model's goes back to the file's, or
// it would hide the model.
void ComparePage::useModelConfig(const ModelConfig& cfg) {
    const QSignalBlocker b1(rate_), b2(scale_);
    scale_->setValue(cfg.scale);
    modelRate_ = cfg.rate;
    modelScale_ = cfg.scale;
    if (rate_->currentData().toInt() != 0 && rate_->currentData().toInt() != cfg.rate) rate_->setCurrentIndex(0);
}


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
            if (!root.empty()) {
                r.cacheDir = compareCacheFolder(root, r.path, r.settings);
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

void ComparePage::showVersion(size_t i, const Version& v, const PaneData& pane) {
    if (comparison_.versions.size() <= i) comparison_.versions.resize(i + 1);
    comparison_.versions[i] = v;
    if (paneSources_.size() <= i) paneSources_.resize(i + 1);
    paneSources_[i] = {v.audio};
    group_->setPane(int(i), pane, i > 0);
    if (i == 0 && comparison_.versions.size() == 1) Q_EMIT stageShown("truth");
    // A long file's panes fill in as their versions are made: each pane's first drawing.
    if (panesBegun_.size() <= i) panesBegun_.resize(i + 1, false);
    if (!panesBegun_[i]) {
        panesBegun_[i] = true;
        Q_EMIT stageShown(QString("pane %1 begun").arg(i + 1));
    }
}

void ComparePage::showVersions(const Comparison& c) {
    // The model's view may have come first (it runs beside the versions): it stays.
    const Comparison before = comparison_;
    comparison_ = c;
    for (size_t i = c.versions.size(); i < before.versions.size() && before.versions[i].audio; ++i)
        comparison_.versions.push_back(before.versions[i]);
    versionsShown_ = true;
    metrics_->setComparison(comparison_);
    player_->setComparison(comparison_);
    abx_->setComparison(comparison_);
    if (mushra_) mushra_->setComparison(comparison_);
    file_->setToolTip(QString::fromStdString(c.path));
    file_->setText(QString("%1   %2 Hz x%3, %4 s%5%6")
                       .arg(QFileInfo(QString::fromStdString(c.path)).fileName())
                       .arg(c.rate)
                       .arg(c.scale)
                       .arg(double(c.frames) / c.rate, 0, 'f', 1)
                       .arg(c.hasTruth ? "" : "   (low-res input: no ground truth)")
                       .arg(c.contentCutoffHz > 0 ? QString("   (content up to %1 kHz: band-limited)").arg(c.contentCutoffHz / 1000, 0, 'f', 1)
                                                  : QString()));
    // The truth's own band edge, dashed on its pane (docs/reference.md §5).
    if (c.hasTruth && c.contentCutoffHz > 0 && group_->paneCount() > 0) group_->pane(0)->setBandLimit(c.contentCutoffHz);
    if (viewTo_ > viewFrom_ && group_->paneCount() > 0) {  // openAt: the patch's place
        group_->pane(0)->xAxis->setRange(viewFrom_, viewTo_);
        viewFrom_ = viewTo_ = -1;
    }
    Q_EMIT stageShown("versions");
    Q_EMIT panesShown(QString::fromStdString(c.path));
}

// The difference pane is always the last one.
void ComparePage::showDifference(const PaneData& pane, std::vector<Samples> sources) {
    differencePane_ = pane;
    differenceSources_ = std::move(sources);
    hasDifference_ = true;
    const size_t at = comparison_.versions.size();
    if (paneSources_.size() <= at) paneSources_.resize(at + 1);
    paneSources_[at] = differenceSources_;
    detailJob(int(at)).abandon();
    group_->setPane(int(at), pane);
}

// A partial version (its title says so) is replaced in place by the complete one.
void ComparePage::showModelVersion(size_t k, const Version& v, const PaneData& pane, bool complete) {
    if (comparison_.versions.size() <= k) comparison_.versions.resize(k + 1);
    comparison_.versions[k] = v;
    if (paneSources_.size() <= k + 1) paneSources_.resize(k + 2);
    paneSources_[k] = {v.audio};
    detailJob(int(k)).abandon();
    group_->setPane(int(k), pane);
    if (!versionsShown_) {  // ahead of the baselines: heard and measured once they are all there
        Q_EMIT stageShown(complete ? "model" : "model (view)");
        return;
    }
    if (hasDifference_) {  // moves below the model's pane, until the model's own replaces it
        paneSources_[k + 1] = differenceSources_;
        detailJob(int(k + 1)).abandon();
        group_->setPane(int(k + 1), differencePane_);
    }
    player_->setComparison(comparison_);
    metrics_->setComparison(comparison_);
    abx_->setComparison(comparison_);
    if (mushra_) mushra_->setComparison(comparison_);
    Q_EMIT stageShown(complete ? "model" : "model (view)");
}

void ComparePage::showMetrics(const Comparison& c) {
    for (size_t i = 0; i < c.versions.size() && i < comparison_.versions.size(); ++i) {
        comparison_.versions[i].hasMetrics = c.versions[i].hasMetrics;
        comparison_.versions[i].metrics = c.versions[i].metrics;
    }
    metrics_->setComparison(comparison_);
    const bool model = !c.versions.empty() && c.versions.back().name.rfind("super-res", 0) == 0;
    Q_EMIT stageShown(model ? "model metrics" : "metrics");
}

void ComparePage::finish() {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    Q_EMIT loaded(QString::fromStdString(comparison_.path));
}

void ComparePage::fail(const JobFailure& f) {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    if (f.cancelled) {
        file_->setText(QString("%1: cancelled").arg(path_));
        Q_EMIT failed({});
        return;
    }
    // The header names the failure and nothing of an earlier file stays beside it. A file that
    // cannot be read is not tried again when a setting changes; one that failed under these
    // settings (a filter chain, a rate that does not fit the scale) is, with the corrected ones.
    if (unreadable_) path_.clear();
    viewFrom_ = viewTo_ = -1;
    group_->setPanes({});
    comparison_ = Comparison{};
    metrics_->setComparison(comparison_);
    player_->setComparison(comparison_);
    abx_->setComparison(comparison_);
    if (mushra_) mushra_->setComparison(comparison_);
    file_->setText(QString("error: %1").arg(f.message));
    Q_EMIT failed(f.message);
}

QString ComparePage::header() const { return !note_->text().isEmpty() ? file_->text() + "   (" + note_->text() + ")" : file_->text(); }

void ComparePage::chooseOutputVersion() {
    if (path_.isEmpty()) {
        QMessageBox::information(this, "Add version from file", "Open the file the output was made from first.");
        return;
    }
    const QString p = QFileDialog::getOpenFileName(this, "Another system's output of " + QFileInfo(path_).fileName(),
                                                   QFileInfo(path_).absolutePath(),
                                                   "Audio (*.wav *.flac *.ogg *.opus *.mp3 *.aiff);;All files (*)");
    if (!p.isEmpty()) addOutputVersion(p);
}

void ComparePage::addOutputVersion(const QString& file, const QString& name) {
    QString n = name.isEmpty() ? QFileInfo(file).completeBaseName() : name;
    for (int k = 2; std::any_of(outputs_.begin(), outputs_.end(), [&](const auto& o) { return o.first == n; }); ++k)
        n = (name.isEmpty() ? QFileInfo(file).completeBaseName() : name) + QString(" (%1)").arg(k);
    outputs_.emplace_back(n, file);
    if (!path_.isEmpty()) openFile(path_);
}

int ComparePage::superResIndex() const {
    for (size_t i = 0; i < comparison_.versions.size(); ++i)
        if (comparison_.versions[i].name.rfind("super-res", 0) == 0 && comparison_.versions[i].audio) return int(i);
    return -1;
}

JobRunner& ComparePage::detailJob(int pane) {
    while (int(detailJobs_.size()) <= pane) detailJobs_.push_back(std::make_unique<JobRunner>());
    return *detailJobs_[size_t(pane)];
}

// A zoomed pane's detail: its signal (or difference) over the asked range at one frame per
// pixel, from core's spectrogram producer, on a job of that pane's own.
void ComparePage::makeDetail(int pane, double t0, double t1, int columns) {
    if (pane < 0 || pane >= group_->paneCount() || size_t(pane) >= paneSources_.size() || paneSources_[size_t(pane)].empty() ||
        !paneSources_[size_t(pane)][0])
        return;
    const std::vector<Samples> src = paneSources_[size_t(pane)];
    const int rate = comparison_.rate;
    const double ms = windowMs_->value();
    const SpectrogramStyle style = group_->style();
    const bool diff = group_->pane(pane)->isDifference();
    const double maxHz = rate / 2.0;
    struct Detail {
        SpectrogramPtr spec;
        PanePicture picture;
    };
    detailJob(pane).start<Detail>(
        [=](JobContext& ctx) {
            const size_t n = src[0]->size();
            const size_t b = size_t(std::clamp(t0 * rate, 0.0, double(n))), e = size_t(std::clamp(t1 * rate, 0.0, double(n)));
            ctx.cancel().throwIfCancelled();
            Detail d;
            d.spec = std::make_shared<const DisplaySpectrogram>(
                src.size() > 1 && src[1] ? makeDifferenceSpectrogram(*src[0], *src[1], b, e, rate, ms, size_t(columns), 1)
                                         : makeDisplaySpectrogram(*src[0], b, e, rate, ms, size_t(columns), 1));
            d.picture = paintPane(*d.spec, style, diff, maxHz);
            return d;
        },
        [this, pane](Detail d) {
            if (pane < group_->paneCount()) group_->pane(pane)->setDetail(std::move(d.spec), std::move(d.picture));
        },
        [](const JobFailure&) {});
}

}  // namespace srlab
