// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// metrics.csv, a run's history (docs/reference.md §3.2): one row per training step and one per
// validation, appended as the run goes. Its 12 columns, in this order:
//   step, epoch, wall_s, train_loss, val_loss, val_snr_db, val_lsd_db, samples_per_s,
//   data_wait_ms, mem_mib, lr, grad_norm
// A training row leaves val_* empty; a validation row leaves everything after wall_s but val_*
// empty. Rows of earlier SRLab have 7 or 9 cells. RunWriter writes it, readers parse it here.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

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
    // Rows come in this order: a step's validation row follows its training row.
    int64_t orderKey() const { return step * 2 + (hasVal() ? 1 : 0); }
};

// The header metrics.csv starts with.
extern const char* const kMetricsCsvHeader;
// One row as written, with its newline ("%.9g" numbers; NaN as an empty cell).
std::string formatMetricsRow(const TrainRow& row);
// One row without its newline; false when it does not parse (cut or damaged).
bool parseMetricsRow(std::string_view line, TrainRow* row);

}  // namespace srlab
