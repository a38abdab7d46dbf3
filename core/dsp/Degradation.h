// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// How a low-res signal was made from a high-res one (docs/reference.md §6): the fixed filters
// of the published chain (cheby = scipy.signal.decimate, sinc, none), or a "degradation" as real
// low-res input meets it: a low-pass of another family (Chebyshev I/II, Butterworth, elliptic,
// Bessel as second-order sections from liquid-dsp; a windowed sinc; a soxr resample) with its
// own order, cutoff and phase, then optionally gain, low-level noise and a lossy codec round trip.
//
// A Degradation has one text form, used on the command line, in dataset manifests, in eval
// tables and on the Compare page:
//   FILTER[:ORDER][@CUTOFF][/min] [+gain:DB] [+noise:DBFS] [+CODEC:QUALITY]
// e.g. "cheby", "ellip:6@0.95/min", "butter:4+mp3:0.5", "soxr+opus:0.9". CUTOFF is a fraction
// of the new Nyquist (default 1); /min runs the IIR filter once forward (minimum phase, as a
// real-time resampler does; its bulk delay compensated, as resamplers do) instead of
// forward-backward (zero phase). CODEC is mp3, opus or
// vorbis; QUALITY is libsndfile's compression level in [0, 1] (1 = the lowest bit rate).
//
// A DegradationZoo draws random Degradations from a seed (--degrade zoo[,KEY=VALUE...]).
// Everything here is pure and thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "audio/AudioStream.h"
#include "dsp/Decimate.h"

namespace srlab {

struct Degradation {
    std::string filter = "cheby";  // cheby sinc none | cheby1 cheby2 butter ellip bessel kaiser soxr
    int order = 8;                 // IIR families
    double cutoff = 1.0;           // fraction of the new Nyquist (IIR, kaiser)
    bool minPhase = false;         // IIR: one causal pass instead of forward-backward
    double gainDb = 0;             // applied to the high-res signal (label and input alike)
    double noiseDbfs = -1000;      // white noise RMS added to the low-res signal; <= -200: none
    std::string codec;             // "" | mp3 | opus | vorbis
    double codecQuality = 0.5;

    static Degradation fixed(DecimFilter f);
    static Degradation parse(const std::string& text);  // throws Error naming the text
    std::string toString() const;                       // parse(toString()) == *this
    bool isFixedFilter() const { return filter == "cheby" || filter == "sinc" || filter == "none"; }
    bool operator==(const Degradation& o) const;
};

struct Degraded {
    std::vector<float> low;  // at rate / scale
    double codecKbps = 0;    // the codec stream's mean bit rate (0 without a codec)
};

// Applies `d`: `hi` (at `rate`, a multiple of `scale` long) gets the gain in place, and the
// low-res signal is returned. Throws Error when the signal is too short for the filter.
Degraded degrade(std::vector<float>& hi, int rate, int scale, const Degradation& d, int threads = 0);
// Shortest input degrade() accepts for `d`.
size_t minDegradeLength(const Degradation& d);

// degrade() of a long signal, a segment at a time, each filtered with enough of the signal
// either side that the filter has settled (its IIR state decayed below 1e-15, its FIR taps
// covered): the low-res stream equals degrade() of the whole signal to float precision, and
// memory is a few segments. For the degradations whose every step is local: the filters, and
// a gain (which the caller applies to the high-res signal first, as degrade() does in place).
// The others need the whole signal: a causal IIR's delay is found over all of it, noise is
// drawn for its length, and a codec's round trip is aligned by cross-correlation.
bool degradationStreams(const Degradation& d);
class DegradeStream {
public:
    // length: the high-res signal's samples (a multiple of scale).
    DegradeStream(size_t length, int rate, int scale, const Degradation& d);
    void push(const float* hi, size_t n, const SampleSink& low);
    void finish(const SampleSink& low);

private:
    void segment(size_t to, const SampleSink& low);  // low-res samples up to hi index `to`
    size_t length_, context_, segment_;
    int rate_, scale_;
    Degradation d_;
    std::vector<float> hi_;
    size_t base_ = 0, done_ = 0;
};

// A seeded random source of Degradations (docs/reference.md §6.2).
struct DegradationZoo {
    std::vector<std::string> filters{"cheby1", "cheby2", "butter", "ellip", "bessel", "kaiser", "soxr"};
    int minOrder = 2, maxOrder = 10;
    double minCutoff = 0.8, maxCutoff = 1.0;
    double minPhaseP = 0.5;       // chance of a minimum-phase (causal) IIR pass
    double gainP = 0.5, minGainDb = -6, maxGainDb = 0;
    double noiseP = 0.3, minNoiseDbfs = -90, maxNoiseDbfs = -60;
    double codecP = 0.3;
    std::vector<std::string> codecs{"mp3", "opus", "vorbis"};
    bool perPatch = false;        // a chain per patch instead of per file (the pair builder's)

    // "zoo" or "zoo,codec=0.5,noise=0,gain=0.5,phase=0.5,filters=butter|ellip,orders=2-10,
    // cutoff=0.8-1,codecs=mp3|vorbis,per=file|patch". Throws Error naming the bad key.
    static DegradationZoo parse(const std::string& text);
    std::string toString() const;
    Degradation draw(uint64_t seed) const;
};

// The robustness matrix of `srlab eval --degradations DEFAULT` (docs/reference.md §6.3): filter
// families x orders, resamplers, codecs x qualities, each named by its text form.
std::vector<Degradation> defaultDegradationMatrix();

}  // namespace srlab
