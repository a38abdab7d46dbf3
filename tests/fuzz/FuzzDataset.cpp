// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as a dataset (an HDF5 file, or a streamed dataset's JSON index),
// opened and read the way training and the Datasets page do (layout, every split's indexes,
// first and last item, manifest). Each opens and reads or
// throws srlab::Error; nothing may crash, hang or allocate without bound.
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "dataset/PatchDataset.h"
#include "util/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/srlab-fuzz-dataset-" + std::to_string(getpid()) + ".h5";
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), std::streamsize(size));
    try {
        const auto opened = srlab::openDataset(path);
        const srlab::PatchDataset& r = *opened;
        const auto& info = r.info();
        std::vector<float> input(size_t(info.inputDim)), label(size_t(info.spec.dim));
        for (srlab::Split s : {srlab::Split::Train, srlab::Split::Val, srlab::Split::Test}) {
            const size_t n = r.count(s);
            if (n == 0) continue;
            r.read(s, 0, 1, input.data(), info.hasLabel ? label.data() : nullptr);
            r.read(s, n - 1, 1, input.data(), info.hasLabel ? label.data() : nullptr);
            r.sources(s);
            r.offsets(s);
        }
        r.manifestJson();
    } catch (const srlab::Error&) {
    }
    return 0;
}
