// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Decimate.h"
#include "dsp/Kaiser.h"

#include <algorithm>
#include <cmath>
#include <complex>

#include "util/Error.h"
#include "util/ThreadPool.h"

namespace srlab {
namespace {

using cd = std::complex<double>;
constexpr int kChebyOrder = 8;
constexpr double kChebyRipple = 0.05;

// scipy: padlen = 3 * (2 * n_sections + 1) when no section has a trailing zero coefficient.
size_t padLength(size_t sections) { return 3 * (2 * sections + 1); }

// Steady-state DF-II-transposed state of one section for a unit step (scipy lfilter_zi).
void unitStepState(const Biquad& s, double* z0, double* z1, double* gain) {
    const double g = (s.b0 + s.b1 + s.b2) / (1.0 + s.a1 + s.a2);
    *z1 = s.b2 - s.a2 * g;
    *z0 = s.b1 - s.a1 * g + *z1;
    *gain = g;
}

// One pass of the cascade over ext, starting in the steady state for input ext[first] (or at
// rest). Calls sink(i, y) for every output in processing order. All sections run per sample so
// the CPU overlaps the sections' dependency chains.
template <int NS, typename Get, typename Sink>
void cascade(const Biquad* sos, size_t n, Get get, Sink sink, bool steady) {
    double z0[NS], z1[NS];
    double level = steady ? get(0) : 0.0;
    for (int s = 0; s < NS; ++s) {
        double g;
        unitStepState(sos[s], &z0[s], &z1[s], &g);
        z0[s] *= level;
        z1[s] *= level;
        level *= g;
    }
    for (size_t i = 0; i < n; ++i) {
        double v = get(i);
        for (int s = 0; s < NS; ++s) {
            const Biquad& q = sos[s];
            const double y = q.b0 * v + z0[s];
            z0[s] = q.b1 * v - q.a1 * y + z1[s];
            z1[s] = q.b2 * v - q.a2 * y;
            v = y;
        }
        sink(i, v);
    }
}

template <typename Get, typename Sink>
void cascadeAny(const std::vector<Biquad>& sos, size_t n, Get get, Sink sink, bool steady = true) {
    switch (sos.size()) {
        case 4: cascade<4>(sos.data(), n, get, sink, steady); return;
        case 1: cascade<1>(sos.data(), n, get, sink, steady); return;
        case 2: cascade<2>(sos.data(), n, get, sink, steady); return;
        case 3: cascade<3>(sos.data(), n, get, sink, steady); return;
        case 5: cascade<5>(sos.data(), n, get, sink, steady); return;
        case 6: cascade<6>(sos.data(), n, get, sink, steady); return;
        default: throw Error("sosfiltfilt", "supports 1 to 6 sections");
    }
}

// Runs `pass(begin, end, start)` over [0, L) in up to one chunk per core; a chunk starts its
// recursion at `start` (<= begin) and keeps outputs from `begin`.
template <typename Pass>
void overChunks(size_t L, size_t warm, int threads, Pass pass) {
    constexpr size_t kMinChunk = size_t(1) << 20;  // below this a thread costs more than it saves
    const size_t cores = size_t(threads > 0 ? threads : poolThreads());
    const size_t chunks = warm == 0 ? 1 : std::clamp<size_t>(L / std::max(kMinChunk, 4 * warm), 1, cores);
    parallelFor(chunks, [&](size_t c) {
        const size_t b = L * c / chunks, e = L * (c + 1) / chunks;
        pass(b, e, c == 0 ? 0 : b - warm);
    }, int(chunks));
}

// Forward-backward filtering of x (scipy semantics). Each chunk of the backward pass gets its
// own emitter from makeEmit(); emit(j, y) receives the final zero-phase output for original
// index j in decreasing j order within the chunk (chunks run on several threads).
template <typename X, typename MakeEmit>
void filtfilt(const std::vector<Biquad>& sos, const X& x, size_t n, MakeEmit makeEmit, int threads = 0) {
    const size_t edge = padLength(sos.size());
    if (n <= edge)
        throw Error("decimate", "input of " + std::to_string(n) +
                                    " samples is too short for zero-phase filtering (needs more than " +
                                    std::to_string(edge) + ")");
    const size_t L = n + 2 * edge;
    // Odd extension: 2*x[0] - x[edge..1], x, 2*x[n-1] - x[n-2..n-1-edge].
    auto ext = [&](size_t i) -> double {
        if (i < edge) return 2.0 * double(x[0]) - double(x[edge - i]);
        if (i < edge + n) return double(x[i - edge]);
        const size_t k = i - edge - n;  // 0.. edge-1
        return 2.0 * double(x[n - 1]) - double(x[n - 2 - k]);
    };
    const size_t warm = iirSettleLength(sos);
    std::vector<double> fwd(L);
    overChunks(L, warm, threads, [&](size_t b, size_t e, size_t start) {
        cascadeAny(sos, e - start, [&](size_t i) { return ext(start + i); }, [&](size_t i, double y) {
            if (start + i >= b) fwd[start + i] = y;
        });
    });
    // The backward pass runs over the reversed signal: position i is index L-1-i.
    overChunks(L, warm, threads, [&](size_t b, size_t e, size_t start) {
        auto emit = makeEmit();
        cascadeAny(sos, e - start, [&](size_t i) { return fwd[L - 1 - (start + i)]; }, [&](size_t i, double y) {
            const size_t k = L - 1 - (start + i);  // index in ext
            if (start + i >= b && k >= edge && k < edge + n) emit(k - edge, y);
        });
    });
}

}  // namespace

// Samples after which the cascade's response to its state has decayed below 1e-15: from the
// largest pole radius. A chunk that starts this far early in the steady state ends its
// warm-up in the exact state, so chunks can run in parallel. 0 when a pole is not inside the
// unit circle (then there is one chunk).
size_t iirSettleLength(const std::vector<Biquad>& sos) {
    double rho = 0;
    for (const Biquad& q : sos) {
        const double disc = q.a1 * q.a1 - 4 * q.a2;
        const double r = disc < 0 ? std::sqrt(q.a2)
                                  : std::max(std::abs(-q.a1 + std::sqrt(disc)), std::abs(-q.a1 - std::sqrt(disc))) / 2;
        rho = std::max(rho, r);
    }
    if (rho >= 1) return 0;
    return rho <= 0 ? 1 : size_t(std::ceil(std::log(1e-15) / std::log(rho)));
}

DecimFilter parseDecimFilter(const std::string& name) {
    if (name == "cheby") return DecimFilter::Cheby;
    if (name == "sinc") return DecimFilter::Sinc;
    if (name == "none") return DecimFilter::None;
    throw Error("filter", "unknown decimation filter '" + name + "' (use cheby, sinc or none)");
}

std::string toString(DecimFilter f) {
    switch (f) {
        case DecimFilter::Cheby: return "cheby";
        case DecimFilter::Sinc: return "sinc";
        case DecimFilter::None: return "none";
    }
    return "?";
}

std::vector<Biquad> cheby1Lowpass(int order, double rippleDb, double wn) {
    if (order < 2 || order % 2 || order > 12) throw Error("cheby1", "order must be even, 2..12");
    if (!(wn > 0 && wn < 1)) throw Error("cheby1", "cutoff must lie strictly between 0 and Nyquist");
    // Analog prototype (scipy cheb1ap), poles with negative real parts.
    const double eps = std::sqrt(std::pow(10.0, 0.1 * rippleDb) - 1.0);
    const double mu = std::asinh(1.0 / eps) / order;
    std::vector<cd> p;
    for (int m = -order + 1; m < order; m += 2) {
        const double theta = M_PI * m / (2.0 * order);
        p.push_back(-std::sinh(cd(mu, theta)));
    }
    cd kc(1, 0);
    for (auto& q : p) kc *= -q;
    double k = kc.real() / std::sqrt(1 + eps * eps);  // even order: passband peak at DC is 1/sqrt(1+eps^2)
    // Pre-warp (fs = 2), scale, bilinear transform with fs2 = 4.
    const double warped = 4.0 * std::tan(M_PI * wn / 2.0);
    cd denom(1, 0);
    for (auto& q : p) {
        q *= warped;
        denom *= (4.0 - q);
    }
    k *= std::pow(warped, order);
    k = k * (1.0 / denom).real();
    // Digital poles; all zeros at z = -1. Pair conjugates into sections, gain in the first.
    std::vector<Biquad> sos;
    for (const cd& q : p) {
        if (q.imag() < 0) continue;
        const cd z = (4.0 + q) / (4.0 - q);
        sos.push_back({1, 2, 1, -2 * z.real(), std::norm(z)});
    }
    // Order the sections like scipy (poles closest to the unit circle last) for similar rounding.
    std::sort(sos.begin(), sos.end(), [](const Biquad& a, const Biquad& b) { return a.a2 < b.a2; });
    sos[0].b0 *= k;
    sos[0].b1 *= k;
    sos[0].b2 *= k;
    return sos;
}

std::vector<double> sosfiltfilt(const std::vector<Biquad>& sos, const std::vector<double>& x) {
    std::vector<double> y(x.size());
    filtfilt(sos, x, x.size(), [&] { return [&](size_t j, double v) { y[j] = v; }; });
    return y;
}

std::vector<float> sosfiltfiltDecimate(const std::vector<Biquad>& sos, const std::vector<float>& x, int r, int threads) {
    const size_t step = size_t(std::max(1, r));
    std::vector<float> y((x.size() + step - 1) / step);
    // Keeps every r-th output (j % r == 0); a countdown avoids a division per sample.
    filtfilt(sos, x, x.size(), [&] {
        return [&y, step, phase = size_t(0), started = false](size_t j, double v) mutable {
            if (!started) {
                phase = j % step;
                started = true;
            }
            if (phase == 0) {
                y[j / step] = float(v);
                phase = step;
            }
            --phase;
        };
    }, threads);
    return y;
}

std::vector<float> sosfilt(const std::vector<Biquad>& sos, const std::vector<float>& x, int threads) {
    std::vector<float> y(x.size());
    // Chunks after the first start at rest `warm` samples early, where the first one really
    // started at rest: after the warm-up their state is the exact one.
    overChunks(x.size(), iirSettleLength(sos), threads, [&](size_t b, size_t e, size_t start) {
        cascadeAny(sos, e - start, [&](size_t i) { return double(x[start + i]); }, [&](size_t i, double v) {
            if (start + i >= b) y[start + i] = float(v);
        }, /*steady=*/false);
    });
    return y;
}

std::vector<float> kaiserSincLowpass(double cutoff, int half, double beta) {
    std::vector<float> h(size_t(2 * half + 1));
    const double i0b = besselI0(beta);
    double sum = 0;
    std::vector<double> hd(h.size());
    for (int k = -half; k <= half; ++k) {
        const double t = cutoff * k;
        const double sinc = k == 0 ? 1.0 : std::sin(M_PI * t) / (M_PI * t);
        const double r = double(k) / half;
        const double w = besselI0(beta * std::sqrt(std::max(0.0, 1 - r * r))) / i0b;
        hd[size_t(k + half)] = cutoff * sinc * w;
        sum += hd[size_t(k + half)];
    }
    for (size_t i = 0; i < h.size(); ++i) h[i] = float(hd[i] / sum);
    return h;
}

std::vector<Biquad> chebyDecimationFilter(int r) { return cheby1Lowpass(kChebyOrder, kChebyRipple, 0.8 / r); }

size_t minDecimateLength(DecimFilter filter) {
    return filter == DecimFilter::Cheby ? padLength(kChebyOrder / 2) + 1 : 1;
}

std::vector<float> decimate(const std::vector<float>& x, int r, DecimFilter filter, int threads) {
    if (r < 1) throw Error("decimate", "scale must be at least 1");
    const size_t n = x.size(), m = (n + size_t(r) - 1) / size_t(r);
    std::vector<float> y(m);
    if (r == 1) return x;
    switch (filter) {
        case DecimFilter::None:
            for (size_t j = 0; j < m; ++j) y[j] = x[j * size_t(r)];
            break;
        case DecimFilter::Cheby: {
            y = sosfiltfiltDecimate(cheby1Lowpass(kChebyOrder, kChebyRipple, 0.8 / r), x, r, threads);
            break;
        }
        case DecimFilter::Sinc: {
            // 32 zero crossings each side; beta 8.6 gives about 90 dB stop-band attenuation.
            const int half = 32 * r;
            const auto h = kaiserSincLowpass(1.0 / r, half, 8.6);
            const long N = long(n);
            for (size_t j = 0; j < m; ++j) {
                const long c = long(j) * r;
                float acc = 0;
                if (c - half >= 0 && c + half < N) {
                    const float* xp = x.data() + (c - half);
                    for (size_t k = 0; k < h.size(); ++k) acc += h[k] * xp[k];
                } else {  // zero padding at the edges
                    for (long k = -half; k <= half; ++k) {
                        const long i = c + k;
                        if (i >= 0 && i < N) acc += h[size_t(k + half)] * x[size_t(i)];
                    }
                }
                y[j] = acc;
            }
            break;
        }
    }
    return y;
}

}  // namespace srlab
