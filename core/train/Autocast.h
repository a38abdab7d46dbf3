// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// bfloat16 autocast for a scope, on the CPU or CUDA: the one place that knows the autocast API
// differs between the two libtorch builds (1.13: set_cpu_enabled / set_enabled and per-device
// dtype setters; 2.x: set_autocast_enabled(device_type, ...) and set_autocast_dtype). libtorch
// only (include from torch translation units). Used on the thread that runs the forward pass:
// autocast state is thread-local.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

namespace srlab {

class AutocastScope {
public:
    AutocastScope(torch::Device device, bool enabled) : device_(device.type()), enabled_(enabled) {
        if (!enabled_) return;
#if TORCH_VERSION_MAJOR >= 2
        wasEnabled_ = at::autocast::is_autocast_enabled(device_);
        wasDtype_ = at::autocast::get_autocast_dtype(device_);
        at::autocast::set_autocast_dtype(device_, at::kBFloat16);
        at::autocast::set_autocast_enabled(device_, true);
#else
        const bool cpu = device_ == at::kCPU;
        wasEnabled_ = cpu ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
        wasDtype_ = cpu ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
        if (cpu) {
            at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
            at::autocast::set_cpu_enabled(true);
        } else {
            at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
            at::autocast::set_enabled(true);
        }
#endif
    }
    ~AutocastScope() {
        if (!enabled_) return;
#if TORCH_VERSION_MAJOR >= 2
        at::autocast::set_autocast_enabled(device_, wasEnabled_);
        at::autocast::set_autocast_dtype(device_, wasDtype_);
#else
        if (device_ == at::kCPU) {
            at::autocast::set_cpu_enabled(wasEnabled_);
            at::autocast::set_autocast_cpu_dtype(wasDtype_);
        } else {
            at::autocast::set_enabled(wasEnabled_);
            at::autocast::set_autocast_gpu_dtype(wasDtype_);
        }
#endif
        at::autocast::clear_cache();  // the cast weights of this forward pass
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    at::DeviceType device_;
    bool enabled_;
    bool wasEnabled_ = false;
    at::ScalarType wasDtype_ = at::kBFloat16;
};

}  // namespace srlab
