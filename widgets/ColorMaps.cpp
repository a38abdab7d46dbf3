// SPDX-License-Identifier: GPL-3.0-or-later
#include "ColorMaps.h"

namespace srlab {
namespace {
QCPColorGradient fromStops(std::initializer_list<const char*> hex) {
    QCPColorGradient g;
    g.clearColorStops();
    const int n = int(hex.size());
    int i = 0;
    for (const char* h : hex) g.setColorStopAt(double(i++) / (n - 1), QColor(h));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(350);
    return g;
}
}  // namespace

QStringList colorMapNames() { return {"magma", "viridis", "grey"}; }

QCPColorGradient colorMap(const QString& name) {
    if (name == "viridis")
        return fromStops({"#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
                          "#b5de2b", "#fde725"});
    if (name == "grey") return QCPColorGradient(QCPColorGradient::gpGrayscale);
    return fromStops({"#000004", "#140e36", "#3b0f70", "#641a80", "#8c2981", "#b73779", "#de4968", "#f7705c",
                      "#fe9f6d", "#fecf92", "#fcfdbf"});
}

QCPColorGradient divergingMap() {
    return fromStops({"#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"});
}

}  // namespace srlab
