// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ViSQOL's time alignment (Google visqol alignment.cc / xcorr.cc / envelope.cc, as PyPI's
// visqol-python ports it): the lag that maximises the cross-correlation of the two signals'
// Hilbert upper envelopes, over every lag either way.
//
// Memory: the two envelopes share one complex buffer, the next power of two at or above
// twice the longer signal (so 32 to 64 bytes per sample of it), and a whole-signal envelope
// is computed in that buffer too: 1.3 GB for ten minutes at 48 kHz, freed on return. That is
// the price of ViSQOL's exact whole-signal correlation; everything else in ViSQOL is per
// frame. (An FFT of the signal's own length, as visqol-python takes for the Hilbert
// transform, would cost FFTW several times the signal's memory for lengths with a large
// prime factor; the transform is computed as a convolution through power-of-two FFTs instead.)
//
// Threads: one aligner per thread (it keeps FFTW plans); planning is serialised process-wide.
#include <cstddef>
#include <memory>

#include "metrics/Gammatone.h"

namespace srlab {

class EnvelopeAligner {
public:
    EnvelopeAligner();
    ~EnvelopeAligner();
    EnvelopeAligner(const EnvelopeAligner&) = delete;
    EnvelopeAligner& operator=(const EnvelopeAligner&) = delete;

    // visqol-python's find_best_lag(upper_envelope(ref), upper_envelope(deg)), in samples:
    // negative when deg lags ref (ViSQOL then trims its front), positive when it leads (ViSQOL
    // pads it). Among equal correlations the most negative lag wins.
    long long bestLag(const SampleView& ref, const SampleView& deg);

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

}  // namespace srlab
