// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Measures how long the GUI thread's event loop goes without running a 10 ms timer: the
// longest stall is what a user feels as a frozen window. Tests assert on it; --watchdog
// prints it at exit, and stalls over the threshold are logged as they happen.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <cstdio>

namespace srlab {

class Watchdog : public QObject {
public:
    explicit Watchdog(QObject* parent = nullptr, int warnMs = 250) : QObject(parent), warnMs_(warnMs) {
        clock_.start();
        timer_.setInterval(10);
        QObject::connect(&timer_, &QTimer::timeout, this, [this] {
            const qint64 now = clock_.elapsed(), gap = now - last_;
            last_ = now;
            if (gap > maxGap_) maxGap_ = gap;
            if (gap > warnMs_) std::fprintf(stderr, "srlab-workbench: GUI thread stalled %lld ms\n", (long long)gap);
        });
        timer_.start();
    }
    qint64 maxGapMs() const { return maxGap_; }
    void reset() {
        maxGap_ = 0;
        last_ = clock_.elapsed();
    }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = 0, maxGap_ = 0;
    int warnMs_;
};

}  // namespace srlab
