// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Builds an HDF5 pair dataset from audio files: the shared thread pool runs the signal chain per
// file while the calling thread writes patches in a fixed order (so builds are
// reproducible), with a bounded number of files in flight (bounded memory). Writes to a temp
// file renamed at the end. Splits are by file, never by patch.
#include <array>
#include <string>
#include <vector>

#include "dataset/PairSpec.h"
#include "util/CancelToken.h"
#include "util/Progress.h"

namespace srlab {

struct SourceReport {
    std::string path;
    std::string sha256;
    Split split = Split::Train;
    bool used = false;
    std::string reason;  // why skipped
    int rate = 0, channels = 0;
    double seconds = 0;
    size_t patches = 0;
    std::string degradation;  // how its low-res side was made (dsp/Degradation.h text form)
    std::vector<std::string> patchDegradations;  // per-patch chains, in patch order
};

struct BuildReport {
    std::vector<SourceReport> sources;
    std::array<size_t, 3> patches{0, 0, 0};
    double wallSeconds = 0;
    double hashSeconds = 0;  // of wallSeconds, hashing the sources (a streamed build's main cost)
    size_t used() const;
    size_t skipped() const;
    std::string toJson() const;  // the manifest stored in the file
};

// What to build from: either files split at random (seeded), or explicit lists per split.
struct BuildInputs {
    std::vector<std::string> files;
    std::array<std::vector<std::string>, 3> lists;
    bool useLists = false;
};

// The source files a dataset's manifest assigns to a split (used ones only), in manifest order.
// Throws Error on a malformed manifest.
std::vector<std::string> splitSourceFiles(const std::string& manifestJson, Split split);

// The files under the given paths: folders searched recursively (audio extensions only), files
// named explicitly kept as given (the reader judges them); sorted, duplicates removed. Throws
// Error naming a path that does not exist or a folder that cannot be read.
std::vector<std::string> collectAudioFiles(const std::vector<std::string>& paths);

// One path per line ('#' comments); relative paths resolve against the list's folder.
std::vector<std::string> readFileList(const std::string& listPath);

// Deterministic by-file split assignment for `count` files (seeded Fisher-Yates).
std::vector<Split> assignSplits(size_t count, const std::array<double, 3>& fractions, uint64_t seed);

// The files a build reads, each with its split: the lists as given, or the files split at
// random (assignSplits with spec.seed).
std::vector<std::pair<std::string, Split>> plannedFiles(const PairSpec& spec, const BuildInputs& inputs);

// Throws Error for unusable settings or output path, Cancelled on cancel; per-file problems
// are skipped and reported. At least one file must yield patches.
BuildReport buildPairs(const PairSpec& spec, const BuildInputs& inputs, const std::string& outPath,
                       ProgressSink& progress, const CancelToken& cancel);

}  // namespace srlab
