// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The run tracker: one row per run folder with its hyper-parameters, best and last metrics,
// device, duration, status and a note, every column sortable, a filter box over all of them.
// The note is the user's, kept in the run folder (note.txt) and edited in place. Rows are
// re-read only when their folder changed (runStamp).
//
// Threads: GUI thread only. It reads small files of each run folder (config.json, status.json,
// metrics.csv) when a row is made or its folder changed.
#include <QColor>
#include <QHash>
#include <QStringList>
#include <QWidget>

class QLineEdit;
class QTableWidget;
class QTableWidgetItem;

namespace srlab {

class RunTable : public QWidget {
    Q_OBJECT
public:
    explicit RunTable(QWidget* parent = nullptr);
    void setFolders(const QStringList& folders);  // rebuilds the rows (non-runs are left out)
    QStringList folders() const;                  // in the shown order
    QStringList selectedFolders() const;
    QString currentFolder() const;                // the last selected, or ""
    void select(const QString& folder, bool addToSelection);
    // Re-reads a row whose folder changed; true when it did.
    bool refresh(const QString& folder);
    void setColour(const QString& folder, const QColor& c);  // the run's curve colour, or none
    QString cell(const QString& folder, const QString& column) const;  // shown text
    void setFilter(const QString& text);
    QTableWidget* table() const { return table_; }
    static QString runStamp(const QString& folder);  // what changes when a run moves on

Q_SIGNALS:
    void selectionChanged();

private:
    int rowOf(const QString& folder) const;
    void fillRow(int row, const QString& folder);
    void applyFilter();
    QLineEdit* filter_;
    QTableWidget* table_;
    QHash<QString, QString> stamps_;
};

}  // namespace srlab
