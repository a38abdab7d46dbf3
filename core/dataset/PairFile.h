// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The HDF5 dataset container (docs/reference.md §1). Layout, per split group train/ val/ test/:
//   data   (n, inputDim, 1) float32   model input (baseline at the target rate, or low-res)
//   label  (n, dim, 1)      float32   high-res ground truth (absent for real low-res input)
//   source (n)              int32     index into the manifest's source list
//   offset (n)              int64     patch start in the source, in target-rate samples
// Root attributes: format "srlab-pairs", format_version, tool_version, spec (JSON) and each
// spec field on its own; /manifest is a JSON string with every source file, its SHA-256,
// split, status and reason. HDF5 calls are serialised by one process-wide lock.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataset/PatchDataset.h"

namespace srlab {

class PairFileWriter {
public:
    // Creates `path` (truncating). Thread: one thread at a time.
    PairFileWriter(const std::string& path, const PairSpec& spec);
    ~PairFileWriter();
    PairFileWriter(const PairFileWriter&) = delete;
    PairFileWriter& operator=(const PairFileWriter&) = delete;

    // label may be null when the spec has no label. Buffered; written in chunk-sized blocks.
    void append(Split split, const float* label, const float* input, int32_t source, int64_t offset);
    size_t count(Split split) const;
    // Flushes, writes the manifest and closes. Throws Error (disk full, ...) naming the file.
    void finish(const std::string& manifestJson);

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

class PairFileReader final : public PatchDataset {
public:
    // Opens and validates the layout; throws Error naming the file and the problem.
    explicit PairFileReader(const std::string& path);
    ~PairFileReader();
    PairFileReader(const PairFileReader&) = delete;
    PairFileReader& operator=(const PairFileReader&) = delete;

    const PairFileInfo& info() const override;
    const std::string& path() const override;
    // The stored patches; `epoch` plays no part (they were fixed when the file was built).
    void read(Split s, size_t first, size_t n, float* input, float* label, int epoch = kNominal) const override;
    std::vector<int32_t> sources(Split s) const override;
    std::vector<int64_t> offsets(Split s) const override;
    std::string manifestJson() const override;

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

}  // namespace srlab
