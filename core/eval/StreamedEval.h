// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Evaluation's streamed path (docs/reference.md §4), internal to srlab_eval: one file through
// one degradation case with memory independent of its length, giving the whole-file numbers.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dsp/Interpolate.h"
#include "eval/Evaluator.h"

namespace srlab {

// A baseline as a MethodStream.
std::unique_ptr<MethodStream> baselineStream(Baseline b, int scale);

// One file through one case, streamed: a first pass counts the target-rate samples, checks for
// silence and finds the reference's log-mel peak; the second scores every method (each must
// have a stream) as the degradation, the methods and the metrics stream along. Throws Error
// naming the file. `onProgress(fraction)` hears how far the second pass is, every few seconds
// of audio.
std::vector<EvalRow> evaluateStreamed(const std::string& file, int rate, int scale, const Degradation& d,
                                      const std::vector<Method>& methods, size_t minLength, const CancelToken& cancel,
                                      const std::function<void(double)>& onProgress, bool visqol = true);

}  // namespace srlab
