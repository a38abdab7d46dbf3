// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/VisqolAlign.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>
#include "util/FftwPlanner.h"

namespace srlab {
namespace {

struct FftwBuffer {
    fftw_complex* p;
    explicit FftwBuffer(size_t n) : p(fftw_alloc_complex(n)) {
        if (!p) throw std::bad_alloc();
    }
    ~FftwBuffer() { fftw_free(p); }
    FftwBuffer(const FftwBuffer&) = delete;
    FftwBuffer& operator=(const FftwBuffer&) = delete;
};

// Signals up to this length get their Hilbert transform from an FFT of their own length, as
// visqol-python does; longer ones through power-of-two FFTs (see longEnvelope).
constexpr size_t kDirectHilbert = size_t(1) << 20;

}  // namespace

struct EnvelopeAligner::Impl {
    // In-place complex transforms by length and direction, made on the first array of their
    // length (FFTW_ESTIMATE leaves it untouched) and reused on later ones.
    std::map<std::pair<size_t, int>, fftw_plan> plans;

    ~Impl() {
        std::lock_guard<std::mutex> lock(fftwPlannerMutex());
        for (auto& p : plans) fftw_destroy_plan(p.second);
    }
    void transform(fftw_complex* buf, size_t n, int sign) {
        const auto key = std::make_pair(n, sign);
        auto it = plans.find(key);
        fftw_plan p = it == plans.end() ? nullptr : it->second;
        if (!p) {
            std::lock_guard<std::mutex> lock(fftwPlannerMutex());
            p = fftw_plan_dft_1d(int(n), buf, buf, sign, FFTW_ESTIMATE);
            if (!p) throw std::runtime_error("ViSQOL: FFTW cannot plan a transform of " + std::to_string(n) + " points");
        }
        plans[key] = p;
        fftw_execute_dft(p, buf, buf);
    }

    // The upper envelope of x (visqol-python's upper_envelope: |analytic signal of x - mean| +
    // mean, the analytic signal by scipy.signal.hilbert's recipe) into out[i][part], using
    // work[0, n) as scratch. For signals of patch length, whose plans are kept.
    void envelope(const SampleView& x, fftw_complex* work, fftw_complex* out, int part) {
        const size_t n = x.size();
        for (size_t i = 0; i < n; ++i) work[i][0] = x[i], work[i][1] = 0.0;
        const double mean = pairwiseSumOf(0, n, [&](size_t i) { return work[i][0]; }) / double(n);
        for (size_t i = 0; i < n; ++i) work[i][0] -= mean;
        transform(work, n, FFTW_FORWARD);
        // Positive frequencies doubled, negative ones dropped, DC (and Nyquist) kept.
        const size_t half = n % 2 == 0 ? n / 2 : (n + 1) / 2;
        for (size_t k = 1; k < half; ++k) work[k][0] *= 2.0, work[k][1] *= 2.0;
        for (size_t k = n / 2 + 1; k < n; ++k) work[k][0] = work[k][1] = 0.0;
        transform(work, n, FFTW_BACKWARD);
        const double scale = 1.0 / double(n);
        for (size_t i = 0; i < n; ++i) out[i][part] = std::hypot(work[i][0] * scale, work[i][1] * scale) + mean;
    }

    // The same envelope for a whole signal, where an FFT of its own length would be costly:
    // FFTW plans for long lengths with a large prime factor (most lengths) take several times
    // the signal's memory. The length-n Hilbert transform is a circular convolution with a
    // closed-form kernel, done here as a linear one through a power-of-two FFT in z[0, p),
    // x and the kernel packed as one complex signal. Calls put(i, envelope) for every i, in
    // order, and leaves z[i][1] for i < n free for put to write.
    template <class Put>
    void longEnvelope(const SampleView& x, fftw_complex* z, const Put& put) {
        const size_t n = x.size();
        size_t p = 2;
        while (p < 2 * n) p *= 2;
        const double mean = pairwiseSumOf(0, n, [&](size_t i) { return x[i]; }) / double(n);
        for (size_t i = 0; i < n; ++i) z[i][0] = x[i] - mean, z[i][1] = 0.0;
        std::fill(z[n], z[0] + 2 * p, 0.0);
        // h[t] = (2/n) sum_{0<k<n/2} sin(2 pi k t / n), h[n - t] = -h[t], from angles up to pi/2.
        for (size_t t = 1; 2 * t <= n; ++t) {
            double h;
            if (n % 2)
                h = (t % 2 ? 1.0 / std::tan(M_PI * double(t) / double(2 * n))
                           : -std::tan(M_PI * double(t) / double(2 * n))) /
                    double(n);
            else h = t % 2 && 2 * t != n ? 2.0 / std::tan(M_PI * double(t) / double(n)) / double(n) : 0.0;
            z[t][1] = h;
            if (2 * t != n) z[n - t][1] = -h;
        }
        transform(z, p, FFTW_FORWARD);
        for (size_t k = 0; k <= p / 2; ++k) {  // X conj-split from H, then X H (Hermitian)
            const size_t q = (p - k) % p;
            const double zr = z[k][0], zi = z[k][1], wr = z[q][0], wi = z[q][1];
            const double xr = (zr + wr) * 0.5, xi = (zi - wi) * 0.5, hr = (zi + wi) * 0.5, hi = (wr - zr) * 0.5;
            const double yr = xr * hr - xi * hi, yi = xr * hi + xi * hr;
            z[k][0] = yr, z[k][1] = yi, z[q][0] = yr, z[q][1] = -yi;
        }
        transform(z, p, FFTW_BACKWARD);
        const double scale = 1.0 / double(p);
        for (size_t i = 0; i < n; ++i) put(i, std::hypot(x[i] - mean, (z[i][0] + z[i + n][0]) * scale) + mean);
    }
};

EnvelopeAligner::EnvelopeAligner() : d_(std::make_unique<Impl>()) {}
EnvelopeAligner::~EnvelopeAligner() = default;

long long EnvelopeAligner::bestLag(const SampleView& ref, const SampleView& deg) {
    const size_t longest = std::max(ref.size(), deg.size());
    if (ref.size() == 0 || deg.size() == 0) throw std::runtime_error("ViSQOL: cannot align an empty signal");
    // A power of two at or above 2 longest - 1 (visqol-python's find_best_lag takes the first):
    // room for the linear correlation, and for short signals' Hilbert transforms in its upper
    // half. That scratch starts at a multiple of 4 points, so every array a cached plan runs
    // on has the alignment of an fftw_alloc'd one (new-array execution needs that).
    const size_t scratch = (longest + 3) / 4 * 4;
    size_t m = 4;
    while (m < scratch + longest) m *= 2;
    if (m > size_t(std::numeric_limits<int>::max()))  // FFTW's lengths are int
        throw std::runtime_error("ViSQOL: signals of " + std::to_string(longest) + " samples are too long to align");
    // Both envelopes in one complex signal, reference real and degraded imaginary: one
    // forward transform gives both spectra, and their product's inverse is real.
    FftwBuffer z(m);
    if (longest <= kDirectHilbert) {
        std::fill(z.p[0], z.p[0] + 2 * longest, 0.0);
        d_->envelope(ref, z.p + scratch, z.p, 0);
        d_->envelope(deg, z.p + scratch, z.p, 1);
    } else {
        std::vector<double> envRef(ref.size());
        d_->longEnvelope(ref, z.p, [&](size_t i, double e) { envRef[i] = e; });
        d_->longEnvelope(deg, z.p, [&](size_t i, double e) { z.p[i][1] = e; });
        for (size_t i = 0; i < longest; ++i) z.p[i][0] = i < envRef.size() ? envRef[i] : 0.0;
        for (size_t i = deg.size(); i < longest; ++i) z.p[i][1] = 0.0;
    }
    std::fill(z.p[longest], z.p[0] + 2 * m, 0.0);
    d_->transform(z.p, m, FFTW_FORWARD);
    for (size_t k = 0; k <= m / 2; ++k) {
        // A = (Z[k] + conj Z[-k]) / 2 and B = (Z[k] - conj Z[-k]) / 2j; the correlation's
        // spectrum is A conj(B), Hermitian, so k and -k are filled together.
        const size_t q = (m - k) % m;
        const double zr = z.p[k][0], zi = z.p[k][1], wr = z.p[q][0], wi = z.p[q][1];
        const double ar = (zr + wr) * 0.5, ai = (zi - wi) * 0.5;
        const double br = (zi + wi) * 0.5, bi = (wr - zr) * 0.5;
        const double pr = ar * br + ai * bi, pi = ai * br - ar * bi;
        z.p[k][0] = pr, z.p[k][1] = pi;
        z.p[q][0] = pr, z.p[q][1] = -pi;
    }
    d_->transform(z.p, m, FFTW_BACKWARD);
    // Lags from -(longest - 1) up, the first maximum kept (np.argmax over visqol-python's
    // [negative lags, non-negative lags]). The scale m changes no comparison.
    const long long maxLag = (long long)longest - 1;
    long long best = -maxLag;
    double top = -std::numeric_limits<double>::infinity();
    for (long long lag = -maxLag; lag <= maxLag; ++lag) {
        const double v = z.p[lag < 0 ? (long long)m + lag : lag][0];
        if (v > top) top = v, best = lag;
    }
    return best;
}

}  // namespace srlab
