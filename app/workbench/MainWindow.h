// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The workbench window: pages Datasets, Training and Compare & Listen, a workspace folder, menus, drag-and-drop of audio
// files, recent files in QSettings. GUI thread only.
#include <QMainWindow>

class QTabWidget;

namespace srlab {

class ComparePage;
class DatasetsPage;
class TrainingPage;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow();
    ComparePage* comparePage() const { return compare_; }
    DatasetsPage* datasetsPage() const { return datasets_; }
    TrainingPage* trainingPage() const { return training_; }
    void showPage(const QString& name);  // "datasets", "training" or "compare"
    // The workspace folder: datasets and runs/ live there; remembered across sessions.
    void setWorkspace(const QString& dir);
    QString workspace() const { return workspace_; }
    void showAbout();
    void openAudio(const QString& path);

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    // Quitting while a run trains asks first: the run would stop (with a checkpoint).
    void closeEvent(QCloseEvent* e) override;

private:
    void rememberRecent(const QString& path);
    void rebuildRecentMenu();
    QTabWidget* tabs_;
    ComparePage* compare_;
    DatasetsPage* datasets_;
    TrainingPage* training_;
    QString workspace_;
    QMenu* recent_;
};

}  // namespace srlab
