// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Reading a run folder back (see Trainer.h for its layout), without libtorch: the GUI and the
// fuzzers use these. A damaged file gives an Error naming it (config.json) or is read as far as
// it makes sense (metrics.csv rows that do not parse are skipped, as a crash can cut the last).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "runs/TrainConfig.h"

namespace srlab {

struct TrainRow {
    int64_t step = 0;
    int epoch = 0;
    double wallS = 0;
    double trainLoss = 0;
    double valLoss = NAN, valSnr = NAN, valLsd = NAN;  // set on the row that ends an epoch
    // Throughput of a training step (NaN on validation rows, and on rows of earlier SRLab):
    // samples per second over the whole step, and how long it waited for the data loader.
    double samplesPerS = NAN, dataWaitMs = NAN;
    // Also on training steps (NaN on validation rows and older runs): memory in use on the
    // training device in MiB (a CUDA device's, all processes, as nvidia-smi counts; on the CPU
    // the process's resident memory), the step's learning rate, and the gradient's L2 norm
    // over all of the generator's parameters before the optimiser step.
    double memMiB = NAN, lr = NAN, gradNorm = NAN;
    bool hasVal() const { return valLoss == valLoss; }
};

// The header metrics.csv starts with.
extern const char* const kMetricsCsvHeader;
// The lock file that keeps a run folder to one writer (util/FileLock.h).
constexpr const char* kRunLockFile = "run.lock";

TrainConfig readRunConfig(const std::string& runDir);
std::vector<TrainRow> readRunMetrics(const std::string& runDir);
// One metrics.csv row; false when it does not parse (cut or damaged).
bool parseMetricsRow(const std::string& line, TrainRow* row);

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
void writeRunStatus(const std::string& runDir, RunState state, const std::string& message);  // atomically
std::vector<std::string> listCheckpoints(const std::string& runDir);  // epoch-*, best, last

// The baselines' validation SNR/LSD (baselines.json, written at run creation): reference lines
// for the validation curves. Empty for runs of earlier SRLab or a damaged file.
struct BaselineReference {
    std::string name;  // "spline", "sinc", ...
    double snr = NAN, lsd = NAN;
};
std::vector<BaselineReference> readRunBaselines(const std::string& runDir);

}  // namespace srlab
