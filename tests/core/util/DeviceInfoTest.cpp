// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/DeviceInfo.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace srlab {

TEST(DeviceInfo, ResidentMemoryGrowsWithWhatTheProcessTouches) {
    const double before = processResidentBytes();
    ASSERT_TRUE(std::isfinite(before));
    EXPECT_GT(before, 1e6);
    std::vector<char> block(64 << 20, 1);  // 64 MiB, every page written
    const double after = processResidentBytes();
    EXPECT_GT(after - before, 48.0 * (1 << 20)) << int(block[12345]);
}

TEST(DeviceInfo, CudaQueriesAnswerEvenWithoutADriver) {
    // No device has this ordinal, with or without an NVIDIA driver; a thread that never used
    // CUDA has no context.
    EXPECT_FALSE(cudaDeviceInfo(100000).has_value());
    EXPECT_TRUE(std::isnan(cudaMemoryInUse()));
    if (auto gpu = cudaDeviceInfo(0)) {  // on a GPU machine: a name and a plausible size
        EXPECT_FALSE(gpu->name.empty());
        EXPECT_GT(gpu->totalBytes, 1e9);
    }
}

TEST(DeviceInfo, MemoryTextIsReadable) {
    EXPECT_EQ(formatMemory(1.5 * 1024 * 1024 * 1024, 80.0 * 1024 * 1024 * 1024), "1.5 / 80.0 GiB");
    EXPECT_EQ(formatMemory(300.0 * 1024 * 1024), "300 MiB");
    EXPECT_EQ(formatMemory(2.0 * 1024 * 1024 * 1024), "2.00 GiB");
    EXPECT_EQ(formatMemory(NAN), "–");
}

}  // namespace srlab
