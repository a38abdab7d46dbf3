// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A run in a few numbers: what the runs table and the CLI show without reading its history.
// RunWriter keeps summary.json up to date as the run goes (atomically, on every validation and
// state change and at most a few seconds behind the newest step); RunModel computes the same
// numbers from metrics.csv for runs of earlier SRLab and for the live view. add() over every
// row gives exactly what summary.json says.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include "runs/MetricsCsv.h"

namespace srlab {

struct RunSummary {
    int64_t steps = 0;         // the newest step
    int64_t totalSteps = 0;    // what the run is set to reach (0 = not known yet)
    int epoch = 0;             // of the newest row
    int64_t validations = 0;
    double wallS = NAN;        // training time at the newest row
    double bestSnr = NAN, bestLsd = NAN, lastSnr = NAN, lastLsd = NAN;  // validation, dB
    double bestValLoss = NAN, lastValLoss = NAN;
    TrainRow lastStep;         // the newest training row (throughput, memory, lr)
    bool hasLastStep = false;
    std::string device;        // "cuda:0 of 1 (NVIDIA H100 ...)", "cpu (16 threads)"; "" if unknown

    void add(const TrainRow& r);  // the next row of metrics.csv
    std::string toJson() const;
    static RunSummary fromJson(const std::string& text);  // throws Error on malformed JSON
    bool sameNumbers(const RunSummary& o) const;  // every field but device and totalSteps
};

// summary.json of a run folder; nullopt when missing or damaged (runs of earlier SRLab).
std::optional<RunSummary> readRunSummary(const std::string& runDir);

// "1:05" or "2:03:04"; "-" for NaN or negative: every duration and ETA the workbench shows.
std::string formatDuration(double seconds);

}  // namespace srlab
