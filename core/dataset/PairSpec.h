// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Every parameter of a low/high pair build (docs/reference.md §1). Stored verbatim in each dataset file so
// a dataset says exactly how it was made.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dsp/Decimate.h"
#include "dsp/Interpolate.h"

namespace srlab {

enum class Split { Train = 0, Val = 1, Test = 2 };
constexpr std::array<Split, 3> kSplits{Split::Train, Split::Val, Split::Test};
const char* toString(Split s);
Split parseSplit(const std::string& name);  // throws Error

struct PairSpec {
    int rate = 16000;   // target (high) rate
    int scale = 4;      // r
    DecimFilter filter = DecimFilter::Cheby;
    // Degradation zoo (docs/reference.md §6.2): empty = every file through `filter` (published
    // reproducibility); else a DegradationZoo text ("zoo,codec=0.3"), and each file's low-res
    // side goes through its own chain drawn from seed and the file's SHA-256.
    std::string degrade;
    Baseline baseline = Baseline::Spline;  // None stores the low-rate patches themselves
    int dim = 8192;     // patch length at the high rate
    int stride = 4096;
    bool padShort = false;                 // false: files shorter than dim are skipped
    std::array<double, 3> split{0.8, 0.1, 0.1};
    uint64_t seed = 0;
    bool lowResInput = false;              // inputs are real low-res audio: no label
    int threads = 0;                       // 0 = all cores

    int inputDim() const { return baseline == Baseline::None ? dim / scale : dim; }
    double lowRate() const { return double(rate) / scale; }
    void validate() const;                 // throws Error("build settings", ...)
    std::string toJson() const;
    static PairSpec fromJson(const std::string& json);  // throws Error
};

// The low-res rate rate/scale must be a whole number of Hz (audio files and devices have
// integer rates). Throws Error(what, ...) naming both numbers otherwise.
void checkScaleFitsRate(int rate, int scale, const std::string& what);

}  // namespace srlab
