// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The validation pass at the end of every epoch: loss, SNR and LSD (docs/reference.md §2) over the
// validation split (or the test split when there is none), at most cfg.valItems patches.
// Internal to srlab_ml (includes torch). Threads: the training thread.
#include <torch/torch.h>

#include <cmath>

#include "dataset/PatchDataset.h"
#include "model/Nets.h"
#include "train/Losses.h"
#include "runs/TrainConfig.h"

namespace srlab {

class DataParallel;

struct Validation {
    double loss = NAN, snr = NAN, lsd = NAN;
};

// Validation items are split across the ranks of a data-parallel run (batch k on rank k mod W)
// and the sums reduced, so every rank gets the metrics of all n items.
Validation validate(SrNet& net, const PatchDataset& reader, const TrainConfig& cfg, const LossSpec& loss,
                    torch::Device device, DataParallel* dp);

// The baselines' SNR and LSD over the same validation patches validate() scores (the dataset's
// own baseline, and sinc interpolation of the same low-res signal): the reference lines a run's
// validation curves are read against. Written at run creation as baselines.json
// (runs/RunFolder.h: readRunBaselines).
void writeValidationBaselines(const std::string& runDir, const PatchDataset& reader, const TrainConfig& cfg);

}  // namespace srlab
