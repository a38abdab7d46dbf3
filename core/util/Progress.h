// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How long-running core jobs report. Called from job threads: implementations must be
// thread-safe and cheap (the CLI prints a line, the GUI bridges post queued signals).
#include <string>

namespace srlab {

struct ProgressSink {
    virtual ~ProgressSink() = default;
    // done/total in job-defined units (files, steps); message is a short status.
    virtual void progress(double done, double total, const std::string& message) = 0;
    // Non-fatal remarks the user should see (a skipped file, a clipped sample).
    virtual void note(const std::string& message) { (void)message; }
};

struct NullProgress final : ProgressSink {
    void progress(double, double, const std::string&) override {}
};

}  // namespace srlab
