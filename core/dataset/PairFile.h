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

#include "dataset/PairSpec.h"

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

struct PairFileInfo {
    PairSpec spec;
    std::string toolVersion;
    bool hasLabel = true;
    int inputDim = 0;
    std::array<size_t, 3> counts{0, 0, 0};
};

class PairFileReader {
public:
    // Opens and validates the layout; throws Error naming the file and the problem.
    explicit PairFileReader(const std::string& path);
    ~PairFileReader();
    PairFileReader(const PairFileReader&) = delete;
    PairFileReader& operator=(const PairFileReader&) = delete;

    const PairFileInfo& info() const;
    const std::string& path() const;
    size_t count(Split s) const { return info().counts[size_t(s)]; }
    // Reads patches [first, first+n) of a split: input into `input` (n*inputDim floats), label
    // into `label` (n*dim floats, may be null). Thread-safe.
    void read(Split s, size_t first, size_t n, float* input, float* label) const;
    std::vector<int32_t> sources(Split s) const;
    std::vector<int64_t> offsets(Split s) const;
    std::string manifestJson() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

}  // namespace srlab
