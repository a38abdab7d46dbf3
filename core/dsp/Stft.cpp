// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Stft.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "util/Error.h"
#include "util/ThreadPool.h"
#include "util/FftwPlanner.h"

namespace srlab {
namespace {

struct FftwFree {
    void operator()(void* p) const { fftwf_free(p); }
};
using FloatBuf = std::unique_ptr<float, FftwFree>;
using ComplexBuf = std::unique_ptr<fftwf_complex, FftwFree>;

// One r2c plan per size, made on first use. fftwf_malloc'd buffers share the plan's
// alignment, which is what new-array execution requires.
fftwf_plan planFor(int nfft) {
    static std::map<int, fftwf_plan> plans;
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    auto it = plans.find(nfft);
    if (it != plans.end()) return it->second;
    FloatBuf in(fftwf_alloc_real(size_t(nfft)));
    ComplexBuf out(fftwf_alloc_complex(size_t(nfft / 2 + 1)));
    fftwf_plan p = fftwf_plan_dft_r2c_1d(nfft, in.get(), out.get(), FFTW_ESTIMATE);
    if (!p) throw Error("stft", "FFTW could not plan a transform of size " + std::to_string(nfft));
    plans[nfft] = p;
    return p;
}

struct Workspace {
    int nfft;
    FloatBuf in;
    ComplexBuf out;
    explicit Workspace(int n)
        : nfft(n), in(fftwf_alloc_real(size_t(n))), out(fftwf_alloc_complex(size_t(n / 2 + 1))) {}
    void power(fftwf_plan plan, float* dst) {
        fftwf_execute_dft_r2c(plan, in.get(), out.get());
        for (int k = 0; k <= nfft / 2; ++k) dst[k] = out.get()[k][0] * out.get()[k][0] + out.get()[k][1] * out.get()[k][1];
    }
};

}  // namespace

std::vector<float> hannWindow(int n) {
    std::vector<float> w(size_t(std::max(n, 0)));
    for (int i = 0; i < n; ++i) w[size_t(i)] = float(0.5 - 0.5 * std::cos(2.0 * M_PI * i / n));
    return w;
}

void powerSpectrum(const float* frame, int nfft, float* outBins) {
    fftwf_plan plan = planFor(nfft);
    Workspace ws(nfft);
    std::copy(frame, frame + nfft, ws.in.get());
    ws.power(plan, outBins);
}

Spectrogram powerSpectrogram(const float* x, size_t n, const StftParams& p, int threads) {
    if (p.nfft < 2 || p.hop < 1) throw Error("stft", "nfft must be >= 2 and hop >= 1");
    const int win = p.win > 0 ? std::min(p.win, p.nfft) : p.nfft;
    const long pad = p.center ? p.nfft / 2 : 0;
    const bool reflect = p.center && n > size_t(pad);
    Spectrogram s;
    s.bins = size_t(p.nfft / 2 + 1);
    const long total = long(n) + 2 * pad;
    s.frames = total >= p.nfft ? size_t((total - p.nfft) / p.hop + 1) : 0;
    s.power.assign(s.frames * s.bins, 0.0f);
    if (s.frames == 0) return s;
    // The window sits centred in the nfft frame when shorter (librosa's convention).
    std::vector<float> w(size_t(p.nfft), 0.0f);
    const auto hw = hannWindow(win);
    std::copy(hw.begin(), hw.end(), w.begin() + (p.nfft - win) / 2);
    fftwf_plan plan = planFor(p.nfft);
    auto sample = [&](long i) -> float {  // index into the padded signal
        long j = i - pad;
        if (j >= 0 && j < long(n)) return x[j];
        if (!reflect) return 0.0f;
        if (j < 0) j = -j;
        if (j >= long(n)) j = 2 * (long(n) - 1) - j;
        return (j >= 0 && j < long(n)) ? x[j] : 0.0f;
    };
    auto work = [&](size_t f0, size_t f1) {
        Workspace ws(p.nfft);
        for (size_t f = f0; f < f1; ++f) {
            const long start = long(f) * p.hop;
            float* in = ws.in.get();
            if (start - pad >= 0 && start - pad + p.nfft <= long(n)) {
                const float* src = x + (start - pad);
                for (int k = 0; k < p.nfft; ++k) in[k] = src[k] * w[size_t(k)];
            } else {
                for (int k = 0; k < p.nfft; ++k) in[k] = sample(start + k) * w[size_t(k)];
            }
            ws.power(plan, s.power.data() + f * s.bins);
        }
    };
    // Blocks of at least 64 frames: smaller ones cost more to hand out than they save.
    const size_t blocks = std::min<size_t>(size_t(threads > 0 ? threads : poolThreads()), std::max<size_t>(1, s.frames / 64));
    parallelFor(blocks, [&](size_t i) { work(s.frames * i / blocks, s.frames * (i + 1) / blocks); }, int(blocks));
    return s;
}

}  // namespace srlab
