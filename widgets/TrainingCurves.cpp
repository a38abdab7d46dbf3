// SPDX-License-Identifier: GPL-3.0-or-later
#include "TrainingCurves.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace srlab {
namespace {

const char* kTitles[4] = {"train loss", "validation loss", "validation SNR (dB)", "validation LSD (dB, standard)"};
const char* kStepMetrics[6] = {"train loss", "learning rate", "gradient norm", "samples per second", "data wait (ms)",
                               "memory (MiB)"};

// What plot `plot` shows when the first plot shows step metric `metric`.
Quantity quantityFor(int plot, int metric) {
    static const Quantity kStep[6] = {Quantity::TrainLoss,   Quantity::Lr,         Quantity::GradNorm,
                                      Quantity::SamplesPerS, Quantity::DataWaitMs, Quantity::MemMiB};
    switch (plot) {
        case 0: return kStep[std::clamp(metric, 0, 5)];
        case 1: return Quantity::ValLoss;
        case 2: return Quantity::ValSnr;
        default: return Quantity::ValLsd;
    }
}

}  // namespace

namespace {
const QColor kPalette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                           QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                           QColor(227, 119, 194), QColor(23, 190, 207)};
constexpr int kColours = int(sizeof kPalette / sizeof kPalette[0]);
}  // namespace

QColor TrainingCurves::colourFor(const QString& name) const {
    const auto it = colour_.find(name);
    return it == colour_.end() ? QColor(128, 128, 128) : kPalette[it->second % kColours];
}

// The accessors answer for what is set, not for a redraw still pending.
int TrainingCurves::legendItems() const {
    if (pending_) const_cast<TrainingCurves*>(this)->redrawNow();
    return plots_[0]->legend->itemCount();
}

TrainingCurves::TrainingCurves(QWidget* parent) : QWidget(parent) {
    auto* grid = new QGridLayout;
    for (int i = 0; i < 4; ++i) {
        auto* p = new QCustomPlot;
        p->plotLayout()->insertRow(0);
        p->plotLayout()->addElement(0, 0, new QCPTextElement(p, kTitles[i], QFont("sans", 9, QFont::Bold)));
        p->setObjectName(kTitles[i]);
        p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
        // Polylines drawn as such, not stroked as paths: a live run redraws its first plot
        // several times a second, and path stroking of thousands of points was most of it.
        p->setPlottingHint(QCP::phFastPolylines, true);
        p->setMinimumSize(260, 180);
        plots_[i] = p;
        grid->addWidget(p, i / 2, i % 2);
    }
    xAxis_ = new QComboBox;
    xAxis_->addItems({"step", "epoch", "wall time (s)"});
    smoothing_ = new QSlider(Qt::Horizontal);
    smoothing_->setRange(0, 99);
    smoothing_->setValue(90);
    smoothing_->setToolTip("Exponential moving average of the bold curve; the raw values stay faint");
    stepMetric_ = new QComboBox;
    for (const char* m : kStepMetrics) stepMetric_->addItem(m);
    stepMetric_->setToolTip("What the first plot shows, per training step (all of it is in metrics.csv)");
    logY_ = new QCheckBox("log loss");
    logY_->setChecked(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel("x-axis"));
    bar->addWidget(xAxis_);
    bar->addSpacing(16);
    bar->addWidget(new QLabel("smoothing"));
    bar->addWidget(smoothing_, 1);
    bar->addWidget(new QLabel("first plot"));
    bar->addWidget(stepMetric_);
    bar->addWidget(logY_);
    auto* top = new QVBoxLayout(this);
    top->setContentsMargins(0, 0, 0, 0);
    top->addLayout(bar);
    top->addLayout(grid, 1);
    connect(xAxis_, &QComboBox::currentIndexChanged, this, [this] { redraw(); });
    connect(smoothing_, &QSlider::valueChanged, this, [this] { redraw(); });
    connect(logY_, &QCheckBox::toggled, this, [this] { redraw(); });
    connect(stepMetric_, &QComboBox::currentIndexChanged, this, [this] {
        static_cast<QCPTextElement*>(plots_[0]->plotLayout()->element(0, 0))->setText(stepMetric_->currentText());
        redraw();
    });
}

void TrainingCurves::setReferences(const QString& name, const std::vector<BaselineReference>& refs) {
    refs_[name] = refs;
    redraw();
}

void TrainingCurves::setStepMetric(int which) { stepMetric_->setCurrentIndex(which); }

void TrainingCurves::setLossType(const QString& name, const QString& loss) {
    if (loss_[name] == loss) return;
    loss_[name] = loss;
    redraw();
}

int TrainingCurves::referenceLines() const {
    if (pending_) const_cast<TrainingCurves*>(this)->redrawNow();
    int lines = 0;
    for (QCustomPlot* p : {plots_[2], plots_[3]})
        for (int k = 0; k < p->itemCount(); ++k) lines += qobject_cast<QCPItemStraightLine*>(p->item(k)) != nullptr;
    return lines;
}

void TrainingCurves::setRun(const QString& name, const RunCurves& curves) {
    runs_[name] = curves;
    if (!colour_.count(name)) {  // the first palette colour no shown run has
        auto taken = [&](int k) {
            for (const auto& entry : colour_)
                if (entry.second == k) return true;
            return false;
        };
        int c = 0;
        while (taken(c)) ++c;
        colour_[name] = c;
    }
    redraw();
}

void TrainingCurves::redraw() {
    // Runs can change many times a second: one redraw per 100 ms at most.
    if (pending_) return;
    pending_ = true;
    QTimer::singleShot(100, this, [this] {
        if (pending_) redrawNow();
    });
}

void TrainingCurves::removeRunsExcept(const QStringList& keep) {
    for (auto it = runs_.begin(); it != runs_.end();) it = keep.contains(it->first) ? std::next(it) : runs_.erase(it);
    for (auto it = colour_.begin(); it != colour_.end();) it = runs_.count(it->first) ? std::next(it) : colour_.erase(it);
    for (auto it = refs_.begin(); it != refs_.end();) it = runs_.count(it->first) ? std::next(it) : refs_.erase(it);
    for (auto it = loss_.begin(); it != loss_.end();) it = runs_.count(it->first) ? std::next(it) : loss_.erase(it);
    redraw();
}

QStringList TrainingCurves::runs() const {
    QStringList out;
    for (const auto& r : runs_) out << r.first;
    return out;
}

void TrainingCurves::redrawNow(bool force) {
    pending_ = false;
    const int mode = xAxis_->currentIndex();
    const double alpha = smoothing_->value() / 100.0;
    // The kinds of loss among the shown runs, in the order the runs are listed: the first on the
    // left axis, any other on the right.
    QStringList kinds;
    for (const auto& [name, rows] : runs_) {
        const QString k = loss_.count(name) ? loss_.at(name) : QString();
        if (!kinds.contains(k)) kinds << k;
    }
    for (int i = 0; i < 4; ++i) {
        QCustomPlot* p = plots_[i];
        // A plot whose runs, settings and references did not change is not drawn again: while a
        // run trains, validation plots change once an epoch, the first plot every step.
        QString sig = QString("%1/%2/%3/%4/%5|").arg(mode).arg(alpha).arg(stepMetric_->currentIndex()).arg(logY_->isChecked()).arg(kinds.join(","));
        for (const auto& [name, curves] : runs_)
            sig += QString("%1:%2:%3:%4,").arg(name).arg((i == 0 ? curves.train : curves.val).rows()).arg(curves.lastStep)
                       .arg(refs_.count(name) ? int(refs_.at(name).size()) : 0);
        if (sig == drawn_[i] && !force) continue;
        drawn_[i] = sig;
        p->clearGraphs();
        p->clearItems();
        const int metric = stepMetric_->currentIndex();
        const bool log = logY_->isChecked() && (i == 1 || (i == 0 && (metric == 0 || metric == 2)));
        const bool isLoss = i == 1 || (i == 0 && metric == 0);
        const bool twoAxes = isLoss && kinds.size() > 1;
        for (QCPAxis* a : {p->yAxis, p->yAxis2}) {
            a->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
            if (log) a->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
            else a->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        }
        p->yAxis2->setVisible(twoAxes);
        p->yAxis->setLabel(twoAxes ? kinds[0] : QString());
        p->yAxis2->setLabel(twoAxes ? QStringList(kinds.mid(1)).join(", ") : QString());
        p->xAxis->setLabel(xAxis_->currentText());
        const Quantity quantity = quantityFor(i, metric);
        for (const auto& [name, curves] : runs_) {
            // Each bucket: its min and max (the faint envelope; one row's value while a bucket
            // is one row) and its mean, smoothed on the train-loss plot by an exponential moving
            // average whose per-row factor alpha becomes alpha^rows over a bucket.
            const CurveSeries& series = i == 0 ? curves.train : curves.val;
            QVector<double> xs, smooth, envX, envY;
            xs.reserve(int(series.buckets().size()));
            smooth.reserve(xs.capacity());
            double ema = NAN;
            for (const CurveBucket& b : series.buckets()) {
                const CurveBucket::Stat& st = b.q[size_t(quantity)];
                if (!st.n) continue;
                const double y = st.mean();
                if (!std::isfinite(y) || (log && y <= 0)) continue;
                const double x = mode == 0 ? b.step : mode == 1 ? b.epoch : b.wallS;
                // Train loss gets per-step smoothing; epoch-level curves are already averages.
                const double a = std::pow(alpha, double(b.rows));
                ema = (i == 0 && std::isfinite(ema)) ? a * ema + (1 - a) * y : y;
                xs << x;
                smooth << ema;
                if (i == 0) {
                    envX << x << x;
                    envY << (log && st.min <= 0 ? y : st.min) << st.max;
                }
            }
            const QColor c = colourFor(name);
            const bool right = twoAxes && kinds.indexOf(loss_.count(name) ? loss_.at(name) : QString()) > 0;
            QCPAxis* valueAxis = right ? p->yAxis2 : p->yAxis;
            if (i == 0) {
                QCPGraph* faint = p->addGraph(p->xAxis, valueAxis);
                QColor fc = c;
                fc.setAlpha(60);
                faint->setPen(QPen(fc, 1));
                // Thousands of one-pixel min/max strokes: antialiasing them costs most of a
                // redraw and shows nothing at that width.
                faint->setAntialiased(false);
                faint->setData(envX, envY, true);
                faint->removeFromLegend();
            }
            QCPGraph* bold = p->addGraph(p->xAxis, valueAxis);
            bold->setPen(QPen(c, 2, Qt::SolidLine, Qt::FlatCap, Qt::BevelJoin));  // round joins: most of a redraw
            bold->setName(name);
            // A dot per validation while they can be told apart; a line past that.
            if (i > 0 && xs.size() <= 200) bold->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
            bold->setData(xs, smooth, true);
        }
        // The train-loss plot names the runs (each colour once).
        if (i > 0)
            for (int g = 0; g < p->graphCount(); ++g) p->graph(g)->removeFromLegend();
        p->legend->setVisible(i == 0 && !runs_.empty());
        // Before a plot has a value (a new run before its first validation) nothing of what it
        // showed before stays: the axes are reset and the plot says why it is empty.
        bool hasData = false;
        for (int g = 0; g < p->graphCount(); ++g) hasData |= p->graph(g)->dataCount() > 0;
        if (hasData) {
            p->rescaleAxes();  // each y axis to its own runs' values: none is cut off by another's
            // A margin, so the extreme points (the newest, as often as not) are not drawn on the frame.
            for (QCPAxis* a : {p->yAxis, p->yAxis2}) {
                if (a->plottables().isEmpty()) continue;  // an unused axis would grow every redraw
                const QCPRange r = a->range();
                if (log && r.lower > 0) {
                    const double f = std::pow(std::max(r.upper / r.lower, 1.01), 0.05);
                    a->setRange(r.lower / f, r.upper * f);
                } else {
                    const double pad = r.size() > 0 ? 0.05 * r.size() : std::max(0.05 * std::abs(r.lower), 1e-9);
                    a->setRange(r.lower - pad, r.upper + pad);
                }
            }
        } else {
            p->xAxis->setRange(0, 1);
            p->yAxis->setRange(log ? QCPRange(0.1, 1) : QCPRange(0, 1));
            auto* empty = new QCPItemText(p);
            empty->position->setType(QCPItemPosition::ptAxisRectRatio);
            empty->position->setCoords(0.5, 0.5);
            empty->setText(runs_.empty() ? "no run selected" : i == 0 ? "no steps yet" : "no validation yet");
            empty->setColor(Qt::gray);
        }
        if (i >= 2) {  // each run's baselines as dashed lines in its colour, inside the y range
            bool any = hasData;
            QCPRange y = hasData ? p->yAxis->range() : QCPRange();
            std::vector<std::pair<QCPItemText*, double>> labels;
            for (const auto& [name, refs] : refs_)
                for (size_t k = 0; k < refs.size(); ++k) {
                    const BaselineReference& b = refs[k];
                    const double v = i == 2 ? b.snr : b.lsd;
                    if (!std::isfinite(v)) continue;
                    y = any ? QCPRange(std::min(y.lower, v), std::max(y.upper, v)) : QCPRange(v, v);
                    any = true;
                    auto* line = new QCPItemStraightLine(p);
                    line->point1->setCoords(0, v);
                    line->point2->setCoords(1, v);
                    line->setPen(QPen(colourFor(name), 1, b.name == "sinc" ? Qt::DotLine : Qt::DashLine));
                    // Each baseline's label at its own place along the line: two close values
                    // (spline and sinc often are) never print over each other.
                    auto* label = new QCPItemText(p);
                    labels.emplace_back(label, v);
                    label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
                    label->position->setCoords(0.99 - 0.14 * double(k % 4), v);
                    label->setText(QString::fromStdString(b.name));
                    label->setColor(colourFor(name));
                    label->setFont(QFont("sans", 8));
                }
            // At least a dB of range: lines a hair apart are not stretched over the whole plot.
            if (any) {
                const double pad = std::max(0.05 * y.size(), (1.0 - y.size()) / 2);
                p->yAxis->setRange(y.lower - pad, y.upper + pad);
            }
            // Above its line in the plot's lower half, below it in the upper: never off the plot.
            for (const auto& [label, v] : labels)
                label->setPositionAlignment(Qt::AlignRight | (v > p->yAxis->range().center() ? Qt::AlignTop : Qt::AlignBottom));
        }
        p->replot(force ? QCustomPlot::rpImmediateRefresh : QCustomPlot::rpQueuedReplot);
    }
}

}  // namespace srlab
