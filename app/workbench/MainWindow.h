// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The workbench window: pages Datasets and Compare & Listen, menus, drag-and-drop of audio
// files, recent files in QSettings. GUI thread only.
#include <QMainWindow>

class QTabWidget;

namespace srlab {

class ComparePage;
class DatasetsPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow();
    ComparePage* comparePage() const { return compare_; }
    DatasetsPage* datasetsPage() const { return datasets_; }
    void showPage(const QString& name);  // "datasets" or "compare"
    void openAudio(const QString& path);

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    QTabWidget* tabs_;
    ComparePage* compare_;
    DatasetsPage* datasets_;
    QMenu* recent_;
};

}  // namespace srlab
