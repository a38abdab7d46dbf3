// SPDX-License-Identifier: GPL-3.0-or-later
// srlab-bench-gui FILE [--model CKPT] [--width PX] [--frames N] [--stalls MS]
// Times Compare & Listen the way a user meets it: from "open" to every pane drawn, to the
// metrics table filled (and the model's version, with --model); then zoom and scroll frames,
// each pane re-rendered at the given width. Runs offscreen when there is no display.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <thread>

#include "ComparePage.h"
#include <QFile>
#include <QTemporaryDir>
#include "SpectrogramGroup.h"
#include "JobRunner.h"
#include "Watchdog.h"

namespace {

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

// Runs the event loop until `signal` fires (or 10 minutes pass); returns the elapsed ms.
template <typename Signal>
double waitFor(srlab::ComparePage& page, Signal signal, const QElapsedTimer& clock) {
    QEventLoop loop;
    QObject::connect(&page, signal, &loop, &QEventLoop::quit);
    QObject::connect(&page, &srlab::ComparePage::failed, &loop, [&](const QString& m) {
        std::fprintf(stderr, "srlab-bench-gui: %s\n", qPrintable(m));
        std::exit(1);
    });
    QTimer::singleShot(600000, &loop, &QEventLoop::quit);
    loop.exec();
    return double(clock.nsecsElapsed()) / 1e6;
}

void drawAll(srlab::SpectrogramGroup* g) {
    for (int i = 0; i < g->paneCount(); ++i) g->pane(i)->replot(QCustomPlot::rpImmediateRefresh);
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    srlab::keepGuiThreadAhead();
    QCommandLineParser cl;
    cl.addHelpOption();
    cl.addOption({"model", "Checkpoint whose super-res version joins the panes.", "dir"});
    cl.addOption({"width", "Width of each spectrogram pane in pixels.", "px", "1600"});
    cl.addOption({"frames", "Zoom and scroll frames to time.", "n", "200"});
    cl.addOption({"cache", "Folder for the comparison's versions on disk (default: a temporary one).", "dir"});
    cl.addOption({"stalls", "Log every GUI-thread stall longer than this, as it happens.", "ms", "1000000000"});
    cl.addOption({"grab", "At the end, zoom to 2 s from 60 s and save the page as PNG.", "file"});
    cl.addPositionalArgument("file", "Audio file to open.");
    cl.process(app);
    if (cl.positionalArguments().isEmpty()) cl.showHelp(2);
    const QString file = cl.positionalArguments().first();
    const int width = cl.value("width").toInt();

    QTemporaryDir tempCache;
    srlab::ComparePage page;
    page.setCacheRoot(cl.isSet("cache") ? cl.value("cache") : tempCache.path());
    page.resize(width + 110, 1000);  // colour bar and margins beside the panes
    page.show();
    if (cl.isSet("model")) page.setModel(cl.value("model"));
    QApplication::processEvents();
    srlab::Watchdog watchdog(&page, cl.value("stalls").toInt());
    QElapsedTimer clock;
    clock.start();
    std::vector<std::pair<QString, double>> stages;  // each stage's first arrival
    QObject::connect(&page, &srlab::ComparePage::stageShown, [&](const QString& s) {
        for (const auto& st : stages)
            if (st.first == s) return;
        stages.emplace_back(s, double(clock.nsecsElapsed()) / 1e6);
    });
    page.openFile(file);
    const double panesMs = waitFor(page, &srlab::ComparePage::panesShown, clock);
    drawAll(page.spectrograms());
    const double drawnMs = double(clock.nsecsElapsed()) / 1e6;
    const double doneMs = page.busy() ? waitFor(page, &srlab::ComparePage::loaded, clock) : drawnMs;
    const qint64 stall = watchdog.maxGapMs();
    const double stallCpu = watchdog.maxGapCpuMs();
    const srlab::Comparison& c = page.comparison();
    auto* g = page.spectrograms();
    // Exactly `width` pixels of spectrogram for the re-render figures.
    page.resize(page.width() + width - g->pane(0)->axisRect()->width(), page.height());
    QApplication::processEvents();
    drawAll(g);
    std::printf("bench gui: %s, %.1f s at %d Hz, %d panes, %u threads\n", qPrintable(file),
                double(c.frames) / c.rate, c.rate, g->paneCount(), std::thread::hardware_concurrency());
    std::printf("  open -> all panes drawn      %8.0f ms (panes shown at %.0f ms)\n", drawnMs, panesMs);
    std::printf("  open -> metrics%s  %8.0f ms\n", cl.isSet("model") ? " + model    " : " complete    ", doneMs);
    std::printf("  longest GUI-thread stall     %8lld ms (%.0f ms of it on the CPU)\n", (long long)stall,
                stallCpu);
    {  // resident memory now: anonymous (the heap) and file-backed (mapped versions' pages)
        QFile status("/proc/self/status");
        if (status.open(QIODevice::ReadOnly))
            for (const QByteArray& line : status.readAll().split('\n'))
                if (line.startsWith("VmHWM") || line.startsWith("RssAnon") || line.startsWith("RssFile"))
                    std::printf("  %s\n", line.simplified().constData());
    }
    for (const auto& st : stages) std::printf("    stage %-22s %8.0f ms\n", qPrintable(st.first), st.second);

    // Zoom and scroll: a random visible span from the whole file down to 0.5 s, at a random
    // place, as a wheel or drag would set it; every pane follows and is re-rendered.
    std::mt19937 rng(1);
    const double total = double(c.frames) / c.rate;
    std::vector<double> perPane, perFrame;
    for (int f = 0; f < cl.value("frames").toInt(); ++f) {
        const double span = total * std::pow(0.5 / total, std::uniform_real_distribution<>(0, 1)(rng));
        const double t0 = std::uniform_real_distribution<>(0, total - span)(rng);
        QElapsedTimer frame;
        frame.start();
        g->pane(0)->xAxis->setRange(t0, t0 + span);
        for (int i = 0; i < g->paneCount(); ++i) {
            QElapsedTimer one;
            one.start();
            g->pane(i)->replot(QCustomPlot::rpImmediateRefresh);
            perPane.push_back(double(one.nsecsElapsed()) / 1e6);
        }
        perFrame.push_back(double(frame.nsecsElapsed()) / 1e6);
    }
    std::printf("  at %d px per pane:\n", g->pane(0)->axisRect()->width());
    std::printf("  pane re-render (zoom/scroll)  median %.2f ms, p95 %.2f ms, max %.2f ms\n", percentile(perPane, 0.5),
                percentile(perPane, 0.95), percentile(perPane, 1.0));
    std::printf("  all %d panes per frame        median %.2f ms, p95 %.2f ms\n", g->paneCount(),
                percentile(perFrame, 0.5), percentile(perFrame, 0.95));

    // Zoomed in, each pane recomputes its view at one frame per pixel on a worker thread: from
    // the zoom to every pane showing its detail, and the longest GUI-thread stall meanwhile.
    int arrived = 0;
    for (int i = 0; i < g->paneCount(); ++i)
        QObject::connect(g->pane(i), &srlab::SpectrogramPane::detailShown, [&arrived] { ++arrived; });
    std::vector<double> detailMs;
    QElapsedTimer settle;  // let the timed loop's queued work drain first
    settle.start();
    while (settle.elapsed() < 1000) QApplication::processEvents(QEventLoop::AllEvents, 10);
    watchdog.reset();
    for (int f = 0; f < 20; ++f) {
        // Each view lies far from the last, so no pane already has detail for it.
        const double span = std::uniform_real_distribution<>(1, 20)(rng);
        const double t0 = std::fmod(427.0 * f, std::max(1.0, total - span));
        arrived = 0;
        QElapsedTimer t;
        t.start();
        g->pane(0)->xAxis->setRange(t0, t0 + span);
        while (arrived < g->paneCount() && t.elapsed() < 10000) QApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        detailMs.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::printf("  zoom -> detail in all panes   median %.0f ms, p95 %.0f ms (40 ms of it waits for the\n"
                "                                wheel to settle); longest GUI stall %lld ms (%.0f ms on the CPU)\n",
                percentile(detailMs, 0.5), percentile(detailMs, 0.95), (long long)watchdog.maxGapMs(),
                watchdog.maxGapCpuMs());
    if (cl.isSet("grab")) {
        arrived = 0;
        g->pane(0)->xAxis->setRange(std::min(60.0, total / 2), std::min(62.0, total / 2 + 2));
        QElapsedTimer t;
        t.start();
        while (arrived < g->paneCount() && t.elapsed() < 10000) QApplication::processEvents(QEventLoop::AllEvents, 5);
        page.grab().save(cl.value("grab"));
    }
    return 0;
}
