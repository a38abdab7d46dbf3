// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Datasets: a form over core's pair builder (progress, cancel, skipped-files report) and a
// summary of an opened dataset (counts, hours, band statistics, finiteness). Jobs run on
// worker threads. GUI thread only.
#include <QWidget>

#include "JobRunner.h"
#include "dataset/PairSpec.h"

class QCheckBox;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QComboBox;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace srlab {

class DatasetCharts;
class PatchBrowser;

class DatasetsPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetsPage(QWidget* parent = nullptr);
    ~DatasetsPage() override;
    void setInput(const QString& path);
    void setOutput(const QString& path);
    void setWorkspace(const QString& dir);  // where relative outputs go and dialogs start
    void startBuild();
    void openDataset(const QString& path);
    bool busy() const { return busy_ || patchJob_.running() || listJob_.running(); }
    QString reportText() const;
    QStringList workspaceDatasets() const;  // as listed
    QString openedDataset() const { return dataset_; }

    QTabWidget* views() const { return views_; }
    DatasetCharts* charts() const { return charts_; }
    PatchBrowser* patches() const { return patches_; }

Q_SIGNALS:
    void finished(bool ok);
    void failed(const QString& title, const QString& message);  // shown in a message box
    // "Open source in Compare" on a patch: the file, the dataset's rate, scale and filter, and
    // the patch's place in the file (seconds).
    void openSource(const QString& audioPath, int rate, int scale, const QString& filter, double t0, double t1);

private:
    void setBusy(bool b);
    void readPatch(Split split, size_t index);
    void refreshDatasets();
    QLineEdit *input_, *output_, *split_, *degrade_;
    QCheckBox *padShort_, *lowRes_;
    QListWidget* datasets_;
    QString workspace_;
    QSpinBox *rate_, *scale_, *dim_, *stride_, *seed_;
    QComboBox *filter_, *baseline_;
    QPushButton *build_, *cancel_;
    QProgressBar* progress_;
    QPlainTextEdit* report_;
    QTabWidget* views_;
    DatasetCharts* charts_;
    PatchBrowser* patches_;
    bool busy_ = false;
    QString dataset_;     // the one opened, whose patches are browsed
    int datasetRate_ = 0, datasetScale_ = 1, datasetDim_ = 0;
    QString datasetFilter_;
    JobRunner job_;       // build or open
    JobRunner patchJob_;  // the patch being read
    JobRunner listJob_;   // the workspace's datasets being listed
};

}  // namespace srlab
