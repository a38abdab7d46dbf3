// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunTable.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLineEdit>
#include <QPainter>
#include <QPixmap>
#include <QTableWidget>
#include <QTextStream>
#include <QVBoxLayout>
#include <cmath>

#include "runs/RunFolder.h"
#include "util/AtomicFile.h"

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

// The device a run trained on, from its log's "started: ... on DEVICE" line.
QString deviceOf(const QString& folder) {
    QFile f(folder + "/train.log");
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return "-";
    QTextStream in(&f);
    QString device = "-";
    while (!in.atEnd()) {
        const QString line = in.readLine();
        const int at = line.indexOf(", on ");
        if (line.startsWith("started:") && at >= 0) device = line.mid(at + 5).section(',', 0, 0).section(" (", 0, 0);
    }
    return device;
}

QString duration(double s) {
    if (!(s >= 0)) return "-";
    const int t = int(std::lround(s));
    return t >= 3600 ? QString("%1:%2:%3").arg(t / 3600).arg(t / 60 % 60, 2, 10, QChar('0')).arg(t % 60, 2, 10, QChar('0'))
                     : QString("%1:%2").arg(t / 60).arg(t % 60, 2, 10, QChar('0'));
}

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
    connect(filter_, &QLineEdit::textChanged, this, [this] { applyFilter(); });
    connect(table_, &QTableWidget::itemSelectionChanged, this, &RunTable::selectionChanged);
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() != kNoteColumn) return;
        const QString folder = table_->item(item->row(), 0)->data(Qt::UserRole).toString();
        try {
            writeFileAtomically((folder + "/note.txt").toStdString(), item->text().toStdString() + "\n");
        } catch (const std::exception& e) {
            item->setToolTip(QString("not saved: %1").arg(e.what()));
        }
    });
}

QString RunTable::runStamp(const QString& folder) {
    const QFileInfo m(folder + "/metrics.csv"), s(folder + "/status.json"), c(folder + "/checkpoints");
    return QString("%1/%2/%3").arg(m.size()).arg(s.lastModified().toMSecsSinceEpoch()).arg(c.lastModified().toMSecsSinceEpoch());
}

void RunTable::setFolders(const QStringList& folders) {
    const QSignalBlocker block(table_);
    const QStringList selected = selectedFolders();
    table_->setSortingEnabled(false);
    table_->setRowCount(0);
    stamps_.clear();
    for (const QString& folder : folders) {
        try {
            readRunConfig(folder.toStdString());
        } catch (const std::exception&) {
            continue;  // not a run folder
        }
        const int row = table_->rowCount();
        table_->insertRow(row);
        for (int c = 0; c < table_->columnCount(); ++c) {
            auto* item = new SortItem;
            if (c != kNoteColumn) item->setFlags(item->flags() & ~Qt::ItemIsEditable);
            table_->setItem(row, c, item);
        }
        table_->item(row, 0)->setData(Qt::UserRole, folder);
        fillRow(row, folder);
    }
    table_->setSortingEnabled(true);
    for (const QString& f : selected) select(f, true);
    applyFilter();
}

void RunTable::fillRow(int row, const QString& folder) {
    const QSignalBlocker block(table_);  // a note filled in is not a note edited
    const bool sorting = table_->isSortingEnabled();
    table_->setSortingEnabled(false);  // rows must not move while one is filled
    const std::string path = folder.toStdString();
    const TrainConfig c = readRunConfig(path);
    const auto rows = readRunMetrics(path);
    double bestSnr = -INFINITY, bestLsd = INFINITY, lastSnr = NAN, lastLsd = NAN, wall = NAN;
    int64_t steps = 0;
    for (const auto& r : rows) {
        steps = std::max(steps, r.step);
        wall = r.wallS;
        if (!r.hasVal()) continue;
        bestSnr = std::max(bestSnr, r.valSnr);
        bestLsd = std::min(bestLsd, r.valLsd);
        lastSnr = r.valSnr;
        lastLsd = r.valLsd;
    }
    auto set = [&](int col, const QString& text, QVariant sortKey = {}) {
        QTableWidgetItem* item = table_->item(row, col);
        item->setText(text);
        item->setData(kSortRole, sortKey);
    };
    auto num = [&](int col, double v, int decimals) {
        if (std::isfinite(v)) set(col, QString::number(v, 'f', decimals), v);
        else set(col, "-");
    };
    set(0, QDir(folder).dirName());
    set(1, QFileInfo(q(c.dataset)).fileName());
    table_->item(row, 1)->setToolTip(q(c.dataset));
    set(2, q(c.model.arch + "/" + c.model.preset));
    set(3, c.loss == "mse+mrstft" ? QString("mse+mrstft×%1").arg(c.stftWeight) : q(c.loss));
    set(4, QString::number(c.lr), c.lr);
    set(5, c.warmupSteps > 0 ? QString("%1, warm-up %2").arg(q(c.lrSchedule)).arg(c.warmupSteps) : q(c.lrSchedule));
    set(6, QString::number(c.batch), c.batch);
    set(7, QString::number(c.epochs), c.epochs);
    set(8, QString::number(c.seed), double(c.seed));
    set(9, deviceOf(folder));
    num(10, bestSnr, 2);
    num(11, bestLsd, 3);
    num(12, lastSnr, 2);
    num(13, lastLsd, 3);
    set(14, QString::number(steps), double(steps));
    set(15, duration(wall), std::isfinite(wall) ? QVariant(wall) : QVariant());
    set(16, q(toString(readRunStatus(path).state)));
    QFile note(folder + "/note.txt");
    set(kNoteColumn, note.open(QIODevice::ReadOnly | QIODevice::Text) ? QString::fromUtf8(note.readAll()).trimmed() : QString());
    stamps_[folder] = runStamp(folder);
    table_->setSortingEnabled(sorting);
}

bool RunTable::refresh(const QString& folder) {
    const int row = rowOf(folder);
    if (row < 0 || stamps_.value(folder) == runStamp(folder)) return false;
    try {
        fillRow(row, folder);
    } catch (const std::exception&) {
        return false;  // its config went away mid-read: the next refresh tries again
    }
    applyFilter();
    return true;
}

int RunTable::rowOf(const QString& folder) const {
    for (int r = 0; r < table_->rowCount(); ++r)
        if (table_->item(r, 0)->data(Qt::UserRole).toString() == folder) return r;
    return -1;
}

QStringList RunTable::folders() const {
    QStringList out;
    for (int r = 0; r < table_->rowCount(); ++r) out << table_->item(r, 0)->data(Qt::UserRole).toString();
    return out;
}

QStringList RunTable::selectedFolders() const {
    QStringList out;
    for (const auto& idx : table_->selectionModel()->selectedRows())
        out << table_->item(idx.row(), 0)->data(Qt::UserRole).toString();
    return out;
}

QString RunTable::currentFolder() const {
    const auto rows = table_->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : table_->item(rows.last().row(), 0)->data(Qt::UserRole).toString();
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
    // A white ring around the colour: a blue run stays visible on the blue selection.
    QPixmap swatch(14, 14);
    swatch.fill(Qt::white);
    QPainter p(&swatch);
    p.fillRect(2, 2, 10, 10, c);
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

void RunTable::applyFilter() {
    const QString f = filter_->text().trimmed();
    for (int r = 0; r < table_->rowCount(); ++r) {
        bool match = f.isEmpty();
        for (int c = 0; !match && c < table_->columnCount(); ++c)
            match = table_->item(r, c)->text().contains(f, Qt::CaseInsensitive);
        table_->setRowHidden(r, !match);
    }
}

}  // namespace srlab
