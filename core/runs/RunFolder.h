// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reading a run folder back (see RunWriter.h for its layout), without libtorch: the CLI, the
// GUI's RunModel and the fuzzers use these. A damaged file gives an Error naming it (config.json) or is read as far as
// it makes sense (metrics.csv rows that do not parse are skipped, as a crash can cut the last).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "runs/MetricsCsv.h"
#include "runs/TrainConfig.h"

namespace srlab {

// The lock file that keeps a run folder to one writer (util/FileLock.h).
constexpr const char* kRunLockFile = "run.lock";

TrainConfig readRunConfig(const std::string& runDir);
// The whole history: for tools and tests; views follow a run through RunModel instead.
std::vector<TrainRow> readRunMetrics(const std::string& runDir);

// A run's state, the one vocabulary of the trainer (writer), readers, the CLI and the GUI;
// status.json spells it as toString() does.
enum class RunState { Created, Running, Paused, Stopped, Finished, Failed, Unknown };
const char* toString(RunState s);
RunState parseRunState(const std::string& s);  // Unknown for anything else

struct RunStatus {
    RunState state = RunState::Unknown;
    std::string message;
};
RunStatus readRunStatus(const std::string& runDir);  // Unknown when missing or damaged
// Atomically; RunWriter::setStatus is the trainer's way (it also updates the summary).
void writeRunStatus(const std::string& runDir, RunState state, const std::string& message);
std::vector<std::string> listCheckpoints(const std::string& runDir);  // epoch-*, best, last

// The baselines' validation SNR/LSD (baselines.json, written at run creation): reference lines
// for the validation curves. Empty for runs of earlier SRLab or a damaged file.
struct BaselineReference {
    std::string name;  // "spline", "sinc", ...
    double snr = NAN, lsd = NAN;
};
std::vector<BaselineReference> readRunBaselines(const std::string& runDir);

}  // namespace srlab
