// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include <QScreen>
#include <QStatusBar>
#include <QDialog>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMap>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QTabWidget>

#include "ComparePage.h"
#include "DatasetsPage.h"
#include "TrainingPage.h"
#include "runs/DefaultModels.h"
#include "srlab/Version.h"
#include "srlab/UserGuide.h"

namespace srlab {

MainWindow::MainWindow() {
    setWindowTitle("SRLab workbench");
    setAcceptDrops(true);
    tabs_ = new QTabWidget;
    datasets_ = new DatasetsPage;
    compare_ = new ComparePage;
    training_ = new TrainingPage;
    tabs_->addTab(datasets_, "Datasets");
    tabs_->addTab(training_, "Training");
    tabs_->addTab(compare_, "Compare && Listen");
    setCentralWidget(tabs_);
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction("&Open audio...", QKeySequence::Open, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open audio");
        if (!p.isEmpty()) openAudio(p);
    });
    file->addAction("Add &version from file...", this, [this] {
        showPage("compare");
        compare_->chooseOutputVersion();
    });
    file->addAction("Open &dataset...", this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open dataset", QString(), "Datasets (*.h5 *.hdf5 *.json)");
        if (!p.isEmpty()) {
            showPage("datasets");
            datasets_->openDataset(p);
        }
    });
    file->addAction("Open &workspace...", this, [this] {
        const QString p = QFileDialog::getExistingDirectory(this, "Workspace folder", workspace_);
        if (!p.isEmpty()) setWorkspace(p);
    });
    recent_ = file->addMenu("Open &recent");
    file->addSeparator();
    QMenu* exportMenu = file->addMenu("&Export (Compare && Listen)");
    exportMenu->addAction("&Super-res version as WAV or FLAC...", this, [this] {
        const int k = compare_->superResIndex();
        if (k < 0) {
            QMessageBox::information(this, "Export", "No model's super-res version is loaded in Compare & Listen.");
            return;
        }
        const QString p = QFileDialog::getSaveFileName(this, "Export the super-res version", workspace_ + "/super-res.flac",
                                                       "FLAC (*.flac);;WAV, 32-bit float (*.wav)");
        if (!p.isEmpty()) compare_->exportVersion(k, p);
    });
    exportMenu->addAction("&Metrics as CSV...", this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, "Export the metrics", workspace_ + "/metrics.csv", "CSV (*.csv)");
        if (!p.isEmpty()) compare_->exportMetrics(p);
    });
    exportMenu->addAction("&Panes as PNG...", this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, "Export the panes", workspace_ + "/panes.png", "PNG (*.png)");
        if (!p.isEmpty()) compare_->exportPanes(p);
    });
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, qApp, &QApplication::quit);
    QMenu* view = menuBar()->addMenu("&View");
    view->addAction("&Datasets", QKeySequence("Ctrl+1"), this, [this] { showPage("datasets"); });
    view->addAction("&Training", QKeySequence("Ctrl+2"), this, [this] { showPage("training"); });
    view->addAction("&Compare && Listen", QKeySequence("Ctrl+3"), this, [this] { showPage("compare"); });
    view->addSeparator();
    view->addAction("&Reset zoom (whole file)", QKeySequence("Ctrl+0"), this, [this] { compare_->resetZoom(); });
    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&User guide", QKeySequence::HelpContents, this, [this] {
        auto* box = new QDialog(this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowTitle("SRLab user guide");
        auto* text = new QTextBrowser;
        text->setMarkdown(QString::fromUtf8(kUserGuide));
        text->setOpenExternalLinks(true);
        auto* lay = new QVBoxLayout(box);
        lay->addWidget(text);
        box->resize(std::min(900, width()), std::min(700, height()));
        box->show();
    });
    help->addAction("&About SRLab", this, [this] { showAbout(); });
    connect(compare_, &ComparePage::loaded, this, &MainWindow::rememberRecent);
    // Every page's failures reach the user the same way: a message box naming the file.
    connect(compare_, &ComparePage::failed, this, [this](const QString& m) {
        if (!m.isEmpty()) QMessageBox::warning(this, "Compare & Listen", m);  // empty: cancelled
    });
    connect(compare_, &ComparePage::exported, this, [this](const QString& path, const QString& error) {
        if (error.isEmpty()) statusBar()->showMessage("exported " + path, 5000);
        else QMessageBox::warning(this, "Export", path + ": " + error);
    });
    connect(compare_, &ComparePage::modelRefused, this,
            [this](const QString& m) { QMessageBox::warning(this, "Compare & Listen: model not used", m); });
    connect(datasets_, &DatasetsPage::failed, this,
            [this](const QString& title, const QString& m) { QMessageBox::warning(this, title, m); });
    // The Training form follows the dataset last opened (or built) on the Datasets page.
    connect(datasets_, &DatasetsPage::finished, this, [this](bool ok) {
        if (ok && !datasets_->openedDataset().isEmpty()) training_->setDataset(datasets_->openedDataset());
    });
    connect(datasets_, &DatasetsPage::openSource, this,
            [this](const QString& path, int rate, int scale, const QString& filter, double t0, double t1) {
                showPage("compare");
                compare_->openAt(path, rate, scale, filter, t0, t1);
            });
    connect(training_, &TrainingPage::listenRequested, this, [this](const QString& audio, const QStringList& checkpoints) {
        showPage("compare");
        compare_->compareCheckpoints(checkpoints);
        compare_->openFile(audio);
    });
    rebuildRecentMenu();
    setWorkspace(QSettings("SRLab", "workbench").value("workspace", QDir::homePath() + "/SRLab-demo").toString());
    // As large as wanted where it fits; on a laptop screen (1366x768), the screen's free area.
    const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1500, 950);
    resize(std::min(1500, avail.width()), std::min(950, avail.height()));
}

void MainWindow::showPage(const QString& name) {
    tabs_->setCurrentIndex(name == "datasets" ? 0 : name == "training" ? 1 : 2);
}

// Package, version and licence of every recording behind the demo workspace and the shipped
// models, summarised from their manifest.tsv files (one row per file).
static QString attributions(const QStringList& manifests) {
    QMap<QString, int> counts;
    for (const QString& path : manifests) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) continue;
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList c = lines[i].split('\t');
            if (c.size() >= 7) counts[QString("%1 %2 (%3)").arg(c[1], c[2], c[6])]++;
        }
    }
    QString html;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        html += QString("<li>%1: %2 file(s)</li>").arg(it.key().toHtmlEscaped()).arg(it.value());
    return html.isEmpty() ? QString("<p>No demo audio in this workspace.</p>") : "<ul>" + html + "</ul>";
}

void MainWindow::showAbout() {
    QStringList manifests{workspace_ + "/attributions.tsv"};
    for (const auto& m : shippedModels()) manifests << QString::fromStdString(m.dir) + "/data-manifest.tsv";
    QMessageBox::about(this, "About SRLab",
                       QString("<b>SRLab %1</b><p>A research workbench for audio super-resolution.</p>"
                               "<p>Licence: GPL-3.0-or-later. Built on Qt, libtorch, FFTW, libsndfile, libsoxr, "
                               "HDF5, PortAudio and QCustomPlot.</p>"
                               "<p>Demo audio and the shipped models' training data come from Debian packages:</p>%2")
                           .arg(kVersion, attributions(manifests)));
}

void MainWindow::setWorkspace(const QString& dir) {
    workspace_ = dir;
    QSettings("SRLab", "workbench").setValue("workspace", dir);
    training_->setWorkspace(dir);
    datasets_->setWorkspace(dir);
    compare_->setCacheRoot(dir.isEmpty() ? QString() : dir + "/.srlab-cache/compare");
    compare_->setResultsDir(dir.isEmpty() ? QString() : dir + "/mushra");
    setWindowTitle(QString("SRLab workbench - %1").arg(dir));
}

void MainWindow::openAudio(const QString& path) {
    showPage("compare");
    compare_->openFile(path);
}

void MainWindow::rememberRecent(const QString& path) {
    QSettings s("SRLab", "workbench");
    QStringList r = s.value("recentFiles").toStringList();
    r.removeAll(path);
    r.prepend(path);
    s.setValue("recentFiles", r.mid(0, 10));
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recent_->clear();
    const QStringList r = QSettings("SRLab", "workbench").value("recentFiles").toStringList();
    for (const QString& p : r) recent_->addAction(p, this, [this, p] { openAudio(p); });
    recent_->setEnabled(!r.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (training_->training()) {
        const auto answer = QMessageBox::question(
            this, "Quit SRLab",
            training_->hasCheckpointToResume()
                ? QString("A run is training (%1). Quitting stops it: a checkpoint is saved, and Resume on the "
                          "Training page continues from there. Quit now?")
                      .arg(QDir(training_->activeRun()).dirName())
                : QString("A run is being created (%1): quitting now stops it before it has trained. Quit now?")
                      .arg(QDir(training_->activeRun()).dirName()),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            e->ignore();
            return;
        }
    }
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    const auto urls = e->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    // Dropped on the panes of an open comparison: other systems' outputs of that file, as
    // versions. Anywhere else: the first file is opened.
    QWidget* panes = compare_->spectrograms();
    const QPoint at = panes->mapFrom(this, e->position().toPoint());
    if (panes->isVisible() && panes->rect().contains(at) && !compare_->comparison().path.empty()) {
        for (const QUrl& u : urls)
            if (u.isLocalFile()) compare_->addOutputVersion(u.toLocalFile());
        return;
    }
    openAudio(urls.first().toLocalFile());
}

}  // namespace srlab
