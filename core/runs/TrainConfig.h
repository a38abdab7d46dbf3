// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Every hyper-parameter of a run, stored as config.json in the run folder (no libtorch here).
#include <cstdint>
#include <string>

#include "runs/ModelConfig.h"

namespace srlab {

struct TrainConfig {
    std::string dataset;          // from `srlab dataset build`: HDF5 (.h5) or streamed (.json)
    // A warm start: the generator's weights of this checkpoint folder (same architecture, preset,
    // rate and scale), with a fresh optimiser and schedule. Empty: random initialisation.
    std::string init;
    ModelConfig model;            // rate/scale/dim are taken from the dataset
    std::string loss = "mse";     // mse | mrstft | mse+mrstft
    double stftWeight = 1.0;
    double advWeight = 0.1;       // adversarial term, models with a discriminator
    double lr = 3e-4;             // the peak learning rate
    // Learning-rate schedule (docs/reference.md §3): constant, or cosine decay to 0 over the
    // run's steps; either after a linear warm-up from 0 over warmupSteps.
    std::string lrSchedule = "constant";  // constant | cosine
    int64_t warmupSteps = 0;
    // The learning rate at optimiser step `step` (0-based) of a run of `totalSteps`.
    double lrAt(int64_t step, int64_t totalSteps) const;
    int batch = 16;
    int epochs = 10;
    uint64_t seed = 0;
    std::string device = "auto";  // auto | cpu | cuda
    int threads = 0;              // CPU threads; 0 = all cores
    int loaders = 2;              // threads making batches ahead of the step (BatchLoader)
    // bf16: the generator's forward pass in bfloat16 autocast, its output cast back to float32
    // for the loss (loss, backward, weights, optimiser and validation stay float32). auto = bf16
    // on CUDA for the U-Net models, else fp32; spectral models refuse bf16 (STFTs need float32).
    std::string precision = "auto";  // auto | fp32 | bf16
    bool useBf16(bool cuda) const;
    int valItems = 256;           // validation patches per epoch (0 = all)
    // Validation scores what users get: the estimate with the input's own low band kept
    // (dsp/LowBand.h), unless false (the network's output as is).
    bool valLowBand = true;
    int64_t stepsPerEpoch = 0;    // 0 = the whole training split
    double timeLimitS = 0;        // 0 = none; a run past it stops with a checkpoint
    int snapshotClips = 3;        // validation clips heard at every validation (0 = none)
    double snapshotSeconds = 3;   // their length, about

    void validate() const;        // throws Error
    std::string toJson() const;
    static TrainConfig fromJson(const std::string& json);  // throws Error
};

}  // namespace srlab
