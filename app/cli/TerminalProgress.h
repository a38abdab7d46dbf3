// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The CLI's progress line (bar, count, rate, ETA) on stderr, and Ctrl-C wired to a
// CancelToken. On a terminal the line redraws in place at most 10 times a second; when
// stderr is a file or pipe it prints a plain line every few seconds instead.
#include <chrono>
#include <mutex>
#include <string>

#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab::cli {

class TerminalProgress final : public ProgressSink {
public:
    explicit TerminalProgress(std::string unit, bool quiet = false);
    ~TerminalProgress() override;
    void progress(double done, double total, const std::string& message) override;
    void note(const std::string& message) override;
    void finish();  // ends the progress line

private:
    void draw(double done, double total, const std::string& message);
    std::string unit_;
    bool quiet_, tty_, open_ = false;
    std::mutex mu_;
    std::chrono::steady_clock::time_point start_, last_;
};

// The token SIGINT/SIGTERM cancel. The first Ctrl-C asks the job to stop cleanly; a second
// one exits at once.
CancelToken& interruptToken();
void installInterruptHandler();

}  // namespace srlab::cli
