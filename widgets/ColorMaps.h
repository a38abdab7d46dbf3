// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Perceptual colour maps for spectrograms (matplotlib's magma and viridis, sampled), grey, and
// a diverging map for difference panes.
#include <qcustomplot.h>

#include <QString>
#include <QStringList>

namespace srlab {
QStringList colorMapNames();  // "magma", "viridis", "grey"
QCPColorGradient colorMap(const QString& name);
QCPColorGradient divergingMap();
}  // namespace srlab
