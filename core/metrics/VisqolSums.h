// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ViSQOL (metrics/Visqol.h) of a signal pair of any length, fed in order as MetricSums is
// (docs/reference.md §2): the pair is cut into equal segments of at most 30 s and the result
// is the mean MOS-LQO over them, as papers average ViSQOL over test clips; a pair of 30 s or
// less is one segment, ViSQOL itself. Signals above 16 kHz are scored in audio mode (resampled
// to 48 kHz), the rest in speech mode (16 kHz), each segment resampled with libsoxr. Memory is
// one segment, whatever the length.
//
// A segment whose reference ViSQOL cannot score (under 0.96 s in audio mode, 0.64 s in speech
// mode, silent) is left out; with none scored the result is NaN, which tables print as "-" and
// means skip. A segment whose estimate it cannot score (silent, as a truncated output's zero
// padding is) scores 1, ViSQOL's worst. Any other failure (the model file) is thrown.
//
// Threads: one thread per object; objects on different threads may run at once.
#include <cstddef>
#include <string>
#include <vector>

#include "metrics/Visqol.h"

namespace srlab {

class VisqolSums {
public:
    VisqolSums(size_t length, int rate);
    void add(const float* y, const float* yh, size_t n);  // the next n samples of both
    double result() const;                                // once `length` samples were added

    static constexpr double kSegmentSeconds = 30;
    static VisqolMode modeFor(int rate) { return rate > 16000 ? VisqolMode::Audio : VisqolMode::Speech; }

private:
    void score();
    size_t length_, segments_, done_ = 0, segment_ = 0;
    int rate_;
    std::vector<float> y_, yh_;  // the open segment
    double sum_ = 0;
    size_t scored_ = 0;
};

// Google's nu-SVR model for audio mode (resources/visqol/, installed to share/srlab/visqol/;
// $SRLAB_VISQOL_MODEL overrides it). Throws Error when it is nowhere.
const std::string& visqolModelPath();

}  // namespace srlab
