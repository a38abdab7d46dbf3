// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A dataset of training items, whatever holds it (docs/reference.md §1): an HDF5 pair file
// (dataset/PairFile.h: every patch stored, fixed forever) or a streamed dataset
// (dataset/StreamedDataset.h: a small index of the source audio from which each item is cut and
// degraded when it is read, with its crop and chain drawn from (seed, epoch, item)). Training,
// validation, statistics, the CLI and the Datasets page see only this interface.
//
// Threads: const members are safe from any number of threads at once.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataset/PairSpec.h"

namespace srlab {

struct PairFileInfo {
    PairSpec spec;
    std::string toolVersion;
    bool hasLabel = true;
    int inputDim = 0;
    std::array<size_t, 3> counts{0, 0, 0};
};

// The epoch an item is read for. kNominal: the item as it would be stored once and for all
// (its nominal offset and the chain of (seed, item)) — what validation, statistics, snapshots
// and a conversion to HDF5 see; training passes its epoch.
constexpr int kNominal = -1;

class PatchDataset {
public:
    virtual ~PatchDataset() = default;
    virtual const PairFileInfo& info() const = 0;
    virtual const std::string& path() const = 0;
    size_t count(Split s) const { return info().counts[size_t(s)]; }
    // Items [first, first+n) of a split as read at `epoch`: input into `input` (n*inputDim
    // floats), label into `label` (n*dim floats, may be null). Throws Error naming the file.
    virtual void read(Split s, size_t first, size_t n, float* input, float* label, int epoch = kNominal) const = 0;
    // Per item: its source (index into the manifest's list) and nominal offset (target-rate samples).
    virtual std::vector<int32_t> sources(Split s) const = 0;
    virtual std::vector<int64_t> offsets(Split s) const = 0;
    // The sources as JSON: {"sources": [{path, sha256, split, used, reason, rate, channels,
    // seconds, patches, ...}], "patches": {...}} (the HDF5 file's /manifest).
    virtual std::string manifestJson() const = 0;
    // True when items are cut from the sources at read time (and differ per epoch in training).
    virtual bool streamed() const { return false; }
};

// Opens either kind, told apart by content (HDF5's signature or a JSON index); throws Error
// naming the file and the problem.
std::unique_ptr<PatchDataset> openDataset(const std::string& path);

// A dataset's manifest (its sources) without checking the sources themselves.
std::string readDatasetManifest(const std::string& path);

// Names that make a streamed dataset when built (".json"); anything else is an HDF5 file.
bool isStreamedDatasetName(const std::string& path);

}  // namespace srlab
