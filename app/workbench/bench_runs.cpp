// SPDX-License-Identifier: GPL-3.0-or-later
// srlab-bench-runs open|follow|workspace|refresh [--rows N] [--runs N] [--seconds S] [--rate R] [--dir D]
// Times the Training page at research scale the way a user meets it, with the GUI-thread
// watchdog (Watchdog.h) running throughout:
//   open       a finished run of --rows steps (default 500,000) selected on the page: time to
//              the first picture (its last step drawn) and the longest GUI-thread stall.
//   follow     the same run marked running while a second process appends --rate rows/s
//              (default 40) for --seconds (default 60): longest stall, the GUI thread's CPU time
//              as a share of one core, and the longest wait of a written row for the screen.
//   workspace  --runs runs (default 200) of --rows rows (default 50,000): time to the first
//              picture, until every row's summary is shown, and the longest stall.
//   refresh    the cost of redrawing the curves of a 1,000-step and a 1,000,000-step run, and
//              their ratio.
// Runs are generated with RunWriter into --dir (default: a temporary folder, removed at exit).
// Runs offscreen when there is no display. Internal: --append DIR appends rows (the second
// process of `follow`).
#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <thread>

#include "RunTable.h"
#include "TrainingCurves.h"
#include "TrainingPage.h"
#include "JobRunner.h"
#include "Watchdog.h"
#include "runs/RunModel.h"
#include "runs/RunWriter.h"
#include <qcustomplot.h>

namespace {
using namespace srlab;

double threadCpuS() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// A plausible training row: a decaying noisy loss, validation every 1000 steps.
TrainRow syntheticRow(int64_t step, double wallS) {
    TrainRow r{step, int(step / 1000) + 1, wallS, 0.05 + 1.0 / std::sqrt(double(step)) * (1 + 0.2 * std::sin(double(step)))};
    r.samplesPerS = 400 + 20 * std::sin(step * 0.01);
    r.dataWaitMs = 0.5;
    r.memMiB = 900;
    r.lr = 3e-4;
    r.gradNorm = 1.0 + 0.1 * std::cos(double(step));
    return r;
}

void makeRun(const QString& dir, int64_t rows, RunState state) {
    TrainConfig c;
    c.dataset = "/nonexistent/bench.h5";
    c.model = makeModelConfig("spectral", "small");
    c.model.rate = 16000;
    c.model.scale = 2;
    c.model.dim = 8192;
    QDir().mkpath(dir);
    RunWriter w(dir.toStdString());
    w.writeConfig(c.toJson());
    w.startMetrics(0);
    w.setDevice("cuda:0 of 1 (bench)");
    w.setTotalSteps(rows);
    for (int64_t s = 1; s <= rows; ++s) {
        w.appendRow(syntheticRow(s, double(s) * 0.025));
        if (s % 1000 == 0) {
            TrainRow v{s, int(s / 1000), double(s) * 0.025, NAN, 0.1, 12 + std::log10(double(s)), 2 - 0.1 * std::log10(double(s))};
            w.appendRow(v);
        }
    }
    w.setStatus(state, "");
}

// The newest step the curves show for a run (the train-loss plot's line named after it).
int64_t newestShownStep(TrainingPage& page, const QString& name) {
    auto* plot = page.curves()->findChild<QCustomPlot*>("train loss");
    if (!plot) return -1;
    for (int g = 0; g < plot->graphCount(); ++g)
        if (plot->graph(g)->name() == name && !plot->graph(g)->data()->isEmpty())
            return int64_t(std::llround((plot->graph(g)->data()->constEnd() - 1)->key));
    return -1;
}

template <typename Pred>
double waitUntil(Pred done, const QElapsedTimer& clock, int timeoutMs = 600000) {
    while (!done() && clock.elapsed() < timeoutMs) QApplication::processEvents(QEventLoop::AllEvents, 5);
    return done() ? double(clock.nsecsElapsed()) / 1e6 : NAN;
}

int appendRows(const QString& dir, double rate, double seconds, int64_t from) {
    FILE* f = std::fopen((dir + "/metrics.csv").toLocal8Bit().constData(), "a");
    if (!f) return 1;
    const auto t0 = std::chrono::steady_clock::now();
    // The schedule's start, for the bench to time each row from (a process start is not).
    std::printf("%lld\n", (long long)std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count());
    std::fflush(stdout);
    const int64_t n = int64_t(rate * seconds);
    for (int64_t i = 1; i <= n; ++i) {
        std::this_thread::sleep_until(t0 + std::chrono::microseconds(int64_t(1e6 * double(i) / rate)));
        const std::string line = formatMetricsRow(syntheticRow(from + i, double(from + i) * 0.025));
        std::fwrite(line.data(), 1, line.size(), f);
        std::fflush(f);
    }
    std::fclose(f);
    return 0;
}

// The Training page on screen at a laptop-to-desktop size, the watchdog running, the clock
// started: what every timed case begins with.
struct ShownPage {
    TrainingPage page;
    Watchdog watchdog{nullptr, 1 << 30};
    QElapsedTimer clock;
    ShownPage() {
        page.resize(1600, 1000);
        page.show();
        QApplication::processEvents();
        watchdog.reset();
        clock.start();
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    srlab::keepGuiThreadAhead();
    QCommandLineParser cl;
    cl.addHelpOption();
    cl.addOption({"rows", "Rows (steps) per run.", "n"});
    cl.addOption({"runs", "Runs in the workspace.", "n", "200"});
    cl.addOption({"seconds", "How long the second process appends.", "s", "60"});
    cl.addOption({"rate", "Rows per second it appends.", "r", "40"});
    cl.addOption({"dir", "Where the generated runs go (kept).", "dir"});
    cl.addOption({"append", "Internal: append rows to this run.", "dir"});
    cl.addOption({"from", "Internal: the step the appended rows follow.", "n", "0"});
    cl.addPositionalArgument("mode", "open, follow, workspace or refresh");
    cl.process(app);
    if (cl.isSet("append"))
        return appendRows(cl.value("append"), cl.value("rate").toDouble(), cl.value("seconds").toDouble(), cl.value("from").toLongLong());
    if (cl.positionalArguments().size() != 1) cl.showHelp(2);
    const QString mode = cl.positionalArguments().first();
    QTemporaryDir tmp;
    const QString base = cl.isSet("dir") ? cl.value("dir") : tmp.path();
    QDir().mkpath(base + "/runs");

    if (mode == "open" || mode == "follow") {
        const int64_t rows = cl.isSet("rows") ? cl.value("rows").toLongLong() : 500000;
        const QString run = base + "/runs/long";
        if (!QFileInfo::exists(run + "/config.json")) makeRun(run, rows, mode == "follow" ? RunState::Running : RunState::Finished);
        ShownPage onScreen;
        TrainingPage& page = onScreen.page;
        Watchdog& watchdog = onScreen.watchdog;
        QElapsedTimer& clock = onScreen.clock;
        page.setWorkspace(base);
        page.selectRun(run);
        const double firstMs = waitUntil([&] { return newestShownStep(page, "long") >= rows; }, clock);
        std::printf("%s: %lld-step run: first picture %.0f ms, longest GUI-thread stall %lld ms\n", qPrintable(mode),
                    (long long)rows, firstMs, (long long)watchdog.maxGapMs());
        if (mode == "open") return 0;
        const double rate = cl.value("rate").toDouble(), seconds = cl.value("seconds").toDouble();
        QProcess appender;
        appender.start(QCoreApplication::applicationFilePath(),
                       {"--append", run, "--rate", QString::number(rate), "--seconds", QString::number(seconds), "--from",
                        QString::number(rows)});
        if (!appender.waitForStarted() || !appender.waitForReadyRead(30000)) return 1;
        // Row `rows + k` is written k / rate seconds after the appender's start: the longest any
        // written row waits to be drawn.
        const qint64 startMs = appender.readLine().trimmed().toLongLong();
        watchdog.reset();  // the waits above are the bench's, not the page's
        auto sinceMs = [startMs] { return double(QDateTime::currentMSecsSinceEpoch() - startMs); };
        QElapsedTimer since;
        since.start();
        const double cpu0 = threadCpuS();
        double worstLagMs = 0;
        const int64_t last = rows + int64_t(rate * seconds);
        int64_t shown = rows;
        while (shown < last && since.elapsed() < (seconds + 30) * 1000) {
            QApplication::processEvents(QEventLoop::AllEvents, 10);
            QThread::msleep(20);
            shown = newestShownStep(page, "long");
            const double nextWrittenMs = 1000.0 * double(shown + 1 - rows) / rate;
            if (sinceMs() > nextWrittenMs) worstLagMs = std::max(worstLagMs, sinceMs() - nextWrittenMs);
        }
        const double cpu = threadCpuS() - cpu0, wall = double(since.elapsed()) / 1000;
        appender.waitForFinished();
        std::printf("follow: %.0f rows/s for %.0f s: longest stall %lld ms, GUI-thread CPU %.1f %% of one core, "
                    "newest row on screen within %.0f ms (all %s)\n",
                    rate, seconds, (long long)watchdog.maxGapMs(), 100 * cpu / wall, worstLagMs,
                    shown >= last ? "shown" : "NOT shown");
        return 0;
    }
    if (mode == "workspace") {
        const int64_t rows = cl.isSet("rows") ? cl.value("rows").toLongLong() : 50000;
        const int runs = cl.value("runs").toInt();
        QStringList dirs;
        for (int i = 0; i < runs; ++i) {
            const QString d = QString("%1/runs/run-%2").arg(base).arg(i, 3, 10, QChar('0'));
            if (!QFileInfo::exists(d + "/config.json")) makeRun(d, rows, RunState::Finished);
            dirs << d;
        }
        ShownPage onScreen;
        TrainingPage& page = onScreen.page;
        Watchdog& watchdog = onScreen.watchdog;
        QElapsedTimer& clock = onScreen.clock;
        page.setWorkspace(base);
        QApplication::processEvents();
        const double firstMs = double(clock.nsecsElapsed()) / 1e6;
        auto* table = page.findChild<RunTable*>();
        const double allMs = waitUntil(
            [&] {
                for (const QString& d : dirs)
                    if (table->cell(d, "steps") != QString::number(rows)) return false;
                return true;
            },
            clock);
        std::printf("workspace: %d runs x %lld rows: first picture %.0f ms, every summary %.0f ms, longest stall %lld ms\n",
                    runs, (long long)rows, firstMs, allMs, (long long)watchdog.maxGapMs());
        return 0;
    }
    if (mode == "refresh") {
        // The curves' refresh as the page does it for a run that moved on: the run's model
        // snapshot handed to the curves, then one replot.
        TrainingCurves curves;
        curves.resize(1200, 800);
        curves.show();
        double ms[2];
        const int64_t sizes[2] = {1000, 1000000};
        for (int k = 0; k < 2; ++k) {
            const QString run = QString("%1/runs/r%2").arg(base).arg(sizes[k]);
            makeRun(run, sizes[k], RunState::Finished);
            RunModel model(run.toStdString());
            model.poll(RunModel::Depth::Curves);
            const int reps = 50;
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < reps; ++i) {
                curves.setRun("r", model.curves());
                curves.redrawNow(true);  // every plot drawn and painted
            }
            ms[k] = double(t.nsecsElapsed()) / 1e6 / reps;
            curves.removeRunsExcept({});
        }
        std::printf("refresh: %.2f ms at 1k steps, %.2f ms at 1M steps: ratio %.2f\n", ms[0], ms[1], ms[1] / ms[0]);
        return 0;
    }
    cl.showHelp(2);
}
