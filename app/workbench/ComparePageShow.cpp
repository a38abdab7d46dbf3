// SPDX-License-Identifier: GPL-3.0-or-later
// What Compare's staged load shows as it goes (panes, rows, the header), and the zoomed panes'
// detail jobs. GUI thread.
#include "ComparePage.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QDoubleSpinBox>

#include <algorithm>

#include "AbxPanel.h"
#include "MetricsTable.h"
#include "MushraPanel.h"
#include "PlayerBar.h"
#include "SpectrogramGroup.h"

namespace srlab {

void ComparePage::showVersion(size_t i, const Version& v, const PaneData& pane) {
    if (comparison_.versions.size() <= i) comparison_.versions.resize(i + 1);
    comparison_.versions[i] = v;
    if (paneSources_.size() <= i) paneSources_.resize(i + 1);
    paneSources_[i] = {v.audio};
    group_->setPane(int(i), pane, i > 0);
    if (i == 0 && comparison_.versions.size() == 1) Q_EMIT stageShown("truth");
    // A long file's panes fill in as their versions are made: each pane's first drawing.
    if (panesBegun_.size() <= i) panesBegun_.resize(i + 1, false);
    if (!panesBegun_[i]) {
        panesBegun_[i] = true;
        Q_EMIT stageShown(QString("pane %1 begun").arg(i + 1));
    }
}

void ComparePage::showVersions(const Comparison& c) {
    // The model's view may have come first (it runs beside the versions): it stays.
    const Comparison before = comparison_;
    comparison_ = c;
    for (size_t i = c.versions.size(); i < before.versions.size() && before.versions[i].audio; ++i)
        comparison_.versions.push_back(before.versions[i]);
    versionsShown_ = true;
    metrics_->setComparison(comparison_);
    player_->setComparison(comparison_);
    abx_->setComparison(comparison_);
    if (mushra_) mushra_->setComparison(comparison_);
    file_->setToolTip(QString::fromStdString(c.path));
    file_->setText(QString("%1   %2 Hz x%3, %4 s%5%6")
                       .arg(QFileInfo(QString::fromStdString(c.path)).fileName())
                       .arg(c.rate)
                       .arg(c.scale)
                       .arg(double(c.frames) / c.rate, 0, 'f', 1)
                       .arg(c.hasTruth ? "" : "   (low-res input: no ground truth)")
                       .arg(c.contentCutoffHz > 0 ? QString("   (content up to %1 kHz: band-limited)").arg(c.contentCutoffHz / 1000, 0, 'f', 1)
                                                  : QString()));
    // The truth's own band edge, dashed on its pane (docs/reference.md §5).
    if (c.hasTruth && c.contentCutoffHz > 0 && group_->paneCount() > 0) group_->pane(0)->setBandLimit(c.contentCutoffHz);
    if (viewTo_ > viewFrom_ && group_->paneCount() > 0) {  // openAt: the patch's place
        group_->pane(0)->xAxis->setRange(viewFrom_, viewTo_);
        viewFrom_ = viewTo_ = -1;
    }
    Q_EMIT stageShown("versions");
    Q_EMIT panesShown(QString::fromStdString(c.path));
}

// The difference pane is always the last one.
void ComparePage::showDifference(const PaneData& pane, std::vector<Samples> sources) {
    differencePane_ = pane;
    differenceSources_ = std::move(sources);
    hasDifference_ = true;
    const size_t at = comparison_.versions.size();
    if (paneSources_.size() <= at) paneSources_.resize(at + 1);
    paneSources_[at] = differenceSources_;
    detailJob(int(at)).abandon();
    group_->setPane(int(at), pane);
}

// A partial version (its title says so) is replaced in place by the complete one.
void ComparePage::showModelVersion(size_t k, const Version& v, const PaneData& pane, bool complete) {
    if (comparison_.versions.size() <= k) comparison_.versions.resize(k + 1);
    comparison_.versions[k] = v;
    if (paneSources_.size() <= k + 1) paneSources_.resize(k + 2);
    paneSources_[k] = {v.audio};
    detailJob(int(k)).abandon();
    group_->setPane(int(k), pane);
    if (!versionsShown_) {  // ahead of the baselines: heard and measured once they are all there
        Q_EMIT stageShown(complete ? "model" : "model (view)");
        return;
    }
    if (hasDifference_) {  // moves below the model's pane, until the model's own replaces it
        paneSources_[k + 1] = differenceSources_;
        detailJob(int(k + 1)).abandon();
        group_->setPane(int(k + 1), differencePane_);
    }
    player_->setComparison(comparison_);
    metrics_->setComparison(comparison_);
    abx_->setComparison(comparison_);
    if (mushra_) mushra_->setComparison(comparison_);
    Q_EMIT stageShown(complete ? "model" : "model (view)");
}

void ComparePage::showMetrics(const Comparison& c) {
    for (size_t i = 0; i < c.versions.size() && i < comparison_.versions.size(); ++i) {
        comparison_.versions[i].hasMetrics = c.versions[i].hasMetrics;
        comparison_.versions[i].metrics = c.versions[i].metrics;
    }
    metrics_->setComparison(comparison_);
    const bool model = !c.versions.empty() && c.versions.back().name.rfind("super-res", 0) == 0;
    Q_EMIT stageShown(model ? "model metrics" : "metrics");
}

void ComparePage::finish() {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    Q_EMIT loaded(QString::fromStdString(comparison_.path));
}

void ComparePage::fail(const JobFailure& f) {
    progress_->setVisible(false);
    cancel_->setVisible(false);
    if (f.cancelled) {
        file_->setText(QString("%1: cancelled").arg(path_));
        Q_EMIT failed({});
        return;
    }
    // The header names the failure and nothing of an earlier file stays beside it. A file that
    // cannot be read is not tried again when a setting changes; one that failed under these
    // settings (a filter chain, a rate that does not fit the scale) is, with the corrected ones.
    if (unreadable_) path_.clear();
    viewFrom_ = viewTo_ = -1;
    group_->setPanes({});
    comparison_ = Comparison{};
    metrics_->setComparison(comparison_);
    player_->setComparison(comparison_);
    abx_->setComparison(comparison_);
    if (mushra_) mushra_->setComparison(comparison_);
    file_->setText(QString("error: %1").arg(f.message));
    Q_EMIT failed(f.message);
}

QString ComparePage::header() const { return !note_->text().isEmpty() ? file_->text() + "   (" + note_->text() + ")" : file_->text(); }

int ComparePage::superResIndex() const {
    for (size_t i = 0; i < comparison_.versions.size(); ++i)
        if (comparison_.versions[i].name.rfind("super-res", 0) == 0 && comparison_.versions[i].audio) return int(i);
    return -1;
}

JobRunner& ComparePage::detailJob(int pane) {
    while (int(detailJobs_.size()) <= pane) detailJobs_.push_back(std::make_unique<JobRunner>());
    return *detailJobs_[size_t(pane)];
}

// A zoomed pane's detail: its signal (or difference) over the asked range at one frame per
// pixel, from core's spectrogram producer, on a job of that pane's own.
void ComparePage::makeDetail(int pane, double t0, double t1, int columns) {
    if (pane < 0 || pane >= group_->paneCount() || size_t(pane) >= paneSources_.size() || paneSources_[size_t(pane)].empty() ||
        !paneSources_[size_t(pane)][0])
        return;
    const std::vector<Samples> src = paneSources_[size_t(pane)];
    const int rate = comparison_.rate;
    const double ms = windowMs_->value();
    const SpectrogramStyle style = group_->style();
    const bool diff = group_->pane(pane)->isDifference();
    const double maxHz = rate / 2.0;
    struct Detail {
        SpectrogramPtr spec;
        PanePicture picture;
    };
    detailJob(pane).start<Detail>(
        [=](JobContext& ctx) {
            const size_t n = src[0]->size();
            const size_t b = size_t(std::clamp(t0 * rate, 0.0, double(n))), e = size_t(std::clamp(t1 * rate, 0.0, double(n)));
            ctx.cancel().throwIfCancelled();
            Detail d;
            d.spec = std::make_shared<const DisplaySpectrogram>(
                src.size() > 1 && src[1] ? makeDifferenceSpectrogram(*src[0], *src[1], b, e, rate, ms, size_t(columns), 1)
                                         : makeDisplaySpectrogram(*src[0], b, e, rate, ms, size_t(columns), 1));
            d.picture = paintPane(*d.spec, style, diff, maxHz);
            return d;
        },
        [this, pane](Detail d) {
            if (pane < group_->paneCount()) group_->pane(pane)->setDetail(std::move(d.spec), std::move(d.picture));
        },
        [](const JobFailure&) {});
}

}  // namespace srlab
