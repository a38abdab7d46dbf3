// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the Training page and `srlab train` say about the device a run trains on: a CUDA
// device's name and memory, or the process's resident memory on the CPU. Torch-free: CUDA is
// asked through the driver's own C API (libcuda.so.1, present wherever an NVIDIA driver is),
// loaded at run time, so both libtorch builds and machines without a GPU share this code.
//
// Threads: any thread. cudaMemoryInUse() reads the CUDA context current on the calling thread,
// so call it from the thread that runs the CUDA work (the training thread).
#include <optional>
#include <string>

namespace srlab {

struct CudaDeviceInfo {
    std::string name;         // e.g. "NVIDIA H100 80GB HBM3"
    double totalBytes = 0;
};

// The CUDA device at `ordinal` (as CUDA numbers them: CUDA_VISIBLE_DEVICES applies), or nothing
// when there is no driver or no such device.
std::optional<CudaDeviceInfo> cudaDeviceInfo(int ordinal);

// Bytes in use on the device of the calling thread's current CUDA context (all processes, as
// nvidia-smi counts them); NaN when the thread has no CUDA context.
double cudaMemoryInUse();

// This process's resident memory in bytes (Linux /proc/self/statm); NaN when unreadable.
double processResidentBytes();

// "1.2 / 79.6 GiB" style text for a byte count out of a total (total <= 0: the count alone).
std::string formatMemory(double bytes, double totalBytes = 0);

}  // namespace srlab
