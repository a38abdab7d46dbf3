// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Where this process stands in a data-parallel run, from torchrun's environment variables
// (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT), which torchrun,
// Slurm or mpirun wrappers, and `srlab train --nproc N`, set. No libtorch in this header.
#include <string>

namespace srlab {

struct DistEnv {
    int rank = 0, world = 1;
    int localRank = 0, localWorld = 1;  // on this machine: picks the GPU, shares the cores
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    bool active() const { return world > 1; }
    bool writer() const { return rank == 0; }  // only rank 0 writes the run folder
};

// Reads the variables; a single process when WORLD_SIZE is unset or 1. Throws Error naming the
// variable when one is malformed or inconsistent (RANK >= WORLD_SIZE, a port out of range).
DistEnv distEnvFromEnvironment();

}  // namespace srlab
