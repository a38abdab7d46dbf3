// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A file's effective bandwidth: the frequency its content stops at, whatever its container
// rate says (an MP3 decoded to 44.1 kHz with nothing above 16 kHz, a telephone recording
// resampled to 48 kHz). Method (docs/reference.md §5): the long-term average spectrum of the
// non-silent frames, smoothed, its content level (95th percentile) and floor (5th percentile);
// the cutoff is the highest frequency still 10 dB (or a third of the content-to-floor range)
// above the floor; it is a band edge when the level falls by 15 dB or more within ±1 kHz of
// it, else the content merely rolls off. Robust to noise floors and dither: both sit at the
// floor. Pure function, any thread.
#include <string>
#include <vector>

#include "audio/AudioStream.h"
#include "audio/Samples.h"

namespace srlab {

struct Bandwidth {
    double cutoffHz = 0;    // effective upper edge of the content
    double nyquistHz = 0;   // the container's
    double edgeDropDb = 0;  // level step across the cutoff (+-1 kHz)
    bool fullBand = true;   // content reaches the Nyquist, or rolls off with no edge
    // The lowest rate that holds the content: 2 x cutoff (the container's rate when full-band).
    double contentRate() const { return fullBand ? 2 * nyquistHz : 2 * cutoffHz; }
};

// x: mono samples at `rate`. Files under 0.1 s, or silent, come back as full-band.
Bandwidth estimateBandwidth(const std::vector<float>& x, int rate);
// A file of any length, from at most two minutes of it: the whole file when it is that short
// (the same estimate as above), else 24 stretches of 5 s spread over it. Throws Error naming
// the file.
Bandwidth estimateBandwidthOfFile(const std::string& path);
// The same of a long signal held in a SampleBuffer (reads at most two minutes of it).
Bandwidth estimateBandwidth(const SampleBuffer& x, int rate);

}  // namespace srlab
