// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/TerminalProgress.h"

#include <unistd.h>

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <thread>

namespace srlab::cli {
namespace {

std::string clock(double s) {
    if (!(s >= 0) || s > 359999) return "--:--";
    char buf[32];
    const long t = long(s + 0.5);
    if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
    return buf;
}

volatile std::sig_atomic_t g_interrupts = 0;

// The first SIGINT/SIGTERM asks the command to stop (it checkpoints or cleans up); a second
// one ends the process at once.
void interrupted() {
    if (++g_interrupts > 1) _exit(130);
    interruptToken().cancel();
}

void onSignal(int) { interrupted(); }

}  // namespace

CancelToken& interruptToken() {
    static CancelToken token;
    return token;
}

// SIGINT and SIGTERM are blocked in every thread started from here on (libtorch's, Gloo's, the
// loaders') and taken by one thread in sigwait(), so no signal interrupts a syscall of theirs. A
// rank stopped through the launcher aborted with heap corruption once in thirty stops while it
// waited in a Gloo collective; a handler interrupting that wait is the likely cause. The handler
// stays for a thread that existed before this call.
void installInterruptHandler() {
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
        for (;;) {
            int sig = 0;
            if (sigwait(&set, &sig) == 0) interrupted();
        }
    }).detach();
}

TerminalProgress::TerminalProgress(std::string unit, bool quiet)
    : unit_(std::move(unit)), quiet_(quiet), tty_(isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()), last_(start_ - std::chrono::hours(1)) {}

TerminalProgress::~TerminalProgress() { finish(); }

void TerminalProgress::progress(double done, double total, const std::string& message) {
    if (quiet_) return;
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    const auto minGap = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
    if (now - last_ < minGap && done < total) return;
    last_ = now;
    draw(done, total, message);
}

void TerminalProgress::draw(double done, double total, const std::string& message) {
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double frac = total > 0 ? std::min(1.0, done / total) : 0;
    const double eta = frac > 0 ? el * (1 - frac) / frac : -1;
    const int width = 28, filled = int(frac * width);
    std::string bar(size_t(filled), '#');
    bar.resize(width, '.');
    std::string msg = message.size() > 32 ? message.substr(0, 29) + "..." : message;
    std::fprintf(stderr, "%s[%s] %3.0f%%  %.0f/%.0f %s  elapsed %s  ETA %s  %s%s", tty_ ? "\r\033[K" : "",
                 bar.c_str(), frac * 100, done, total, unit_.c_str(), clock(el).c_str(), clock(eta).c_str(),
                 msg.c_str(), tty_ ? "" : "\n");
    std::fflush(stderr);
    open_ = tty_;
}

void TerminalProgress::note(const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    std::fprintf(stderr, "%s%s\n", open_ ? "\r\033[K" : "", message.c_str());
    open_ = false;
}

void TerminalProgress::finish() {
    std::lock_guard<std::mutex> lock(mu_);
    if (open_) std::fputc('\n', stderr);
    open_ = false;
}

}  // namespace srlab::cli
