// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Another system's outputs as a method (`srlab eval --outputs NAME=DIR_OR_FILE`; docs/reference.md
// §6.4): for each truth file, the output of the same
// name, brought to the truth's rate, with its constant delay (within +-50 ms) found by
// cross-correlation and removed, then trimmed or zero-padded to the truth's length. What cannot
// be matched is refused with one line naming the file: no output of that name, one shorter than
// 10 ms, a silent one, one whose length differs by more than 100 ms + 1 % once the delay is
// removed. Streamed: the output is read a block at a time, at the truth's pace.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "eval/Evaluator.h"

namespace srlab {

// What was done to one output to line it up with its truth (the figures a table reports).
struct OutputAlignment {
    std::string output;       // the file used
    long long delay = 0;      // samples at the truth's rate; > 0: the output was late
    long long lengthDiff = 0;  // output minus truth length, once the delay is removed
    int rate = 0;             // the output file's own rate
    std::string describe(int truthRate) const;  // "delay +1.2 ms removed, 441 samples longer (trimmed)"
};

// The output for `truthFile` in `dirOrFile`: a file is itself; in a folder, the audio file whose
// name without extension equals the truth's, else the only one that begins with it followed by
// '_', '-', '.' or ' '. Throws Error naming the truth file and the folder.
std::string findOutputFor(const std::string& truthFile, const std::string& dirOrFile);

// Finds the delay of `output` (mono, at `rate`) against `truth` (its first 30 s are enough)
// within +-maxLag samples: coarse on an averaged signal, then sample-exact.
long long findDelay(const std::vector<float>& truth, const std::vector<float>& output, long long maxLag, int rate);

// The stream of one output lined up with a truth of n samples at `rate` (the truth file is read
// for its first 30 s to find the delay), at the pace of the low-res samples (rate / scale) pushed. Throws Error naming the output for what cannot be matched.
std::unique_ptr<MethodStream> externalOutputStream(const std::string& outputPath, const std::string& truthFile, int rate,
                                                   int scale, size_t n, OutputAlignment* info);

// The notes of a run of external methods, one line per file (thread-safe).
struct OutputNotes {
    void add(const std::string& line);
    std::vector<std::string> lines() const;

private:
    mutable std::mutex mu_;
    std::vector<std::string> lines_;
};

// A method named `name` whose estimate of each file is its output in `dirOrFile`.
Method externalMethod(const std::string& name, const std::string& dirOrFile, std::shared_ptr<OutputNotes> notes);

}  // namespace srlab
