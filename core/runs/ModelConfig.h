// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Everything needed to rebuild a network (docs/reference.md §3), with no libtorch in sight so the GUI and
// run folders can read it. Stored as JSON beside every checkpoint.
#include <cstddef>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace srlab {

// How a long signal is cut for a model (docs/reference.md §4): chunks of `chunk` samples that
// overlap by `overlap` and are crossfaded.
struct ChunkPlan {
    size_t chunk = 0, overlap = 0;
};

struct ModelConfig {
    // audiounet | tfilm | inception | spectral | specgan | apbwe
    std::string arch = "audiounet";
    std::string preset = "small";
    int rate = 16000;   // output rate
    int scale = 4;      // r
    int dim = 8192;     // training patch length (output samples)

    // U-Net family (audiounet, tfilm, inception)
    std::vector<int> filters{16, 32, 64, 64};
    std::vector<int> kernels{33, 17, 9, 9};
    float dropout = 0.5f;
    int tfilmBlock = 128;          // TFiLM block length at full rate (halved per level)
    bool inceptionDropout = false; // inception up-blocks: dropout after the concat

    // Spectral family (spectral, specgan, apbwe)
    int nfft = 512;
    int hop = 128;
    int win = 0;                   // analysis window length, 0: nfft (apbwe: 320 in 1024-point frames)
    int channels = 128;            // apbwe: ConvNeXt channels of each stream
    int blocks = 4;                // apbwe: ConvNeXt blocks per stream
    bool adversarial = false;      // apbwe: train against its MPD + MRAD + MRPD discriminators
    bool vit = false;              // specgan: transformer encoder instead of convs
    int griffinLimIters = 16;      // specgan inference: phase refinement of the high band
    // TorchScript modules that state their chunking (docs/reference.md §4.2): the overlap of
    // their `dim`-long chunks; 0: a quarter chunk. Not stored in model.json.
    int chunkOverlap = 0;

    // Takes rate, scale and patch length from a dataset and adapts rate-dependent sizes.
    void fitTo(int rate, int scale, int dim);
    int depth() const { return int(filters.size()); }
    bool isSpectral() const { return arch == "spectral" || arch == "specgan" || arch == "apbwe"; }
    int window() const { return win > 0 ? win : nfft; }
    // Input lengths the network accepts are multiples of this (inference pads to it).
    int multiple() const;
    // How inference cuts long files when not told (docs/reference.md §4): training-length chunks
    // overlapping by a quarter; AP-BWE, whose high-band phase two chunks predict independently
    // (their crossfade would partly cancel it), eight times longer chunks with the same overlap.
    ChunkPlan defaultChunking() const;
    void validate() const;          // throws Error("model config", ...)
    std::string toJson() const;
    static ModelConfig fromJson(const std::string& json);  // throws Error
};

// The model config stored in a checkpoint folder's model.json (torch-free, for the GUI and the
// shipped-model lookup). Throws Error naming the file.
ModelConfig readCheckpointConfig(const std::string& checkpointDir);

// Where a checkpoint stands (its model.json beside the model config): the one checkpoint-
// metadata type of the trainer (save, resume) and every reader (the GUI's checkpoint list).
struct CheckpointMeta {
    int64_t step = 0;
    int epoch = 0;      // epochs completed, or the epoch in progress when batch > 0
    int64_t batch = 0;  // batches done in `epoch` (0 at an epoch boundary)
    double wallS = 0;   // training wall time so far
    double valLoss = NAN, valSnr = NAN, valLsd = NAN;
};
// Reads model.json of a checkpoint folder (or of the folder holding a file named); throws Error
// naming the file when it is missing, malformed or from a newer SRLab.
CheckpointMeta readCheckpointMeta(const std::string& checkpoint);
// The checkpoint folder for a path that names a folder or a file inside it; throws when absent.
std::string checkpointDir(const std::string& path);

// model.json carries "format_version" (absent in the first checkpoints: 1). A checkpoint from
// a newer SRLab is refused with both versions named rather than half-read.
constexpr int kCheckpointFormat = 1;
void checkCheckpointFormat(const std::string& modelJsonText, const std::string& file);

// Named presets: "published" sizes of each paper and small ones that train on 2 CPU cores.
std::vector<std::string> modelArchs();
std::vector<std::string> modelPresets(const std::string& arch);
// Applies arch + preset; rate/scale/dim are filled from the dataset by the caller.
ModelConfig makeModelConfig(const std::string& arch, const std::string& preset);

}  // namespace srlab
