// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Writes a dict name -> tensor exactly as Python's torch.save(dict) does: a zip archive
// (caffe2's PyTorchStreamWriter) holding a protocol-2 pickle that rebuilds each tensor with
// torch._utils._rebuild_tensor_v2 from its storage record. torch.load reads it with
// weights_only=True (the default since PyTorch 2.6), which refuses the typed containers
// torch::pickle_save writes; torch::pickle_load reads it too. Internal to srlab_ml.
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace srlab {

// The archive's bytes; tensors are written contiguous, on the CPU, float32 (the only dtype an
// SRLab network holds; others are refused with std::invalid_argument).
std::string torchSaveBytes(const std::vector<std::pair<std::string, torch::Tensor>>& tensors);

}  // namespace srlab
