// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A streamed dataset (docs/reference.md §1.8): a small JSON index of the source audio (each
// file's path, SHA-256, size, modification time, split, rate and length) and the build
// settings, from which every item is cut and degraded when it is read. Nothing of the audio is
// copied: 100 hours index into a few MB.
//
// Item k of a source starts nominally at k * stride (target-rate samples), as in the HDF5
// builder. Read for a training epoch, a train item's crop moves by up to ±stride/2 and, with a
// degradation zoo, its chain is drawn afresh — both from (seed, epoch, item), so a resumed run
// reads exactly what the uninterrupted one would have. Read nominally (validation, statistics,
// conversion to HDF5), an item is its nominal crop and the chain of (seed, source, k): the
// per-patch zoo builder's patch, bit for bit where the source is at the target rate.
//
// A source that is missing, or whose size or time changed and whose SHA-256 no longer matches,
// is named when the dataset is opened; one that changes while items are read is named then.
//
// Threads: read() and the other const members are safe from any number of threads at once.
#include <memory>
#include <string>
#include <vector>

#include "dataset/PairBuilder.h"
#include "dataset/PatchDataset.h"

namespace srlab {

// Indexes the sources (headers only) and hashes them on the shared pool; writes `outPath`
// atomically. Per-file problems are skipped and reported, as buildPairs() does. Throws Error
// for unusable settings (real low-res input has no labels to stream) or when nothing is usable.
BuildReport buildStreamed(const PairSpec& spec, const BuildInputs& inputs, const std::string& outPath,
                          ProgressSink& progress, const CancelToken& cancel);

class StreamedDataset final : public PatchDataset {
public:
    // Reads and checks the index and every used source (see above); throws Error naming the
    // file at fault.
    explicit StreamedDataset(const std::string& path);
    ~StreamedDataset() override;
    StreamedDataset(const StreamedDataset&) = delete;
    StreamedDataset& operator=(const StreamedDataset&) = delete;

    const PairFileInfo& info() const override;
    const std::string& path() const override;
    void read(Split s, size_t first, size_t n, float* input, float* label, int epoch = kNominal) const override;
    std::vector<int32_t> sources(Split s) const override;
    std::vector<int64_t> offsets(Split s) const override;
    std::string manifestJson() const override;
    bool streamed() const override { return true; }

    // Seconds spent hashing sources whose size or time had changed, when opening.
    double rehashSeconds() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

// buildStreamed() for a name isStreamedDatasetName() accepts, else buildPairs().
BuildReport buildDataset(const PairSpec& spec, const BuildInputs& inputs, const std::string& outPath,
                         ProgressSink& progress, const CancelToken& cancel);

// True when `path` begins as a streamed dataset's index does (its format name in the first bytes).
bool looksLikeStreamedDataset(const std::string& path);

// Writes every item of `src`, read nominally, to an HDF5 pair file at `outPath` (atomically),
// with src's manifest. The HDF5 file then holds what the streamed dataset's validation sees.
BuildReport convertToPairs(const PatchDataset& src, const std::string& outPath, ProgressSink& progress,
                           const CancelToken& cancel);

}  // namespace srlab
