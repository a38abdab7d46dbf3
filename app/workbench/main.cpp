// SPDX-License-Identifier: GPL-3.0-or-later
// srlab-workbench [--page datasets|training|compare] [--workspace DIR] [--run DIR] [--model CKPT]
//                 [--screenshot OUT.png] [--dataset D.h5] [AUDIO]
// The screenshot option waits for the file (or dataset) to load, grabs the window, and quits:
// it is how docs/ screenshots are made.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "ComparePage.h"
#include "DatasetsPage.h"
#include "JobRunner.h"
#include "MainWindow.h"
#include "TrainingPage.h"
#include "Watchdog.h"
#include "metrics/VisqolSums.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <QDir>
#include <QTabWidget>
#include "srlab/Version.h"

namespace {

void describeOptions(QCommandLineParser& cl) {
    cl.setApplicationDescription("SRLab workbench: audio super-resolution research");
    cl.addHelpOption();
    cl.addVersionOption();
    cl.addOption({"page", "Start on this page (datasets, training, compare).", "name", "compare"});
    cl.addOption({"dataset-tab", "Datasets page view: summary, charts, patches.", "name", "summary"});
    cl.addOption({"training-tab", "Training page view: curves, listen.", "name", "curves"});
    cl.addOption({"watchdog", "Report GUI-thread stalls (longest one at exit)."});
    cl.addOption({"workspace", "Workspace folder (datasets, runs/).", "dir"});
    cl.addOption({"run", "Select this run folder on the Training page (repeatable: overlay).", "dir"});
    cl.addOption({"model", "Show this checkpoint's super-res version in Compare & Listen.", "dir"});
    cl.addOption({"dataset", "Open this dataset on the Datasets page.", "file"});
    cl.addOption({"screenshot", "Save a PNG of the window once loaded, then quit.", "file"});
    cl.addPositionalArgument("audio", "Audio file to open in Compare & Listen.");
}

// --help and --version print text: they are answered without a display (over ssh, in CI).
bool onlyText(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        for (const char* o : {"-h", "--help", "--help-all", "-?", "-v", "--version"})
            if (std::strcmp(argv[i], o) == 0) return true;
    return false;
}

// A window needs a display (or a platform named with -platform); without one, Qt would abort
// with its own plugin trace.
bool haveDisplay(int argc, char** argv) {
    for (const char* v : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* s = std::getenv(v); s && *s) return true;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "-platform") == 0 || std::strcmp(argv[i], "--platform") == 0) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (onlyText(argc, argv)) {
        QCoreApplication text(argc, argv);
        QCoreApplication::setApplicationName("srlab-workbench");
        QCoreApplication::setApplicationVersion(srlab::kVersion);
        QCommandLineParser cl;
        describeOptions(cl);
        cl.addOption({"platform", "Qt's platform plugin (e.g. offscreen).", "name"});  // Qt's own, taken here too
        cl.process(text);  // prints and exits
        return 0;
    }
    if (!haveDisplay(argc, argv)) {
        std::fprintf(stderr, "srlab-workbench: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set); "
                             "run it in a desktop session, with QT_QPA_PLATFORM=offscreen, or use the srlab command line\n");
        return 1;
    }
    // ViSQOL's model before any thread starts (and before Qt sets the locale): libsvm's loader
    // switches the process's locale while it parses (metrics/Visqol.h). A missing file is said
    // where ViSQOL is used.
    try {
        srlab::preloadVisqolModel(srlab::visqolModelPath());
    } catch (const std::exception&) {
    }
    QApplication app(argc, argv);
    srlab::keepGuiThreadAhead();
    QApplication::setApplicationName("srlab-workbench");
    QApplication::setApplicationVersion(srlab::kVersion);
    QCommandLineParser cl;
    describeOptions(cl);
    cl.process(app);
    auto window = std::make_unique<srlab::MainWindow>();
    srlab::MainWindow& w = *window;
    std::unique_ptr<srlab::Watchdog> watchdog;
    if (cl.isSet("watchdog")) watchdog = std::make_unique<srlab::Watchdog>(&w);
    w.show();
    w.datasetsPage()->views()->setCurrentIndex(QStringList{"summary", "charts", "patches"}.indexOf(cl.value("dataset-tab")));
    if (cl.isSet("workspace")) w.setWorkspace(cl.value("workspace"));
    bool first = true;
    for (const QString& run : cl.values("run")) {  // repeatable: several runs overlay
        w.trainingPage()->selectRun(QDir(run).absolutePath(), !first);
        first = false;
    }
    w.trainingPage()->showView(cl.value("training-tab"));
    if (cl.isSet("model")) w.comparePage()->setModel(QDir(cl.value("model")).absolutePath());
    if (cl.isSet("dataset")) {
        w.datasetsPage()->openDataset(cl.value("dataset"));
        w.trainingPage()->setDataset(QDir(cl.value("dataset")).absolutePath());
    }
    if (!cl.positionalArguments().isEmpty()) w.openAudio(cl.positionalArguments().first());
    w.showPage(cl.value("page"));
    if (cl.isSet("screenshot")) {
        const QString out = cl.value("screenshot");
        auto* poll = new QTimer(&w);
        QObject::connect(poll, &QTimer::timeout, &w, [&w, out, poll] {
            if (w.comparePage()->busy() || w.datasetsPage()->busy() || w.trainingPage()->busy()) return;
            poll->stop();
            QTimer::singleShot(500, &w, [&w, out] {
                w.grab().save(out);
                QApplication::quit();
            });
        });
        QTimer::singleShot(300, poll, [poll] { poll->start(100); });
    }
    const int rc = app.exec();
    if (watchdog) std::fprintf(stderr, "srlab-workbench: longest GUI-thread stall %lld ms\n", (long long)watchdog->maxGapMs());
    watchdog.reset();
    // Closing the pages cancels their jobs (a training run saves a checkpoint); the event loop
    // has ended, so waiting here freezes nothing, and no job outlives what it uses.
    window.reset();
    if (!srlab::waitForAllJobs(60000)) std::fprintf(stderr, "srlab-workbench: a job did not stop within 60 s\n");
    return rc;
}
