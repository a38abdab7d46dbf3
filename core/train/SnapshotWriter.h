// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Writes a run's audio snapshots (runs/Snapshots.h, docs/reference.md §3.1): the clips when
// the run is created, one snapshot per validation while it trains. Internal to srlab_ml.
//
// Threads: the thread that creates or trains the run (the run folder's one writer).
#include <torch/torch.h>

#include <string>

#include "dataset/PatchDataset.h"
#include "model/Nets.h"

namespace srlab {

// Picks `count` clips of about `seconds` from the dataset's validation split (the test or
// training split when it has none), chosen to differ: the loudest, the quietest (above -60
// dBFS), the one with the most high-band energy, then others drawn by `seed`; each a run of
// contiguous patches of one source file. Writes their truth and input files and the index.
// Returns a line saying what was picked, or why there are no snapshots.
std::string createSnapshotClips(const std::string& runDir, const PatchDataset& reader, int count, double seconds,
                                uint64_t seed);

// The net (in whatever mode) on every clip at `step`: writes the step's files, then the index,
// and thins old snapshots (runs/Snapshots.h). Leaves the net in training mode.
void writeSnapshot(const std::string& runDir, int64_t step, SrNet& net, const torch::Device& device);

// A resumed run drops the snapshots after the step it resumes from.
void truncateSnapshots(const std::string& runDir, int64_t step);

}  // namespace srlab
