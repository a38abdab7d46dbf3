// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QTabWidget>

#include "ComparePage.h"
#include "DatasetsPage.h"
#include "srlab/Version.h"

namespace srlab {

MainWindow::MainWindow() {
    setWindowTitle("SRLab workbench");
    setAcceptDrops(true);
    tabs_ = new QTabWidget;
    datasets_ = new DatasetsPage;
    compare_ = new ComparePage;
    tabs_->addTab(datasets_, "Datasets");
    tabs_->addTab(compare_, "Compare && Listen");
    setCentralWidget(tabs_);
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction("&Open audio...", QKeySequence::Open, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open audio");
        if (!p.isEmpty()) openAudio(p);
    });
    file->addAction("Open &dataset...", this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, "Open dataset", QString(), "HDF5 (*.h5 *.hdf5)");
        if (!p.isEmpty()) {
            showPage("datasets");
            datasets_->openDataset(p);
        }
    });
    recent_ = file->addMenu("Open &recent");
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, qApp, &QApplication::quit);
    QMenu* view = menuBar()->addMenu("&View");
    view->addAction("&Datasets", QKeySequence("Ctrl+1"), this, [this] { showPage("datasets"); });
    view->addAction("&Compare && Listen", QKeySequence("Ctrl+2"), this, [this] { showPage("compare"); });
    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&About SRLab", this, [this] {
        QMessageBox::about(this, "About SRLab",
                           QString("<b>SRLab %1</b><p>A research workbench for audio super-resolution.</p>"
                                   "<p>Licence: GPL-3.0-or-later.</p>")
                               .arg(kVersion));
    });
    connect(compare_, &ComparePage::loaded, this, &MainWindow::rememberRecent);
    connect(compare_, &ComparePage::failed, this, [this](const QString& m) {
        if (m != "cancelled") QMessageBox::warning(this, "Cannot open audio", m);
    });
    rebuildRecentMenu();
    resize(1500, 950);
}

void MainWindow::showPage(const QString& name) { tabs_->setCurrentIndex(name == "datasets" ? 0 : 1); }

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

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    const auto urls = e->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) openAudio(urls.first().toLocalFile());
}

}  // namespace srlab
