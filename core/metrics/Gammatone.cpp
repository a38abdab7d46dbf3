// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/Gammatone.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>
#include <string>

#include "util/ThreadPool.h"

namespace srlab {
namespace {

// Glasberg and Moore's ERB parameters, as Slaney's toolbox and ViSQOL use them.
constexpr double kEarQ = 9.26449, kMinBw = 24.7;

// Two bands in one value: the bands are independent, so one pass over a frame filters two of
// them in SIMD lanes (GCC/Clang vector extension; SSE2 on baseline x86-64).
typedef double V2 __attribute__((vector_size(16)));

// numpy's complex division (Smith's method with a reciprocal), not libgcc's __divdc3, so the
// band gains come out as visqol-python's do.
std::complex<double> npDivide(std::complex<double> a, std::complex<double> b) {
    const double ar = a.real(), ai = a.imag(), br = b.real(), bi = b.imag();
    if (std::abs(br) >= std::abs(bi)) {
        const double rat = bi / br, scl = 1.0 / (br + bi * rat);
        return {(ar + ai * rat) * scl, (ai - ar * rat) * scl};
    }
    const double rat = br / bi, scl = 1.0 / (bi + br * rat);
    return {(ar * rat + ai) * scl, (ai * rat - ar) * scl};
}

}  // namespace

double pairwiseSum(const double* a, size_t n) {
    return pairwiseSumOf(0, n, [a](size_t i) { return a[i]; });
}

GammatoneBank::GammatoneBank(int rate, int bands, double minFreq, double maxFreq)
    : bands_(bands), groups_((bands + 1) / 2), T_(1.0 / rate) {
    if (maxFreq > rate / 2.0) maxFreq = rate / 2.0;
    const double T = T_;
    const size_t padded = size_t(groups_) * 2;
    for (auto* c : {&first_, &b1_[0], &b1_[1], &b1_[2], &b1_[3], &a1_, &a2_}) c->assign(padded, 0.0);
    // The expressions keep visqol-python's evaluation order (gammatone.py make_erb_filters) so
    // the coefficients match it to the last bit or two.
    const double sq = std::sqrt(3.0 + std::pow(2.0, 1.5)), sqn = std::sqrt(3.0 - std::pow(2.0, 1.5));
    const double p1 = std::pow(2.0, 3.0 / 2.0), s1 = std::sqrt(3.0 - p1), s2 = std::sqrt(3.0 + p1);
    const double e = (-std::log(maxFreq + kEarQ * kMinBw) + std::log(minFreq + kEarQ * kMinBw)) / bands;
    for (int k = 0; k < bands; ++k) {
        // ERBSpace lists the highest centre first; ViSQOL flips the bank so band 0 is lowest.
        const double cf = -(kEarQ * kMinBw) + std::exp(double(k + 1) * e) * (maxFreq + kEarQ * kMinBw);
        const size_t j = size_t(bands - 1 - k);
        const double erb = cf / kEarQ + kMinBw;
        const double B = 1.019 * 2.0 * M_PI * erb;
        const double expBT = std::exp(B * T);
        const double arg = 2.0 * cf * M_PI * T;
        const double b1 = std::sin(arg) * T;
        const double bPos = b1 * 2.0 * sq, bNeg = b1 * 2.0 * sqn;
        const double a = std::cos(arg) * 2.0 * T;
        const double A11 = -(a / expBT + bPos / expBT) / 2.0, A12 = -(a / expBT - bPos / expBT) / 2.0;
        const double A13 = -(a / expBT + bNeg / expBT) / 2.0, A14 = -(a / expBT - bNeg / expBT) / 2.0;
        using C = std::complex<double>;
        const double theta = 4.0 * cf * M_PI * T;
        const C xExp(std::cos(theta), std::sin(theta));
        const C x01 = -2.0 * xExp * T;
        const C x02 = 2.0 * (std::exp(-B * T) * C(std::cos(arg), std::sin(arg))) * T;
        const double xCos = std::cos(arg), xSin = std::sin(arg);
        const C x1 = x01 + x02 * (xCos - s1 * xSin), x2 = x01 + x02 * (xCos + s1 * xSin);
        const C x3 = x01 + x02 * (xCos - s2 * xSin), x4 = x01 + x02 * (xCos + s2 * xSin);
        const C x5 = -2.0 / std::exp(2.0 * B * T) - 2.0 * xExp + 2.0 * (1.0 + xExp) / std::exp(B * T);
        const C x5sq = x5 * x5;
        const double gain = std::abs(npDivide(x1 * x2 * x3 * x4, x5sq * x5sq));
        first_[j] = T / gain;
        b1_[0][j] = A11 / gain, b1_[1][j] = A12, b1_[2][j] = A13, b1_[3][j] = A14;
        a1_[j] = -2.0 * std::cos(arg) / expBT;
        a2_[j] = std::exp(-2.0 * B * T);
    }
}

GammatoneSpectrogram GammatoneBank::build(const SampleView& x, size_t window, size_t hop) const {
    const size_t n = x.size();
    if (n <= window)
        throw std::runtime_error("ViSQOL: too few samples (" + std::to_string(n) + ") for a spectrogram (more than " +
                                 std::to_string(window) + " needed)");
    GammatoneSpectrogram s;
    s.bands = bands_;
    s.frames = 1 + (n - window) / hop;
    s.v.assign(size_t(bands_) * s.frames, 0.0);
    std::vector<double> hann(window);
    for (size_t i = 0; i < window; ++i) hann[i] = 0.5 - 0.5 * std::cos(2.0 * M_PI * double(i) / double(window - 1));
    // Every frame is filtered from rest, so frames are independent: blocks of them on the pool
    // (the filterbank is most of ViSQOL's time), each writing only its own columns.
    constexpr size_t kBlock = 32;
    parallelFor((s.frames + kBlock - 1) / kBlock, [&](size_t blk) {
        std::vector<double> frame(window);
        for (size_t fr = blk * kBlock; fr < std::min(s.frames, (blk + 1) * kBlock); ++fr) {
            const size_t start = fr * hop;
            for (size_t i = 0; i < window; ++i) frame[i] = x[start + i] * hann[i];
            for (int g = 0; g < groups_; ++g) {
                const size_t j = size_t(g) * 2;
                auto pair = [j](const std::vector<double>& c) { return V2{c[j], c[j + 1]}; };
                const V2 a1 = pair(a1_), a2 = pair(a2_), first = pair(first_), b0 = {T_, T_};
                const V2 b1[4] = {pair(b1_[0]), pair(b1_[1]), pair(b1_[2]), pair(b1_[3])};
                // scipy.signal.lfilter's transposed direct form II in its order of operations,
                // y = z0 + b0 x; z0 = (z1 + b1 x) - a1 y; z1 = b2 x - a2 y, with b2 = 0 in every
                // stage: z1 is then exactly -(a2 y), kept as p = a2 y.
                V2 z0 = {}, z1 = {}, z2 = {}, z3 = {}, p0 = {}, p1 = {}, p2 = {}, p3 = {}, energy = {};
                for (size_t i = 0; i < window; ++i) {
                    const V2 x0 = {frame[i], frame[i]};
                    const V2 y0 = z0 + first * x0;
                    z0 = (b1[0] * x0 - p0) - a1 * y0, p0 = a2 * y0;
                    const V2 y1 = z1 + b0 * y0;
                    z1 = (b1[1] * y0 - p1) - a1 * y1, p1 = a2 * y1;
                    const V2 y2 = z2 + b0 * y1;
                    z2 = (b1[2] * y1 - p2) - a1 * y2, p2 = a2 * y2;
                    const V2 y3 = z3 + b0 * y2;
                    z3 = (b1[3] * y2 - p3) - a1 * y3, p3 = a2 * y3;
                    energy += y3 * y3;
                }
                for (int k = 0; k < 2 && int(j) + k < bands_; ++k) s.row(int(j) + k)[fr] = std::sqrt(energy[k] / double(window));
            }
        }
    });
    return s;
}

void prepareForComparison(GammatoneSpectrogram& ref, GammatoneSpectrogram& deg) {
    const double eps = std::numeric_limits<double>::epsilon();
    for (auto* s : {&ref, &deg})
        for (double& v : s->v) v = std::max(10.0 * std::log10(std::abs(v) == 0 ? eps : std::abs(v)), -45.0);
    const size_t common = std::min(ref.frames, deg.frames);
    for (size_t f = 0; f < common; ++f) {
        double peak = -std::numeric_limits<double>::infinity();
        for (int b = 0; b < ref.bands; ++b) peak = std::max({peak, ref.row(b)[f], deg.row(b)[f]});
        const double floor = peak - 45.0;
        for (int b = 0; b < ref.bands; ++b) {
            ref.row(b)[f] = std::max(ref.row(b)[f], floor);
            deg.row(b)[f] = std::max(deg.row(b)[f], floor);
        }
    }
    const double lowest = std::min(*std::min_element(ref.v.begin(), ref.v.end()),
                                   *std::min_element(deg.v.begin(), deg.v.end()));
    for (auto* s : {&ref, &deg})
        for (double& v : s->v) v -= lowest;
}

}  // namespace srlab
