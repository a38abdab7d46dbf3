// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The run tracker: one row per run with its hyper-parameters, best and last metrics, device,
// duration, status and a note, every column sortable, a filter box over all of them. It draws
// what RunModels hold (settings and summaries, never histories) and reads no file; rows are
// updated in batches as the follower reports them. A note edited in place is handed on
// (noteEdited) for the page to keep in the run folder.
//
// Threads: GUI thread only.
#include <QColor>
#include <QHash>
#include <QStringList>
#include <QWidget>
#include <vector>

class QLineEdit;
class QTableWidget;
class QTableWidgetItem;

namespace srlab {

class RunModel;

class RunTable : public QWidget {
    Q_OBJECT
public:
    explicit RunTable(QWidget* parent = nullptr);
    // Adds or refreshes the rows of these runs from their models (folders that hold no run are
    // left out), in one batch.
    void updateRuns(const std::vector<const RunModel*>& runs);
    void removeRunsExcept(const QStringList& folders);
    QStringList folders() const;                  // in the shown order
    QStringList selectedFolders() const;
    QString currentFolder() const;                // the last selected, or ""
    void select(const QString& folder, bool addToSelection);
    void setColour(const QString& folder, const QColor& c);  // the run's curve colour, or none
    QString cell(const QString& folder, const QString& column) const;  // shown text
    void setFilter(const QString& text);
    QTableWidget* table() const { return table_; }

Q_SIGNALS:
    void selectionChanged();
    void noteEdited(const QString& folder, const QString& text);

private:
    int rowOf(const QString& folder) const;
    void fillRow(int row, const RunModel& run);
    void applyFilter(int row);
    QLineEdit* filter_;
    QTableWidget* table_;
    QHash<QString, QTableWidgetItem*> items_;  // folder -> its row's first cell
};

}  // namespace srlab
