// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared by the widget test files: one QApplication for the whole binary, and waiting on the
// event loop for a condition.
#include <QApplication>
#include <QElapsedTimer>

namespace srlab::test {

inline QApplication& app() {
    static int argc = 1;
    static char name[] = "workbench-test";
    static char* argv[] = {name, nullptr};
    // Never destroyed: a QApplication torn down among the exit handlers crashes in Qt's own
    // statics once a window has been shown.
    static QApplication* a = new QApplication(argc, argv);
    return *a;
}

// Lays out every widget whose size hint changed: each level of nesting posts its request to the
// next, so one pass of the event loop is not enough; the depth of the widget tree is.
inline void settleLayouts() {
    for (int i = 0; i < 32; ++i) QApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
}

template <typename Pred>
bool waitFor(Pred done, int ms = 60000) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < ms) app().processEvents(QEventLoop::AllEvents, 20);
    return done();
}

}  // namespace srlab::test
