// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/Device.h"

#include "train/Trainer.h"
#include "util/DeviceInfo.h"
#include "util/Error.h"

namespace srlab {

torch::Device pickDevice(const std::string& request) {
    if (request == "cuda" && !torch::cuda::is_available())
        throw Error("device", "CUDA was requested but this libtorch has no usable CUDA device");
    if (request == "cpu" || !torch::cuda::is_available()) return torch::kCPU;
    return torch::kCUDA;
}

std::string describe(const torch::Device& d) {
    if (!d.is_cuda()) return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
    const int index = d.has_index() ? int(d.index()) : 0;
    const auto info = cudaDeviceInfo(index);
    return "cuda:" + std::to_string(index) + " of " + std::to_string(torch::cuda::device_count()) + " (" +
           (info ? info->name + ", " + formatMemory(info->totalBytes) : std::string("unnamed")) + ")";
}

std::string describeDevice(const std::string& request) { return describe(pickDevice(request)); }

}  // namespace srlab
