// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Measures how long the GUI thread's event loop goes without running a 10 ms timer: the
// longest stall is what a user feels as a frozen window. Tests assert on it; --watchdog
// prints it at exit, and stalls over the threshold are logged as they happen. Each stall also
// says how much of it the GUI thread spent on the CPU: the rest it waited (for a core, a lock
// or the disk), which calls for a different fix than work that belongs on a worker.
//
// Threads: the GUI thread only.
#include <time.h>

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
            const double cpu = cpuMs(), spent = cpu - lastCpu_;
            last_ = now;
            lastCpu_ = cpu;
            if (gap > maxGap_) maxGap_ = gap, maxGapCpu_ = spent;
            if (gap > warnMs_)
                std::fprintf(stderr, "srlab-workbench: GUI thread stalled %lld ms (%.0f ms of it on the CPU)\n",
                             (long long)gap, spent);
        });
        timer_.start();
    }
    qint64 maxGapMs() const { return maxGap_; }
    double maxGapCpuMs() const { return maxGapCpu_; }  // the GUI thread's CPU time within that gap
    void reset() {
        maxGap_ = 0;
        maxGapCpu_ = 0;
        last_ = clock_.elapsed();
        lastCpu_ = cpuMs();
    }

private:
    static double cpuMs() {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
    }
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = 0, maxGap_ = 0;
    double lastCpu_ = cpuMs(), maxGapCpu_ = 0;
    int warnMs_;
};

}  // namespace srlab
