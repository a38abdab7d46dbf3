// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// ViSQOL v3 (Google's Virtual Speech Quality Objective Listener, github.com/google/visqol),
// computed as PyPI's visqol-python 3.8.0 computes it with its defaults (tested against it):
// global alignment on Hilbert envelopes, level matching, gammatone spectrograms (80 ms Hann
// frames, hop 20 ms), patches matched by NSIM through dynamic programming, each match finely
// realigned, and the per-band mean NSIM mapped to MOS-LQO.
//
//   Audio mode: 48 kHz, 32 bands 50 Hz..24 kHz, 30-frame patches every 30 frames, MOS from
//     Google's nu-SVR model (resources/visqol/libsvm_nu_svr_model.txt, through libsvm).
//   Speech mode: 16 kHz, 21 bands 50 Hz..8 kHz, 20-frame patches where an RMS voice-activity
//     detector finds speech, MOS from ViSQOL's exponential fit scaled to reach 5 (visqol-python
//     with use_lattice_model=False; the deep-lattice TFLite mapper is not ported).
//
// Both signals must be mono at visqolRate(mode) (resample first, e.g. with libsoxr:
// audio/Resampler.h); there is no rate argument. Their lengths may differ, as ViSQOL allows:
// the degraded signal is aligned to the reference first and patches it cannot cover are
// dropped. Samples are in [-1, 1] full scale (speech mode's voice detector reads them as
// 16-bit levels).
//
// Throws std::runtime_error, one line starting "ViSQOL: ": a reference too short for one patch
// (audio mode: under 0.96 s; speech mode: under 0.64 s), a degraded signal too short or
// misaligned to cover any reference patch, an empty or silent (all-zero) signal, NaN or
// infinite samples, signals too long for FFTW's int lengths (over 2^29 samples), or an SVR
// model file libsvm cannot load (checked first, before any work).
//
// Cost: the biquad cascades dominate: every sample is filtered by all bands 4 times (frames
// overlap 75%) for each signal, and again around every matched patch; then the patch search.
// About 0.1 s per second of 48 kHz audio on one core (10 min: 85 s), a third of that at 16 kHz.
// Memory is per frame (bands x frames doubles, a backtrace of +-60 patches per patch) except
// for the global alignment's whole-signal envelope correlation, 32 to 64 bytes per sample of
// the longer signal while it runs (1.3 GB for ten minutes at 48 kHz; metrics/VisqolAlign.h).
//
// Threads: any number of concurrent calls. The SVR model is loaded once per path and shared
// (read-only); its loading is serialised because libsvm switches the process locale to "C"
// while it parses, which the first audio-mode call for a path therefore does briefly.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace srlab {

// What ViSQOL cannot score, told apart from a broken model file or a failed transform (plain
// std::runtime_error): the reference (empty, silent, non-finite, too short, no voice activity
// in speech mode) or the degraded signal (empty, silent, non-finite, too short or misaligned
// to cover any reference patch).
struct VisqolUnscorable : std::runtime_error {
    VisqolUnscorable(const std::string& what, bool degraded) : std::runtime_error(what), degraded(degraded) {}
    bool degraded;  // the degraded signal's fault; else the reference's
};

enum class VisqolMode { Audio, Speech };

struct VisqolResult {
    double mos = 0;              // MOS-LQO, 1..5
    double vnsim = 0;            // mean of fvnsim
    std::vector<double> fvnsim;  // mean NSIM per gammatone band over the patches, lowest band first
};

// The rate both signals must have: 48000 (audio) or 16000 (speech).
int visqolRate(VisqolMode mode);

// Loads the SVR model into the cache visqol() uses. A process with threads calls it first, before
// any thread starts: libsvm's loader switches the whole process's locale while it parses.
// Throws std::runtime_error when the file cannot be loaded.
void preloadVisqolModel(const std::string& svrModelPath);

// svrModelPath is read in audio mode only (speech mode may pass "").
VisqolResult visqol(const float* ref, size_t nRef, const float* deg, size_t nDeg, VisqolMode mode,
                    const std::string& svrModelPath);

}  // namespace srlab
