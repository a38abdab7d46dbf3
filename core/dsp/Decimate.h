// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Anti-alias + decimate (docs/reference.md §1.3). `cheby` reproduces scipy.signal.decimate(x, r) (order-8
// Chebyshev I, 0.05 dB ripple, cutoff 0.8/r, sosfiltfilt with odd padding and steady-state
// initial conditions); `sinc` is a linear-phase Kaiser-windowed sinc at the new Nyquist;
// `none` is x[::r].
#include <string>
#include <vector>

namespace srlab {

enum class DecimFilter { Cheby, Sinc, None };
DecimFilter parseDecimFilter(const std::string& name);  // throws Error on unknown names
std::string toString(DecimFilter f);

struct Biquad {  // b0 + b1 z^-1 + b2 z^-2 over 1 + a1 z^-1 + a2 z^-2
    double b0, b1, b2, a1, a2;
};

// Digital Chebyshev type I low-pass as second-order sections (order must be even).
// wn is the cutoff as a fraction of Nyquist, like scipy.signal.cheby1.
std::vector<Biquad> cheby1Lowpass(int order, double rippleDb, double wn);

// scipy.signal.sosfiltfilt(sos, x) with its defaults (odd extension, padlen 3*(2*ns+1)).
// Throws Error if x is not longer than the padding.
std::vector<double> sosfiltfilt(const std::vector<Biquad>& sos, const std::vector<double>& x);
// The same, keeping every r-th output (y[k] = filtered[k r]), without the full-rate copy; long
// inputs run in parallel chunks as decimate() does.
std::vector<float> sosfiltfiltDecimate(const std::vector<Biquad>& sos, const std::vector<float>& x, int r, int threads = 0);
// scipy.signal.sosfilt(sos, x): one causal pass from rest, in parallel chunks.
std::vector<float> sosfilt(const std::vector<Biquad>& sos, const std::vector<float>& x, int threads = 0);

// Samples after which a cascade's response to its state has decayed below 1e-15 (from its
// largest pole radius); 0 when a pole is not inside the unit circle.
size_t iirSettleLength(const std::vector<Biquad>& sos);
// The cascade for decimate()'s `cheby` filter at scale r.
std::vector<Biquad> chebyDecimationFilter(int r);

// Kaiser-windowed sinc low-pass, unit DC gain, 2*half+1 taps, cutoff as a fraction of Nyquist.
std::vector<float> kaiserSincLowpass(double cutoff, int half, double beta);

// Decimate by integer factor r. Output length is ceil(x.size() / r), like x[::r].
// Long inputs filter in parallel chunks (threads 0 = all cores), each starting early enough
// that its recursion has settled into the exact state (differences stay below 1e-6).
std::vector<float> decimate(const std::vector<float>& x, int r, DecimFilter filter, int threads = 0);

// Shortest input `decimate` accepts for this filter (the Chebyshev path needs edge padding).
size_t minDecimateLength(DecimFilter filter);

}  // namespace srlab
