// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/VisqolMatch.h"

#include "metrics/Visqol.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace srlab {
namespace {

constexpr double kW[3][3] = {{0.0113033910173052, 0.0838251475442633, 0.0113033910173052},
                             {0.0838251475442633, 0.619485845753726, 0.0838251475442633},
                             {0.0113033910173052, 0.0838251475442633, 0.0113033910173052}};
const double kC1 = std::pow(0.01 * 1.0, 2), kC3 = std::pow(0.03 * 1.0, 2) / 2.0;

// Window-weighted sum over a 3x3 neighbourhood, rows and columns already edge-clamped. Every
// statistic goes through here in the same order, so cached and direct values agree bit for bit.
inline double wsum(const double* const r[3], const size_t c[3]) {
    double s = 0;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) s += kW[i][j] * r[i][c[j]];
    return s;
}
inline void wstats(const double* const r[3], const size_t c[3], double& mean, double& sq) {
    mean = 0, sq = 0;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            const double v = r[i][c[j]];
            mean += kW[i][j] * v;
            sq += kW[i][j] * (v * v);
        }
}

// SSIM's intensity x structure of one cell, in visqol-python's order of operations.
inline double cell(double mr, double sqr, double md, double sqd, double cross) {
    const double rr = mr * mr, dd = md * md, rd = mr * md;
    const double intensity = (2.0 * rd + kC1) / (rr + dd + kC1);
    const double vp = (sqr - rr) * (sqd - dd);
    return intensity * (((cross - rd) + kC3) / (vp < 0 ? kC3 : std::sqrt(vp) + kC3));
}

typedef double V2 __attribute__((vector_size(16)));
typedef double V2u __attribute__((vector_size(16), aligned(8)));
inline V2 load(const double* p) { return *reinterpret_cast<const V2u*>(p); }
inline void store(double* p, V2 v) { *reinterpret_cast<V2u*>(p) = v; }

inline V2 cell(V2 mr, V2 sqr, V2 md, V2 sqd, V2 cross) {
    const V2 c1 = {kC1, kC1}, c3 = {kC3, kC3}, two = {2.0, 2.0};
    const V2 rr = mr * mr, dd = md * md, rd = mr * md;
    const V2 intensity = (two * rd + c1) / (rr + dd + c1);
    const V2 vp = (sqr - rr) * (sqd - dd);
    const V2 root = {std::sqrt(vp[0] < 0 ? 0.0 : vp[0]), std::sqrt(vp[1] < 0 ? 0.0 : vp[1])};
    const V2 denom = {vp[0] < 0 ? kC3 : root[0] + kC3, vp[1] < 0 ? kC3 : root[1] + kC3};
    return intensity * (((cross - rd) + c3) / denom);
}

inline void clampedRows(const double* base, size_t stride, int b, int bands, const double* out[3]) {
    out[0] = base + size_t(std::max(b - 1, 0)) * stride;
    out[1] = base + size_t(b) * stride;
    out[2] = base + size_t(std::min(b + 1, bands - 1)) * stride;
}

}  // namespace

PatchMatch patchSimilarity(const double* ref, const double* deg, int bands, size_t cols) {
    PatchMatch m;
    m.bandMeans.resize(size_t(bands));
    std::vector<double> prod(size_t(bands) * cols), sim(cols);
    for (size_t i = 0; i < prod.size(); ++i) prod[i] = ref[i] * deg[i];
    for (int b = 0; b < bands; ++b) {
        const double *rr[3], *dr[3], *pr[3];
        clampedRows(ref, cols, b, bands, rr);
        clampedRows(deg, cols, b, bands, dr);
        clampedRows(prod.data(), cols, b, bands, pr);
        for (size_t c = 0; c < cols; ++c) {
            const size_t cc[3] = {c == 0 ? 0 : c - 1, c, std::min(c + 1, cols - 1)};
            double mr, sqr, md, sqd;
            wstats(rr, cc, mr, sqr);
            wstats(dr, cc, md, sqd);
            sim[c] = cell(mr, sqr, md, sqd, wsum(pr, cc));
        }
        m.bandMeans[size_t(b)] = pairwiseSum(sim.data(), cols) / double(cols);
    }
    m.similarity = pairwiseSum(m.bandMeans.data(), size_t(bands)) / double(bands);
    return m;
}

std::vector<PatchMatch> matchPatches(const GammatoneSpectrogram& ref, const std::vector<size_t>& starts,
                                     const GammatoneSpectrogram& deg, size_t P, double frameSeconds,
                                     int searchPatches) {
    const int B = ref.bands;
    const long long F = (long long)deg.frames, sw = (long long)searchPatches * (long long)P;
    const double patchSeconds = frameSeconds * double(P);
    size_t num = starts.size();
    while (num > 0 && (long long)starts[num - 1] - (long long)(P / 2) > F) --num;
    if (num == 0)
        throw VisqolUnscorable("ViSQOL: the degraded signal is too short or misaligned to cover any reference patch", true);
    if (P < 2) throw std::runtime_error("ViSQOL: patches need at least two frames");

    // The degraded spectrogram with one silent column before it and P after, which is how
    // visqol-python pads patches that run off its ends.
    const size_t ext = size_t(F) + P + 1;
    std::vector<double> D(size_t(B) * ext, 0.0);
    for (int b = 0; b < B; ++b) std::copy(deg.row(b), deg.row(b) + F, D.begin() + long(size_t(b) * ext + 1));
    auto col = [&](int b, long long j) { return D.data() + size_t(b) * ext + size_t(j + 1); };
    std::vector<std::vector<double>> R(num, std::vector<double>(size_t(B) * P));
    for (size_t p = 0; p < num; ++p) {
        if (starts[p] + P > ref.frames) throw std::logic_error("ViSQOL: reference patch past the spectrogram");
        for (int b = 0; b < B; ++b)
            std::copy(ref.row(b) + starts[p], ref.row(b) + starts[p] + P, R[p].begin() + long(size_t(b) * P));
    }

    // Scores of the previous and current rows over their offset bands; a whole backtrace row
    // per patch. Outside its band a row reads as visqol-python's initial table: 0 and -1.
    std::vector<long long> low(num), high(num);
    std::vector<std::vector<int32_t>> back(num);
    std::vector<double> prev, cur, prefVal;
    std::vector<long long> prefIdx;
    std::vector<double> muR(size_t(B) * P), sqR(size_t(B) * P), Q(size_t(B) * P), sim(P), bandMean(static_cast<size_t>(B));
    std::vector<double> stat[6];  // interior, left-edge and right-edge mean and mean square
    for (size_t p = 0; p < num; ++p) {
        const long long idx = (long long)starts[p];
        low[p] = std::max(0LL, idx - sw), high[p] = std::min(F - 1, idx + sw);
        const long long lo = low[p], hi = high[p], W = hi - lo + (long long)P;
        for (int b = 0; b < B; ++b) {
            const double* rr[3];
            clampedRows(R[p].data(), P, b, B, rr);
            for (size_t c = 0; c < P; ++c) {
                const size_t cc[3] = {c == 0 ? 0 : c - 1, c, std::min(c + 1, P - 1)};
                wstats(rr, cc, muR[size_t(b) * P + c], sqR[size_t(b) * P + c]);
            }
        }
        // Degraded statistics per column of this patch's window: a patch's inner columns
        // see the same neighbourhood at any offset, its first and last see their edge copies.
        for (auto& s : stat) s.assign(size_t(B) * size_t(W), 0.0);
        for (int b = 0; b < B; ++b) {
            const double* dr[3] = {col(std::max(b - 1, 0), -1), col(b, -1), col(std::min(b + 1, B - 1), -1)};
            for (long long j = lo; j < lo + W; ++j) {
                const size_t k = size_t(b) * size_t(W) + size_t(j - lo), u = size_t(j + 1);
                const size_t in[3] = {u - 1, u, u + 1}, left[3] = {u, u, u + 1}, right[3] = {u - 1, u, u};
                wstats(dr, in, stat[0][k], stat[1][k]);
                wstats(dr, left, stat[2][k], stat[3][k]);
                wstats(dr, right, stat[4][k], stat[5][k]);
            }
        }
        // Best previous score strictly left of each offset (the rightmost of equals, as
        // visqol-python's backward scan with '>' finds it).
        if (p > 0) {
            const long long lower = low[p - 1];
            prefVal.assign(size_t(hi - lower + 1), 0.0), prefIdx.assign(size_t(hi - lower + 1), -1);
            double best = -std::numeric_limits<double>::infinity();
            long long at = -1;
            for (long long o = lower; o <= hi; ++o) {
                prefVal[size_t(o - lower)] = best, prefIdx[size_t(o - lower)] = at;
                const double v = o <= high[p - 1] ? prev[size_t(o - lower)] : 0.0;
                if (v >= best) best = v, at = o;
            }
        }
        cur.assign(size_t(hi - lo + 1), 0.0);
        back[p].assign(size_t(hi - lo + 1), -1);
        for (long long o = lo; o <= hi; ++o) {
            for (int b = 0; b < B; ++b)
                for (size_t c = 0; c < P; ++c) Q[size_t(b) * P + c] = R[p][size_t(b) * P + c] * col(b, o)[c];
            for (int b = 0; b < B; ++b) {
                const double* qr[3];
                clampedRows(Q.data(), P, b, B, qr);
                const size_t k = size_t(b) * size_t(W) + size_t(o - lo);
                const double* mr = &muR[size_t(b) * P];
                const double* sr = &sqR[size_t(b) * P];
                for (size_t c : {size_t(0), P - 1}) {
                    const size_t cc[3] = {c == 0 ? 0 : c - 1, c, std::min(c + 1, P - 1)};
                    const int st = c == 0 ? 2 : 4;
                    sim[c] = cell(mr[c], sr[c], stat[st][k + c], stat[st + 1][k + c], wsum(qr, cc));
                }
                // The inner columns two at a time: the same operations in the same order,
                // in SIMD lanes.
                size_t c = 1;
                for (; c + 2 <= P - 1; c += 2) {
                    V2 cross = {0, 0};
                    for (int i = 0; i < 3; ++i)
                        for (int j = 0; j < 3; ++j) cross += V2{kW[i][j], kW[i][j]} * load(qr[i] + c + size_t(j) - 1);
                    store(&sim[c], cell(load(mr + c), load(sr + c), load(&stat[0][k + c]), load(&stat[1][k + c]), cross));
                }
                for (; c < P - 1; ++c) {
                    const size_t cc[3] = {c - 1, c, c + 1};
                    sim[c] = cell(mr[c], sr[c], stat[0][k + c], stat[1][k + c], wsum(qr, cc));
                }
                bandMean[size_t(b)] = pairwiseSum(sim.data(), P) / double(P);
            }
            double score = pairwiseSum(bandMean.data(), size_t(B)) / double(B);
            long long past = -1;
            if (p > 0) {
                const size_t k = size_t(o - low[p - 1]);
                score += prefVal[k];
                past = prefIdx[k];
                const double same = o <= high[p - 1] ? prev[k] : 0.0;
                if (same > score) score = same, past = o;
            }
            cur[size_t(o - lo)] = score;
            back[p][size_t(o - lo)] = int32_t(past);
        }
        std::swap(prev, cur);
    }

    // The best final offset, then back along the path. An offset of -1 reads the last column,
    // as numpy's negative index does in visqol-python.
    const size_t last = num - 1;
    double top = -std::numeric_limits<double>::infinity();
    long long off = low[last];
    for (long long o = low[last]; o <= high[last]; ++o)
        if (prev[size_t(o - low[last])] > top) top = prev[size_t(o - low[last])], off = o;
    std::vector<PatchMatch> out(num);
    std::vector<double> dp(size_t(B) * P);
    for (size_t p = num; p-- > 0;) {
        for (int b = 0; b < B; ++b) std::copy(col(b, off), col(b, off) + P, dp.begin() + long(size_t(b) * P));
        PatchMatch m = patchSimilarity(R[p].data(), dp.data(), B, P);
        const long long x = off < 0 ? F - 1 : off;
        const long long from = x >= low[p] && x <= high[p] ? back[p][size_t(x - low[p])] : -1;
        if (off == from) {  // the path stayed put: this reference patch matched nothing
            m.similarity = 0;
            std::fill(m.bandMeans.begin(), m.bandMeans.end(), 0.0);
        } else {
            m.degStart = double(off) * frameSeconds;
            m.degEnd = m.degStart + patchSeconds;
        }
        m.refStart = double(starts[p]) * frameSeconds;
        m.refEnd = m.refStart + patchSeconds;
        out[p] = std::move(m);
        off = from;
    }
    return out;
}

}  // namespace srlab
