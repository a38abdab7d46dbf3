// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as the text files of a run folder and a checkpoint, split at NUL
// bytes into config.json, metrics.csv, status.json and checkpoints/best/model.json, then read
// back the way `train --resume`, the Training page and Compare's model menu read them. The
// weights (model.pt) are libtorch's pickle format; the bad-input matrix covers them.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "runs/ModelConfig.h"
#include "runs/RunFolder.h"
#include "util/Error.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const fs::path run = "/tmp/srlab-fuzz-run-" + std::to_string(getpid());
    static const bool made = fs::create_directories(run / "checkpoints/best") || true;
    (void)made;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    const char* files[] = {"config.json", "metrics.csv", "status.json", "checkpoints/best/model.json"};
    size_t at = 0;
    for (const char* f : files) {
        const size_t end = std::min(bytes.find('\0', at), bytes.size());
        std::ofstream(run / f, std::ios::binary | std::ios::trunc) << bytes.substr(std::min(at, bytes.size()), end - std::min(at, end));
        at = end + 1;
    }
    try {
        srlab::readRunConfig(run.string());
    } catch (const srlab::Error&) {
    }
    srlab::readRunMetrics(run.string());  // never throws: damaged rows are skipped
    srlab::readRunStatus(run.string());
    for (const auto& ck : srlab::listCheckpoints(run.string())) try {
            srlab::readCheckpointConfig(ck);
        } catch (const srlab::Error&) {
        }
    return 0;
}
