// SPDX-License-Identifier: GPL-3.0-or-later
#include "DatasetsPage.h"

#include <QTabWidget>

#include "DatasetCharts.h"
#include "PatchBrowser.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <sstream>

#include "dataset/DatasetStats.h"
#include "dataset/PairBuilder.h"
#include "dataset/StreamedDataset.h"

namespace srlab {
namespace {

QSpinBox* spin(int lo, int hi, int v) {
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(v);
    return s;
}

}  // namespace

DatasetsPage::DatasetsPage(QWidget* parent) : QWidget(parent) {
    auto* lay = new QHBoxLayout(this);
    auto* form = new QFormLayout;
    input_ = new QLineEdit;
    input_->setMinimumWidth(220);  // paths are long: room for one to be read
    input_->setPlaceholderText("folders or files; separate several with ;");
    input_->setToolTip("Audio folders (searched recursively) or files, separated by ';'");
    auto* browseIn = new QPushButton("Files...");
    browseIn->setToolTip("Pick audio files (or use Folder... for a whole folder)");
    auto* browseDir = new QPushButton("Folder...");
    // The buttons under the field: the field has the column's whole width for a path.
    auto* inRow = new QHBoxLayout;
    inRow->addWidget(browseIn);
    inRow->addWidget(browseDir);
    inRow->addStretch();
    output_ = new QLineEdit;
    output_->setPlaceholderText("dataset.h5, or dataset.json to stream (in the workspace)");
    output_->setToolTip("The dataset to write; a relative name goes into the workspace.\n"
                        "NAME.h5: every patch stored (HDF5, readable with h5py).\n"
                        "NAME.json: a streamed dataset, an index of the audio a few kB in size; items are cut\n"
                        "and degraded while training, with a fresh crop and chain every epoch.");
    rate_ = spin(1000, 192000, 16000);
    scale_ = spin(1, 16, 4);
    filter_ = new QComboBox;
    filter_->addItems({"cheby", "sinc", "none"});
    baseline_ = new QComboBox;
    baseline_->addItems({"spline", "linear", "sinc", "none"});
    dim_ = spin(16, 1 << 20, 8192);
    stride_ = spin(1, 1 << 20, 4096);
    split_ = new QLineEdit("0.8,0.1,0.1");
    seed_ = spin(0, 1 << 30, 0);
    rate_->setSuffix(" Hz");
    rate_->setToolTip("Every file is resampled to this (high) rate: the label's rate");
    scale_->setPrefix("x");
    scale_->setToolTip("Upsampling factor r: the low-res input is at rate / r");
    filter_->setToolTip("How the low-res side is made (docs/reference.md §1.3)");
    baseline_->setToolTip("How the low-res input is brought back to the rate for the model (none: keep it low-rate)");
    dim_->setSuffix(" samples");
    dim_->setToolTip("Patch length at the target rate");
    stride_->setSuffix(" samples");
    stride_->setToolTip("Hop between patches");
    split_->setToolTip("Fractions of files (never patches) for train, val and test");
    seed_->setToolTip("Seed of the split and of the degradation zoo");
    degrade_ = new QLineEdit;
    degrade_->setPlaceholderText("off: every file through the decimation filter");
    degrade_->setToolTip("Each file's low-res side through its own seeded random chain, recorded per file and shown\n"
                         "on the Patches tab (docs/reference.md §6.2): 'zoo', or e.g. 'zoo,codec=0.5,noise=0' or\n"
                         "'zoo,filters=butter|ellip,orders=2-6'. Robust models train on it; published comparisons use the\n"
                         "fixed filter.");
    padShort_ = new QCheckBox("zero-pad files shorter than one patch (default: skip them)");
    lowRes_ = new QCheckBox("inputs are real low-res audio (no labels)");
    form->addRow("Input", input_);
    form->addRow("", inRow);
    form->addRow("Output", output_);
    form->addRow("Target rate (Hz)", rate_);
    form->addRow("Scale r", scale_);
    form->addRow("Decimation filter", filter_);
    form->addRow("Degradation zoo", degrade_);
    form->addRow("Baseline (model input)", baseline_);
    form->addRow("Patch length", dim_);
    form->addRow("Stride", stride_);
    form->addRow("Split train,val,test", split_);
    form->addRow("Seed", seed_);
    form->addRow(padShort_);
    form->addRow(lowRes_);
    build_ = new QPushButton("Build dataset");
    cancel_ = new QPushButton("Cancel");
    cancel_->setEnabled(false);
    auto* open = new QPushButton("Open dataset...");
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(build_);
    buttons->addWidget(cancel_);
    buttons->addWidget(open);
    form->addRow(buttons);
    progress_ = new QProgressBar;
    form->addRow(progress_);
    // The workspace's datasets, one click from being opened.
    datasets_ = new QListWidget;
    datasets_->setToolTip("The datasets in the workspace (.h5, and streamed .json); double-click to open one");
    form->addRow(new QLabel("datasets in the workspace"));
    form->addRow(datasets_);
    connect(datasets_, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem* item) { openDataset(item->data(Qt::UserRole).toString()); });
    auto* left = new QWidget;
    left->setLayout(form);
    left->setMaximumWidth(400);
    lay->addWidget(left);
    report_ = new QPlainTextEdit;
    report_->setReadOnly(true);
    report_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    report_->setPlaceholderText("Build or open a dataset to see its splits, files and statistics.");
    charts_ = new DatasetCharts;
    patches_ = new PatchBrowser;
    views_ = new QTabWidget;
    views_->addTab(report_, "Summary");
    views_->addTab(charts_, "Charts");
    views_->addTab(patches_, "Patches");
    lay->addWidget(views_, 1);
    // Compare makes the low-res side as this patch's was made: its own chain in a zoo dataset.
    connect(patches_, &PatchBrowser::openSource, this, [this](const QString& path, double offset, const QString& chain) {
        Q_EMIT openSource(path, datasetRate_, datasetScale_, chain.isEmpty() ? datasetFilter_ : chain, offset,
                          offset + double(datasetDim_) / std::max(1, datasetRate_));
    });
    connect(patches_, &PatchBrowser::patchWanted, this, &DatasetsPage::readPatch);
    connect(browseIn, &QPushButton::clicked, this, [this] {
        const QStringList f = QFileDialog::getOpenFileNames(this, "Audio files", workspace_,
                                                            "Audio (*.wav *.flac *.ogg *.opus *.mp3 *.aiff);;All files (*)");
        if (!f.isEmpty()) input_->setText(f.join(';'));
    });
    connect(browseDir, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, "Audio folder", workspace_);
        if (!d.isEmpty()) input_->setText(d);
    });
    connect(build_, &QPushButton::clicked, this, &DatasetsPage::startBuild);
    connect(cancel_, &QPushButton::clicked, &job_, &JobRunner::cancel);
    connect(open, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open dataset", workspace_,
                                                       "Datasets (*.h5 *.hdf5 *.json);;HDF5 datasets (*.h5 *.hdf5);;Streamed datasets (*.json)");
        if (!p.isEmpty()) openDataset(p);
    });
}

DatasetsPage::~DatasetsPage() = default;  // the runners cancel their jobs; nothing waits

// One patch, read and drawn off the GUI thread (an HDF5 read and two spectrograms).
void DatasetsPage::readPatch(Split split, size_t index) {
    const std::string path = dataset_.toStdString();
    patchJob_.start<PatchComparison>([=](JobContext&) { return loadPatch(path, split, index); },
                                     [this](PatchComparison p) { patches_->showPatch(p); },
                                     [this](const JobFailure& f) {
                                         if (!f.cancelled) report_->appendPlainText("cannot read the patch: " + f.message);
                                     });
}

void DatasetsPage::setInput(const QString& p) { input_->setText(p); }
void DatasetsPage::setOutput(const QString& p) { output_->setText(p); }
void DatasetsPage::setWorkspace(const QString& dir) {
    workspace_ = dir;
    refreshDatasets();
}

// The workspace's datasets, listed on a job: the folder grows with the work, and telling a
// streamed dataset's index from other JSON reads the start of each .json file.
void DatasetsPage::refreshDatasets() {
    if (workspace_.isEmpty()) {
        listJob_.abandon();
        datasets_->clear();
        return;
    }
    using Listing = QList<QPair<QString, QString>>;  // name, path
    listJob_.start<Listing>(
        [dir = QDir(workspace_)](JobContext&) {
            Listing out;
            for (const QString& name : dir.entryList({"*.h5", "*.hdf5", "*.json"}, QDir::Files, QDir::Name))
                if (!name.endsWith(".json") || looksLikeStreamedDataset(dir.filePath(name).toStdString()))
                    out.append({name, dir.filePath(name)});
            return out;
        },
        [this](Listing found) {
            datasets_->clear();
            for (const auto& [name, path] : found) (new QListWidgetItem(name, datasets_))->setData(Qt::UserRole, path);
        },
        [](const JobFailure&) {});
}
QString DatasetsPage::reportText() const { return report_->toPlainText(); }

QStringList DatasetsPage::workspaceDatasets() const {
    QStringList out;
    for (int i = 0; i < datasets_->count(); ++i) out << datasets_->item(i)->text();
    return out;
}

void DatasetsPage::setBusy(bool b) {
    busy_ = b;
    build_->setEnabled(!b);
    cancel_->setEnabled(b);
}

void DatasetsPage::startBuild() {
    PairSpec spec;
    spec.rate = rate_->value();
    spec.scale = scale_->value();
    spec.dim = dim_->value();
    spec.stride = stride_->value();
    spec.seed = uint64_t(seed_->value());
    spec.filter = parseDecimFilter(filter_->currentText().toStdString());
    spec.degrade = degrade_->text().trimmed().toStdString();
    spec.baseline = parseBaseline(baseline_->currentText().toStdString());
    const QStringList parts = split_->text().split(',');
    for (int i = 0; i < 3; ++i) spec.split[size_t(i)] = i < parts.size() ? parts[i].toDouble() : 0.0;
    spec.padShort = padShort_->isChecked();
    spec.lowResInput = lowRes_->isChecked();
    std::vector<std::string> in;
    for (const QString& p : input_->text().split(';', Qt::SkipEmptyParts))
        if (!p.trimmed().isEmpty()) in.push_back(p.trimmed().toStdString());
    QString outPath = output_->text().trimmed();
    if (in.empty() || outPath.isEmpty()) {
        report_->setPlainText(in.empty() ? "Build: name the input audio (folders or files) first."
                                         : "Build: name the output file (.h5, or .json to stream) first.");
        Q_EMIT failed("Cannot build", report_->toPlainText());
        return;
    }
    if (QFileInfo(outPath).isRelative() && !workspace_.isEmpty()) outPath = QDir(workspace_).filePath(outPath);
    const std::string out = outPath.toStdString();
    setBusy(true);
    report_->setPlainText("building ...");
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setFormat("%p%");
    job_.start<std::string>(
        [=](JobContext& ctx) {
            ProgressSink& p = ctx;
            const CancelToken& c = ctx.cancel();
            BuildInputs bi;
            bi.files = collectAudioFiles(in);
            const BuildReport r = buildDataset(spec, bi, out, p, c);
            std::ostringstream o;
            char took[32];
            std::snprintf(took, sizeof took, "%.2f", r.wallSeconds);
            o << "wrote " << out << " in " << took << " s: " << r.used() << " files used, " << r.skipped()
              << " skipped\n  patches train " << r.patches[0] << ", val " << r.patches[1] << ", test " << r.patches[2]
              << "\n";
            for (const auto& s : r.sources)
                if (!s.used) o << "  skipped " << s.path << ": " << s.reason << "\n";
            return o.str();
        },
        [this, out](std::string text) {
            setBusy(false);
            report_->setPlainText(QString::fromStdString(text));
            refreshDatasets();
            openDataset(QString::fromStdString(out));
        },
        [this](const JobFailure& f) {
            setBusy(false);
            progress_->setValue(0);  // nothing of the stopped build's place or file stays
            progress_->setFormat(f.cancelled ? "cancelled" : "failed");
            report_->setPlainText(f.cancelled ? "Build cancelled; nothing was written." : "Build failed: " + f.message);
            if (!f.cancelled) Q_EMIT failed("Build failed", f.message);
            Q_EMIT finished(false);
        },
        [this](double d, double t, const QString& m) {
            progress_->setValue(t > 0 ? int(1000 * d / t) : 0);
            progress_->setFormat(QString("%p%  %1").arg(m));
        });
}

void DatasetsPage::openDataset(const QString& path) {
    const QString before = report_->toPlainText();
    setBusy(true);
    progress_->setFormat("%p%");  // not the last build's file name
    patches_->clear();
    const std::string p = path.toStdString();
    struct Opened {
        std::string text;
        DatasetStats stats;
        int rate = 0, scale = 1, dim = 0;
        std::string filter;
        std::array<size_t, 3> counts{};
    };
    job_.start<std::shared_ptr<Opened>>(
        [=](JobContext& ctx) {
            const auto opened = srlab::openDataset(p);
            const PatchDataset& r = *opened;
            auto o = std::make_shared<Opened>();
            o->stats = computeDatasetStats(r, kInspectPatches, ctx, ctx.cancel());
            for (size_t s = 0; s < 3; ++s) o->counts[s] = r.count(Split(s));
            o->text = describeDataset(r, o->stats, kInspectPatches);  // as `srlab dataset inspect` prints it
            o->rate = r.info().spec.rate;
            o->scale = r.info().spec.scale;
            o->dim = r.info().spec.dim;
            o->filter = toString(r.info().spec.filter);
            return o;
        },
        [this, before, path](std::shared_ptr<Opened> o) {
            setBusy(false);
            progress_->setValue(progress_->maximum());
            report_->setPlainText((before.startsWith("wrote") ? before + "\n" : QString()) + QString::fromStdString(o->text));
            charts_->setStats(o->stats, o->rate, o->scale);
            dataset_ = path;
            datasetRate_ = o->rate;
            datasetScale_ = o->scale;
            datasetDim_ = o->dim;
            datasetFilter_ = QString::fromStdString(o->filter);
            patches_->setDataset(o->counts);
            Q_EMIT finished(true);
        },
        [this](const JobFailure& f) {
            setBusy(false);
            report_->setPlainText(f.cancelled ? "Opening cancelled." : "Cannot open dataset: " + f.message);
            if (!f.cancelled) Q_EMIT failed("Cannot open dataset", f.message);
            Q_EMIT finished(false);
        },
        [this](double d, double t, const QString&) { progress_->setValue(t > 0 ? int(1000 * d / t) : 0); });
}

}  // namespace srlab
