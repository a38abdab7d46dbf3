// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunTable.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QPainter>
#include <QScrollBar>
#include <QPixmap>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "runs/RunModel.h"

namespace srlab {
namespace {

const QStringList kColumns{"run",    "dataset", "model",     "loss",     "lr",       "schedule", "batch",
                           "epochs", "seed",    "device",    "best SNR", "best LSD", "last SNR", "last LSD",
                           "steps",  "duration", "status",   "note"};
constexpr int kSortRole = Qt::UserRole + 1;  // a number to sort by, where the column has one
constexpr int kNoteColumn = 17;

QString q(const std::string& s) { return QString::fromStdString(s); }

// Sorts by the number in kSortRole when both have one, else by text; missing numbers first.
class SortItem : public QTableWidgetItem {
public:
    using QTableWidgetItem::QTableWidgetItem;
    bool operator<(const QTableWidgetItem& o) const override {
        const QVariant a = data(kSortRole), b = o.data(kSortRole);
        if (a.isValid() || b.isValid()) {
            if (!a.isValid()) return true;
            if (!b.isValid()) return false;
            return a.toDouble() < b.toDouble();
        }
        return text() < o.text();
    }
};

}  // namespace

RunTable::RunTable(QWidget* parent) : QWidget(parent) {
    filter_ = new QLineEdit;
    filter_->setPlaceholderText("filter runs (any column, e.g. spectral, cosine, finished)");
    filter_->setClearButtonEnabled(true);
    table_ = new QTableWidget(0, int(kColumns.size()));
    table_->setHorizontalHeaderLabels(kColumns);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setSortingEnabled(true);
    table_->setToolTip("Select several runs to overlay their curves; click a header to sort; double-click a note "
                       "to edit it (kept in the run folder as note.txt)");
    auto* v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->addWidget(filter_);
    v->addWidget(table_, 1);
    // A run the filter hides is not selected: its curves, checkpoints and Listen go with it.
    connect(filter_, &QLineEdit::textChanged, this, [this] {
        const QStringList before = selectedFolders();
        for (int r = 0; r < table_->rowCount(); ++r) applyFilter(r);
        if (selectedFolders() != before) Q_EMIT selectionChanged();
    });
    // Room for four runs at least, so two overlaid runs are both in sight on a laptop screen.
    table_->setMinimumHeight(table_->horizontalHeader()->sizeHint().height() + 4 * table_->verticalHeader()->defaultSectionSize() +
                             2 * table_->frameWidth() + table_->horizontalScrollBar()->sizeHint().height());
    connect(table_, &QTableWidget::itemSelectionChanged, this, &RunTable::selectionChanged);
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() != kNoteColumn) return;
        Q_EMIT noteEdited(table_->item(item->row(), 0)->data(Qt::UserRole).toString(), item->text());
    });
}

void RunTable::updateRuns(const std::vector<const RunModel*>& runs) {
    const QSignalBlocker block(table_);  // a note filled in is not a note edited
    const bool sorting = table_->isSortingEnabled();
    table_->setSortingEnabled(false);  // rows must not move while they are filled
    const QStringList selected = selectedFolders();
    for (const RunModel* run : runs) {
        if (!run->isRun()) continue;
        const QString folder = q(run->dir());
        int row = rowOf(folder);
        if (row < 0) {
            row = table_->rowCount();
            table_->insertRow(row);
            for (int c = 0; c < table_->columnCount(); ++c) {
                auto* item = new SortItem;
                if (c != kNoteColumn) item->setFlags(item->flags() & ~Qt::ItemIsEditable);
                table_->setItem(row, c, item);
            }
            table_->item(row, 0)->setData(Qt::UserRole, folder);
            items_[folder] = table_->item(row, 0);
        }
        fillRow(row, *run);
    }
    table_->setSortingEnabled(sorting);  // sorts once for the batch
    for (const QString& f : selected) select(f, true);
    for (const RunModel* run : runs)
        if (const int row = rowOf(q(run->dir())); row >= 0) applyFilter(row);
}

void RunTable::removeRunsExcept(const QStringList& folders) {
    const QSignalBlocker block(table_);
    for (int r = table_->rowCount() - 1; r >= 0; --r) {
        const QString f = table_->item(r, 0)->data(Qt::UserRole).toString();
        if (folders.contains(f)) continue;
        items_.remove(f);
        table_->removeRow(r);
    }
}

void RunTable::fillRow(int row, const RunModel& run) {
    const std::optional<TrainConfig> config = run.config();
    if (!config) return;
    const TrainConfig& c = *config;
    const RunSummary s = run.summary();
    auto set = [&](int col, const QString& text, QVariant sortKey = {}) {
        QTableWidgetItem* item = table_->item(row, col);
        if (item->text() != text) item->setText(text);
        item->setData(kSortRole, sortKey);
    };
    auto num = [&](int col, double v, int decimals) {
        if (std::isfinite(v)) set(col, QString::number(v, 'f', decimals), v);
        else set(col, "-");
    };
    const QString folder = q(run.dir());
    set(0, QDir(folder).dirName());
    table_->item(row, 0)->setToolTip(folder);
    set(1, QFileInfo(q(c.dataset)).fileName());
    table_->item(row, 1)->setToolTip(q(c.dataset));
    // A warm start names the checkpoint it began from (run/checkpoint; the path on hover).
    // A run's checkpoint reads RUN/CHECKPOINT; any other folder (a shipped model) its own name.
    const QString initDir = QDir(q(c.init)).absolutePath();
    const QString from = c.init.empty()                                 ? QString()
                         : initDir.section('/', -2, -2) == "checkpoints" ? initDir.section('/', -3, -3) + "/" + initDir.section('/', -1)
                                                                         : initDir.section('/', -1);
    set(2, q(c.model.arch + "/" + c.model.preset) + (from.isEmpty() ? QString() : " from " + from));
    table_->item(row, 2)->setToolTip(c.init.empty() ? QString() : "warm start from " + q(c.init));
    set(3, c.loss == "mse+mrstft" ? QString("mse+mrstft×%1").arg(c.stftWeight) : q(c.loss));
    set(4, QString::number(c.lr), c.lr);
    set(5, c.warmupSteps > 0 ? QString("%1, warm-up %2").arg(q(c.lrSchedule)).arg(c.warmupSteps) : q(c.lrSchedule));
    set(6, QString::number(c.batch), c.batch);
    set(7, QString::number(c.epochs), c.epochs);
    set(8, QString::number(c.seed), double(c.seed));
    // The device's short name ("cuda:0 of 2", "cpu"); the whole description on hover.
    set(9, s.device.empty() ? QString("-") : q(s.device).section(" (", 0, 0));
    table_->item(row, 9)->setToolTip(q(s.device));
    num(10, s.bestSnr, 2);
    num(11, s.bestLsd, 3);
    num(12, s.lastSnr, 2);
    num(13, s.lastLsd, 3);
    set(14, QString::number(s.steps), double(s.steps));
    set(15, q(formatDuration(s.wallS)), std::isfinite(s.wallS) ? QVariant(s.wallS) : QVariant());
    const RunStatus st = run.status();
    set(16, q(toString(st.state)));
    table_->item(row, 16)->setToolTip(q(st.message));
    set(kNoteColumn, q(run.note()));  // an editor open on it keeps its own text until committed
}

int RunTable::rowOf(const QString& folder) const {
    const auto it = items_.find(folder);
    return it == items_.end() ? -1 : (*it)->row();
}

QStringList RunTable::folders() const {
    QStringList out;
    for (int r = 0; r < table_->rowCount(); ++r) out << table_->item(r, 0)->data(Qt::UserRole).toString();
    return out;
}

QStringList RunTable::selectedFolders() const {
    QStringList out;
    for (const auto& idx : table_->selectionModel()->selectedRows())
        if (!table_->isRowHidden(idx.row())) out << table_->item(idx.row(), 0)->data(Qt::UserRole).toString();
    return out;
}

QString RunTable::currentFolder() const {
    const QStringList shown = selectedFolders();
    return shown.isEmpty() ? QString() : shown.last();
}

void RunTable::select(const QString& folder, bool addToSelection) {
    const int r = rowOf(folder);
    if (r < 0) return;
    if (addToSelection)
        table_->selectionModel()->select(table_->model()->index(r, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    else
        table_->selectRow(r);
}

void RunTable::setColour(const QString& folder, const QColor& c) {
    const int r = rowOf(folder);
    if (r < 0) return;
    if (!c.isValid()) {
        table_->item(r, 0)->setIcon(QIcon());
        return;
    }
    // A dark frame and a white ring around the colour: a blue run stays visible on the blue
    // selection (and a light one on the white rows).
    QPixmap swatch(16, 16);
    swatch.fill(Qt::black);
    QPainter p(&swatch);
    p.fillRect(1, 1, 14, 14, Qt::white);
    p.fillRect(3, 3, 10, 10, c);
    p.end();
    QIcon icon(swatch);
    icon.addPixmap(swatch, QIcon::Selected);  // not tinted by the selection colour
    table_->item(r, 0)->setIcon(icon);
}

QString RunTable::cell(const QString& folder, const QString& column) const {
    const int r = rowOf(folder), c = int(kColumns.indexOf(column));
    return r < 0 || c < 0 ? QString() : table_->item(r, c)->text();
}

void RunTable::setFilter(const QString& text) { filter_->setText(text); }

void RunTable::applyFilter(int r) {
    const QString f = filter_->text().trimmed();
    bool match = f.isEmpty();
    for (int c = 0; !match && c < table_->columnCount(); ++c)
        match = table_->item(r, c)->text().contains(f, Qt::CaseInsensitive);
    table_->setRowHidden(r, !match);
}

}  // namespace srlab
