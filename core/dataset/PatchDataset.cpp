// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/PatchDataset.h"

#include "dataset/PairFile.h"
#include "dataset/StreamedDataset.h"
#include "util/Error.h"

#include <fstream>
#include <iterator>

namespace srlab {

std::unique_ptr<PatchDataset> openDataset(const std::string& path) {
    // A JSON object is a streamed dataset's index (or is refused as one); anything else is HDF5.
    std::ifstream in(path, std::ios::binary);
    char c = 0;
    while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
    }
    if (in && c == '{') return std::make_unique<StreamedDataset>(path);
    return std::make_unique<PairFileReader>(path);
}

std::string readDatasetManifest(const std::string& path) {
    if (!looksLikeStreamedDataset(path)) return PairFileReader(path).manifestJson();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open (missing or unreadable)");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool isStreamedDatasetName(const std::string& path) {
    return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

}  // namespace srlab
