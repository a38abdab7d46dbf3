// SPDX-License-Identifier: GPL-3.0-or-later
#include "PatchBrowser.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "PlayerBar.h"
#include "SpectrogramGroup.h"

namespace srlab {

PatchBrowser::PatchBrowser(QWidget* parent) : QWidget(parent) {
    split_ = new QComboBox;
    split_->addItems({"train", "val", "test"});
    index_ = new QSpinBox;
    index_->setRange(0, 0);
    info_ = new QLabel("open a dataset");
    info_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // a long file name never widens the window
    auto* open = new QPushButton("Open source in Compare");
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel("split"));
    bar->addWidget(split_);
    bar->addWidget(new QLabel("patch"));
    bar->addWidget(index_);
    bar->addWidget(info_, 1);
    bar->addWidget(open);
    wave_ = new QCustomPlot;
    wave_->setMinimumHeight(140);
    wave_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    wave_->axisRect()->setRangeZoom(Qt::Horizontal);
    wave_->legend->setVisible(true);
    spec_ = new SpectrogramGroup;
    player_ = new PlayerBar;
    auto* lay = new QVBoxLayout(this);
    lay->addLayout(bar);
    lay->addWidget(wave_, 1);
    lay->addWidget(spec_, 3);
    lay->addWidget(player_);
    auto refresh = [this] { requestPatch(Split(split_->currentIndex()), size_t(index_->value())); };
    connect(split_, &QComboBox::currentIndexChanged, this, [this, refresh] {
        const size_t n = counts_[size_t(split_->currentIndex())];
        const QSignalBlocker block(index_);
        index_->setRange(0, n ? int(n - 1) : 0);
        refresh();
    });
    connect(index_, &QSpinBox::valueChanged, this, refresh);
    connect(open, &QPushButton::clicked, this, [this] {
        if (!source_.isEmpty()) Q_EMIT openSource(source_, offset_, chain_);
    });
    connect(player_, &PlayerBar::playheadMoved, spec_, &SpectrogramGroup::setPlayhead);
}

int PatchBrowser::shownPanes() const { return spec_->paneCount(); }

void PatchBrowser::setDataset(const std::array<size_t, 3>& counts) {
    counts_ = counts;
    {
        const QSignalBlocker b1(split_), b2(index_);
        split_->setCurrentIndex(0);
        index_->setRange(0, counts[0] ? int(counts[0] - 1) : 0);
        index_->setValue(0);
    }
    clear();
    if (counts[0]) requestPatch(Split::Train, 0);
}

void PatchBrowser::clear() {
    source_.clear();
    chain_.clear();
    offset_ = 0;
    info_->setText("open a dataset");
    wave_->clearGraphs();
    wave_->replot(QCustomPlot::rpQueuedReplot);
    spec_->setPanes({});
    player_->setComparison(Comparison{});
}

void PatchBrowser::requestPatch(Split split, size_t index) {
    if (index >= counts_[size_t(split)]) return;
    info_->setText(QString("reading patch %1...").arg(index));
    Q_EMIT patchWanted(split, index);
}

void PatchBrowser::showPatch(const PatchComparison& p) {
    {  // the controls follow the patch shown (it may have been asked for by someone else)
        const QSignalBlocker b1(split_), b2(index_);
        split_->setCurrentIndex(int(p.split));
        const size_t n = counts_[size_t(p.split)];
        index_->setRange(0, n ? int(n - 1) : 0);
        index_->setValue(int(p.index));
    }
    const Comparison& c = p.comparison;
    source_ = QString::fromStdString(p.source);
    chain_ = QString::fromStdString(p.degradation);
    offset_ = p.offsetSeconds;
    info_->setText(QString("%1  @ %2 s%3")
                       .arg(source_.section('/', -1))
                       .arg(offset_, 0, 'f', 2)
                       .arg(p.degradation.empty() ? QString() : "   low-res made by " + QString::fromStdString(p.degradation)));
    wave_->clearGraphs();
    QVector<double> t(int(c.frames));
    for (int i = 0; i < int(c.frames); ++i) t[i] = double(i) / c.rate;
    const QColor colours[2] = {QColor(214, 39, 40), QColor(31, 119, 180)};
    std::vector<PaneData> panes;
    for (size_t v = 0; v < c.versions.size(); ++v) {
        const auto& a = *c.versions[v].audio;
        auto* g = wave_->addGraph();
        g->setName(QString::fromStdString(c.versions[v].name));
        g->setPen(QPen(colours[(v + (c.hasTruth ? 0 : 1)) % 2], 1));
        g->setData(t, QVector<double>(a.begin(), a.end()), true);
        panes.push_back({QString::fromStdString(c.versions[v].name), std::make_shared<const DisplaySpectrogram>(p.overviews[v]), c.rate / 2.0, c.versions[v].bandLimitHz, false});
    }
    wave_->rescaleAxes();
    wave_->replot(QCustomPlot::rpQueuedReplot);
    spec_->setPanes(panes);
    player_->setComparison(c);
}

}  // namespace srlab
