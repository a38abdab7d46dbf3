// SPDX-License-Identifier: GPL-3.0-or-later
#include "PatchBrowser.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "PlayerBar.h"
#include "SpectrogramGroup.h"
#include "compare/Comparison.h"
#include "dsp/Interpolate.h"

namespace srlab {

PatchBrowser::PatchBrowser(QWidget* parent) : QWidget(parent) {
    split_ = new QComboBox;
    split_->addItems({"train", "val", "test"});
    index_ = new QSpinBox;
    index_->setRange(0, 0);
    info_ = new QLabel("open a dataset");
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
    auto refresh = [this] {
        if (reader_) showPatch(Split(split_->currentIndex()), size_t(index_->value()));
    };
    connect(split_, &QComboBox::currentIndexChanged, this, [this, refresh] {
        if (!reader_) return;
        const size_t n = reader_->count(Split(split_->currentIndex()));
        index_->setRange(0, n ? int(n - 1) : 0);
        refresh();
    });
    connect(index_, &QSpinBox::valueChanged, this, refresh);
    connect(open, &QPushButton::clicked, this, [this] {
        if (!source_.isEmpty()) Q_EMIT openSource(source_);
    });
    connect(player_, &PlayerBar::playheadMoved, spec_, &SpectrogramGroup::setPlayhead);
}

PatchBrowser::~PatchBrowser() = default;

int PatchBrowser::shownPanes() const { return spec_->paneCount(); }

void PatchBrowser::setDataset(const QString& path) {
    reader_ = std::make_unique<PairFileReader>(path.toStdString());
    sources_.clear();
    try {
        const auto manifest = nlohmann::json::parse(reader_->manifestJson());
        for (const auto& s : manifest.at("sources")) sources_.push_back(s.at("path").get<std::string>());
    } catch (const nlohmann::json::exception&) {
        // a dataset without a readable manifest still browses; it just has no source names
    }
    const QSignalBlocker block(split_);
    split_->setCurrentIndex(0);
    const size_t n = reader_->count(Split::Train);
    index_->setRange(0, n ? int(n - 1) : 0);
    if (n) showPatch(Split::Train, 0);
}

void PatchBrowser::showPatch(Split split, size_t index) {
    if (!reader_ || index >= reader_->count(split)) return;
    const auto& info = reader_->info();
    const int rate = info.spec.rate, dim = info.spec.dim;
    std::vector<float> input(size_t(info.inputDim)), label(info.hasLabel ? size_t(dim) : 0);
    reader_->read(split, index, 1, input.data(), info.hasLabel ? label.data() : nullptr);
    if (info.inputDim != dim) input = splineUpsample(input, info.spec.scale, size_t(dim));
    const auto src = reader_->sources(split);
    const auto off = reader_->offsets(split);
    const int32_t s = index < src.size() ? src[index] : -1;
    source_ = s >= 0 && size_t(s) < sources_.size() ? QString::fromStdString(sources_[size_t(s)]) : QString();
    info_->setText(QString("%1  @ %2 s").arg(source_.section('/', -1)).arg(index < off.size() ? double(off[index]) / rate : 0.0, 0, 'f', 2));

    Comparison c;
    c.path = source_.toStdString();
    c.rate = rate;
    c.scale = info.spec.scale;
    c.frames = size_t(dim);
    c.hasTruth = info.hasLabel;
    if (info.hasLabel) c.versions.push_back({"label (high-res)", std::make_shared<const std::vector<float>>(std::move(label)), 0, false, {}});
    c.versions.push_back({"input (" + toString(info.spec.baseline) + ")", std::make_shared<const std::vector<float>>(std::move(input)),
                          rate / (2.0 * c.scale), false, {}});

    for (auto& v : c.versions) v.rms = rmsOf(*v.audio);
    wave_->clearGraphs();
    QVector<double> t(dim);
    for (int i = 0; i < dim; ++i) t[i] = double(i) / rate;
    const QColor colours[2] = {QColor(214, 39, 40), QColor(31, 119, 180)};
    std::vector<PaneData> panes;
    for (size_t v = 0; v < c.versions.size(); ++v) {
        const auto& a = *c.versions[v].audio;
        auto* g = wave_->addGraph();
        g->setName(QString::fromStdString(c.versions[v].name));
        g->setPen(QPen(colours[(v + (info.hasLabel ? 0 : 1)) % 2], 1));
        g->setData(t, QVector<double>(a.begin(), a.end()), true);
        panes.push_back({QString::fromStdString(c.versions[v].name), makeDisplaySpectrogram(a, rate, 23, 400), rate / 2.0,
                         c.versions[v].bandLimitHz, false});
    }
    wave_->rescaleAxes();
    wave_->replot(QCustomPlot::rpQueuedReplot);
    spec_->setPanes(panes);
    player_->setComparison(c);
}

}  // namespace srlab
