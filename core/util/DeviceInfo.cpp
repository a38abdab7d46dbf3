// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/DeviceInfo.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <mutex>

namespace srlab {
namespace {

// The few CUDA driver API entry points used, with their C signatures (cuda.h: CUresult is an
// int-sized enum, 0 = CUDA_SUCCESS; CUdevice is an int). The _v2 names are the 64-bit size ones
// every driver since CUDA 3.2 exports.
struct CudaDriver {
    int (*init)(unsigned) = nullptr;
    int (*deviceGet)(int*, int) = nullptr;
    int (*deviceGetName)(char*, int, int) = nullptr;
    int (*deviceTotalMem)(size_t*, int) = nullptr;
    int (*memGetInfo)(size_t*, size_t*) = nullptr;
    int (*ctxGetCurrent)(void**) = nullptr;
    bool ok = false;
};

const CudaDriver& driver() {
    static CudaDriver d;
    static std::once_flag once;
    std::call_once(once, [] {
        void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
        if (!lib) return;  // no NVIDIA driver: no CUDA device (kept loaded for the process)
        auto sym = [&](auto& fn, const char* name) { fn = reinterpret_cast<std::decay_t<decltype(fn)>>(dlsym(lib, name)); };
        sym(d.init, "cuInit");
        sym(d.deviceGet, "cuDeviceGet");
        sym(d.deviceGetName, "cuDeviceGetName");
        sym(d.deviceTotalMem, "cuDeviceTotalMem_v2");
        sym(d.memGetInfo, "cuMemGetInfo_v2");
        sym(d.ctxGetCurrent, "cuCtxGetCurrent");
        d.ok = d.init && d.deviceGet && d.deviceGetName && d.deviceTotalMem && d.memGetInfo && d.ctxGetCurrent &&
               d.init(0) == 0;
    });
    return d;
}

}  // namespace

std::optional<CudaDeviceInfo> cudaDeviceInfo(int ordinal) {
    const auto& d = driver();
    int dev = 0;
    if (!d.ok || d.deviceGet(&dev, ordinal) != 0) return std::nullopt;
    char name[256] = {};
    size_t total = 0;
    if (d.deviceGetName(name, int(sizeof name) - 1, dev) != 0 || d.deviceTotalMem(&total, dev) != 0) return std::nullopt;
    return CudaDeviceInfo{name, double(total)};
}

double cudaMemoryInUse() {
    const auto& d = driver();
    void* ctx = nullptr;
    size_t freeBytes = 0, total = 0;
    if (!d.ok || d.ctxGetCurrent(&ctx) != 0 || !ctx || d.memGetInfo(&freeBytes, &total) != 0) return NAN;
    return double(total - freeBytes);
}

double processResidentBytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return NAN;
    unsigned long size = 0, resident = 0;
    const int n = std::fscanf(f, "%lu %lu", &size, &resident);
    std::fclose(f);
    return n == 2 ? double(resident) * double(sysconf(_SC_PAGESIZE)) : NAN;
}

std::string formatMemory(double bytes, double totalBytes) {
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    char buf[64];
    if (!std::isfinite(bytes)) return "–";
    if (totalBytes > 0)
        std::snprintf(buf, sizeof buf, "%.1f / %.1f GiB", bytes / kGiB, totalBytes / kGiB);
    else if (bytes >= kGiB)
        std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / kGiB);
    else
        std::snprintf(buf, sizeof buf, "%.0f MiB", bytes / (1024.0 * 1024.0));
    return buf;
}

}  // namespace srlab
