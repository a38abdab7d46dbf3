// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Audio snapshots of a run (docs/reference.md §3.1): a few fixed validation clips, picked when
// the run is created, that the trainer upsamples with the current weights at every validation.
// Everything lives in the run folder, so a run trained elsewhere is heard the same way:
//   snapshots/index.json               clips, rate, and the steps that have snapshots
//   snapshots/clips/clip-K-truth.flac  the ground truth (high rate)
//   snapshots/clips/clip-K-input.flac  the model's input (the dataset's baseline, high rate)
//   snapshots/step-NNNNNNNN/clip-K.flac  the model's output at that step
// No libtorch here: the GUI reads snapshots through this header.
//
// Threads: any; the trainer writes (one writer per run folder), readers may read while it does
// (every file is written atomically, the index last).
#include <cstdint>
#include <string>
#include <vector>

namespace srlab {

struct SnapshotClip {
    std::string name;    // "clip-1"
    std::string why;     // "loudest", "quietest", "most high-band energy", ...
    std::string source;  // the audio file it was cut from
    double offsetS = 0, seconds = 0;
};

struct SnapshotIndex {
    int rate = 0, scale = 0;
    std::string baseline;          // what the input file holds ("spline", ...)
    std::vector<SnapshotClip> clips;
    std::vector<int64_t> steps;    // ascending
    bool empty() const { return clips.empty(); }
};

// The index of a run folder; empty when the run has no snapshots. Throws Error for a damaged one.
SnapshotIndex readSnapshotIndex(const std::string& runDir);
void writeSnapshotIndex(const std::string& runDir, const SnapshotIndex& index);  // atomic

std::string snapshotTruthPath(const std::string& runDir, const std::string& clip);
std::string snapshotInputPath(const std::string& runDir, const std::string& clip);
std::string snapshotStepDir(const std::string& runDir, int64_t step);
std::string snapshotPath(const std::string& runDir, int64_t step, const std::string& clip);

// The thinning rule, applied after each new snapshot: at most kMaxSnapshots steps are kept; past
// that, the one whose removal leaves the smallest gap is dropped, never the first nor the newest
// kKeepNewest. Long runs keep an even spread over their whole course, short runs everything.
constexpr size_t kMaxSnapshots = 30, kKeepNewest = 10;
// Returns the step to drop from `steps`, or -1 when none must go.
int64_t snapshotToThin(const std::vector<int64_t>& steps);

}  // namespace srlab
