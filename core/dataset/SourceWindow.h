// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Stretches of a source file at the target rate, read on demand for a streamed dataset
// (dataset/StreamedDataset.h), and the stamps that tell whether the file is still the one that
// was indexed. Stateless and thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "dataset/PairSpec.h"

namespace srlab {

// A file's size and modification time: the cheap test of "unchanged".
struct FileStamp {
    uintmax_t bytes = 0;
    long long mtimeNs = 0;
    bool operator==(const FileStamp& o) const { return bytes == o.bytes && mtimeNs == o.mtimeNs; }
    bool operator!=(const FileStamp& o) const { return !(*this == o); }
};
// Throws Error naming the file when it cannot be seen.
FileStamp stampOf(const std::string& path);

// Checks a source a streamed dataset (`dataset`) indexed: a missing file, or one whose stamp
// changed and whose SHA-256 no longer equals `sha256`, throws Error naming it. A file whose
// stamp changed but whose content did not gets its new stamp. Returns the seconds spent hashing.
double verifySource(const std::string& path, FileStamp& stamp, const std::string& sha256, const std::string& dataset);

// The length at spec.rate of `frames` at `rate`, cropped to a multiple of spec.scale: the
// length the HDF5 builder's toTargetRate() gives the whole file.
size_t targetFramesOf(long long frames, int rate, const PairSpec& spec);

// Samples [start, end) of the file resampled to `targetRate` (of `targetFrames` in all; past
// those, zeros), equal to the same stretch of the whole file resampled (within libsoxr's
// precision; identical when the rates agree). The file must still carry `stamp`, else Error
// names it as changed; a file that ends early is named as truncated.
std::vector<float> readTargetWindow(const std::string& path, const FileStamp& stamp, int rate, long long frames,
                                    size_t targetFrames, int targetRate, size_t start, size_t end);

}  // namespace srlab
