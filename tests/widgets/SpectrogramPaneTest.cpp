// SPDX-License-Identifier: GPL-3.0-or-later
// The spectrogram pane draws what it is given: every cell in the colour of its dB, highest
// frequency on top, at its time; a picture painted on a worker is drawn as it is (the GUI
// thread does not colour it again); a restyle or another frequency scale repaints it.
#include <gtest/gtest.h>

#include "ColorMaps.h"
#include "SpectrogramPane.h"
#include "WidgetTestSupport.h"

namespace srlab {
namespace {

// 40 frames of 0.1 s from t = 0, 81 bins up to 8 kHz: the dB rise with time in the lower half of
// the band and stay at -90 in the upper half.
SpectrogramPtr ramp() {
    DisplaySpectrogram s;
    s.frames = 40;
    s.bins = 81;
    s.startSeconds = 0;
    s.secondsPerFrame = 0.1;
    s.hzPerBin = 100;
    s.db.resize(s.frames * s.bins);
    for (size_t f = 0; f < s.frames; ++f)
        for (size_t k = 0; k < s.bins; ++k) s.db[f * s.bins + k] = k < 40 ? float(-100.0 + 2.5 * double(f)) : -90.0f;
    return std::make_shared<const DisplaySpectrogram>(std::move(s));
}

struct Drawn {
    QImage img;
    const SpectrogramPane* p;
    // The colour drawn at (seconds, Hz).
    QColor at(double t, double hz) const {
        const double row = hz / 8000.0 * (kPaneRows - 1);
        return img.pixelColor(int(p->xAxis->coordToPixel(t)), int(p->yAxis->coordToPixel(row)));
    }
};

Drawn draw(SpectrogramPane& p) {
    p.resize(600, 300);
    p.xAxis->setRange(0, 4);  // the overview's frames span -0.05 .. 3.95 s
    p.replot(QCustomPlot::rpImmediateRefresh);
    return {p.toPixmap(600, 300).toImage(), &p};
}

QColor expected(const SpectrogramStyle& st, double db) {
    QCPColorGradient g = colorMap(st.colorMap);
    return QColor(g.color(db, QCPRange(st.floorDb, st.floorDb + st.rangeDb)));
}

TEST(SpectrogramPane, EveryCellIsDrawnInTheColourOfItsDbWithHighFrequenciesOnTop) {
    test::app();
    SpectrogramPane p;
    SpectrogramStyle st;
    p.applyStyle(st);
    p.setSpectrogram("ramp", ramp(), 8000, 0);
    const Drawn d = draw(p);
    for (int f : {0, 7, 20, 39}) {
        const double t = 0.1 * f + 0.02;  // inside the cell, clear of the axis line at 0
        EXPECT_EQ(d.at(t, 1000), expected(st, -100.0 + 2.5 * f)) << "frame " << f;
        EXPECT_EQ(d.at(t, 7000), expected(st, -90.0)) << "frame " << f;
    }
    // Zoomed to a microsecond inside frame 20 (the columns in view are drawn alone): its colour.
    p.xAxis->setRange(2.01, 2.010001);
    p.replot(QCustomPlot::rpImmediateRefresh);
    const QImage z = p.toPixmap(600, 300).toImage();
    EXPECT_EQ(z.pixelColor(int(p.xAxis->coordToPixel(2.0100005)), int(p.yAxis->coordToPixel(1000.0 / 8000 * (kPaneRows - 1)))),
              expected(st, -50.0));
    // Restyled: another map and floor repaint the picture.
    st.colorMap = "viridis";
    st.floorDb = -80;
    p.applyStyle(st);
    const Drawn v = draw(p);
    EXPECT_EQ(v.at(2.0, 1000), expected(st, -50.0));
    EXPECT_EQ(v.at(2.0, 7000), expected(st, -90.0));
    // On a log scale the row that showed 6 kHz (upper half, -90 dB) shows about 2 kHz (lower
    // half, -50 dB at 2 s): the cells were resampled onto the new scale.
    const double row = 6000.0 / 8000.0 * (kPaneRows - 1);
    st.scale = FreqScale::Log;
    p.applyStyle(st);
    const Drawn l = draw(p);
    EXPECT_LT(p.rowToHz(row), 2500.0);
    EXPECT_EQ(l.img.pixelColor(int(p.xAxis->coordToPixel(2.0)), int(p.yAxis->coordToPixel(row))), expected(st, -50.0));
}

TEST(SpectrogramPane, APicturePaintedOnAWorkerIsDrawnAsItIs) {
    test::app();
    SpectrogramPane p;
    SpectrogramStyle st;
    p.applyStyle(st);
    const SpectrogramPtr s = ramp();
    PanePicture pic = paintPane(*s, st, false, 8000);
    ASSERT_EQ(pic.image.width(), 40);
    ASSERT_EQ(pic.image.height(), kPaneRows);
    pic.image.fill(QColor(0, 255, 0));  // not what colouring the cells gives: proves it is not repainted
    p.setSpectrogram("worker", s, 8000, 0, false, pic);
    EXPECT_EQ(draw(p).at(2.0, 1000), QColor(0, 255, 0));
    // Painted for another look, it is repainted from its cells.
    st.colorMap = "grey";
    PanePicture stale = paintPane(*s, st, false, 8000);
    stale.image.fill(QColor(0, 255, 0));
    p.setSpectrogram("stale", s, 8000, 0, false, stale);
    EXPECT_EQ(draw(p).at(2.0, 1000), expected(p.style(), -50.0));
}

TEST(SpectrogramPane, DetailIsDrawnWhileItCoversTheViewAndTheOverviewOtherwise) {
    test::app();
    SpectrogramPane p;
    SpectrogramStyle st;
    p.applyStyle(st);
    p.setZoomable(true);
    p.setSpectrogram("overview", ramp(), 8000, 0);
    DisplaySpectrogram d = *ramp();  // "detail" of 1.0 .. 2.0 s, all at -20 dB
    d.startSeconds = 1.0;
    d.secondsPerFrame = 0.025;
    std::fill(d.db.begin(), d.db.end(), -20.0f);
    auto detail = std::make_shared<const DisplaySpectrogram>(std::move(d));
    p.resize(600, 300);
    p.xAxis->setRange(1.2, 1.8);
    p.setDetail(detail, paintPane(*detail, st, false, 8000));
    EXPECT_TRUE(p.showingDetail());
    p.replot(QCustomPlot::rpImmediateRefresh);
    QImage img = p.toPixmap(600, 300).toImage();
    const int y = int(p.yAxis->coordToPixel(kPaneRows / 8.0));
    EXPECT_EQ(img.pixelColor(int(p.xAxis->coordToPixel(1.5)), y), expected(st, -20.0));
    EXPECT_FLOAT_EQ(float(p.valueAt(1.5, 1000)), -20.0f);
    p.xAxis->setRange(0, 4);  // no longer covered: the overview again
    EXPECT_FALSE(p.showingDetail());
    const Drawn o = draw(p);
    EXPECT_EQ(o.at(2.0, 1000), expected(st, -50.0));
    EXPECT_FLOAT_EQ(float(p.valueAt(2.0, 1000)), -50.0f);
}

}  // namespace
}  // namespace srlab
