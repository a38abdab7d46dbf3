// SPDX-License-Identifier: GPL-3.0-or-later
// Compare & Listen's exports (File > Export): a version's audio, the metrics as CSV, the panes as
// a titled figure. Each says what it shows: the file, the settings and the checkpoints.
// GUI thread only; the audio is written on a job.
#include <QFileInfo>
#include <QLabel>
#include <QSaveFile>
#include <cstdio>

#include "ComparePage.h"
#include "SpectrogramGroup.h"
#include "audio/AudioStream.h"
#include "util/AtomicFile.h"

namespace srlab {

void ComparePage::exportVersion(int index, const QString& path) {
    if (index < 0 || size_t(index) >= comparison_.versions.size() || !comparison_.versions[size_t(index)].audio) {
        Q_EMIT exported(path, "no such version is loaded");
        return;
    }
    const Samples audio = comparison_.versions[size_t(index)].audio;
    const int rate = comparison_.rate;
    export_.start<bool>(
        [audio, rate, p = path.toStdString()](JobContext&) {
            AudioWriter w(p, rate);
            std::vector<float> block(std::min<size_t>(audio->size(), size_t(1) << 18));
            for (size_t at = 0; at < audio->size(); at += block.size()) {
                const size_t n = std::min(block.size(), audio->size() - at);
                audio->read(at, n, block.data());
                w.write(block.data(), n);
            }
            w.commit();
            return true;
        },
        [this, path](bool) { Q_EMIT exported(path, {}); },
        [this, path](const JobFailure& f) { Q_EMIT exported(path, f.cancelled ? "cancelled" : f.message); });
}

// One row per measured version, each with what it was measured on: the file, the truth's rate,
// the scale, the low-res chain and, for a model's version, its checkpoint.
bool ComparePage::exportMetrics(const QString& path) {
    auto quoted = [](std::string v) {
        for (size_t at = v.find('"'); at != std::string::npos; at = v.find('"', at + 2)) v.insert(at, 1, '"');
        return "\"" + v + "\"";
    };
    std::string csv = "file,rate,scale,chain,version,checkpoint";
    for (const auto& info : metricCatalogue()) csv += std::string(",") + info.key;
    csv += "\n";
    const std::string context = quoted(comparison_.path) + "," + std::to_string(comparison_.rate) + "," +
                                std::to_string(comparison_.scale) + "," + quoted(lastFilter_.trimmed().toStdString()) + ",";
    for (const auto& v : comparison_.versions) {
        if (!v.hasMetrics) continue;
        csv += context + quoted(v.name) + "," + (v.source.empty() ? std::string() : quoted(v.source));
        for (const auto& info : metricCatalogue()) {
            char num[32];
            std::snprintf(num, sizeof num, ",%.9g", v.metrics.*info.field);
            csv += num;
        }
        csv += "\n";
    }
    try {
        writeFileAtomically(path.toStdString(), csv);
        return true;
    } catch (const std::exception& e) {
        Q_EMIT exported(path, e.what());
        return false;
    }
}

QString ComparePage::figureTitle() const {
    QString t = QString("%1   %2 Hz x%3   low-res: %4")
                    .arg(QString::fromStdString(comparison_.path))
                    .arg(comparison_.rate)
                    .arg(comparison_.scale)
                    .arg(lastFilter_.trimmed());
    for (const auto& v : comparison_.versions)
        if (!v.source.empty()) t += QString("\n%1: %2").arg(QString::fromStdString(v.name), QString::fromStdString(v.source));
    if (!note_->text().isEmpty()) t += "\n" + note_->text();  // shown or not (another tab)
    return t;
}

// A figure, not a grab of the widget: a title naming the file, settings and checkpoints, the
// panes as drawn and both colour scales.
bool ComparePage::exportPanes(const QString& path) {
    if (group_->paneCount() == 0) {
        Q_EMIT exported(path, "no comparison is shown");
        return false;
    }
    QSaveFile out(path);  // written whole or not at all
    const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
    if (!out.open(QIODevice::WriteOnly) ||
        !group_->renderFigure(figureTitle()).save(&out, format.isEmpty() ? "PNG" : format.constData()) || !out.commit()) {
        Q_EMIT exported(path, "cannot write the image");
        return false;
    }
    return true;
}

}  // namespace srlab
