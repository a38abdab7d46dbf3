// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// FFTW's planners are not thread-safe (executing a plan is), and every plan made anywhere in
// the process goes through the same planner state: all of core plans under this one lock
// (audio/Codec, dsp/Stft, dsp/LowBand, metrics/VisqolAlign).
#include <mutex>

namespace srlab {

inline std::mutex& fftwPlannerMutex() {
    static std::mutex m;  // one per process: an inline function's static is shared by every unit
    return m;
}

}  // namespace srlab
