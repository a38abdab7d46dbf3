// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/DatasetStats.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "dsp/Degradation.h"
#include "util/Error.h"
#include "util/Json.h"
#include "dsp/Stft.h"

namespace srlab {
namespace {

constexpr int kStatsFft = 1024;
constexpr int kHistBins = 101;

double quantile(const std::vector<double>& sorted, double q) {
    const double pos = q * double(sorted.size() - 1);
    const size_t i = size_t(pos);
    const double f = pos - double(i);
    return i + 1 < sorted.size() ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

std::vector<double> bandEdges(int rate, int scale) {
    std::set<double> e{0.0, rate / 2.0, rate / (2.0 * scale)};
    for (double f = rate / 4.0; f >= 60; f /= 2) e.insert(f);
    return {e.begin(), e.end()};
}

// Mean power spectrum (Hann-windowed frames of kStatsFft, 50% overlap) of one signal.
std::vector<double> meanSpectrum(const float* x, size_t n) {
    StftParams p{kStatsFft, kStatsFft / 2, 0, false};
    const Spectrogram s = powerSpectrogram(x, n, p);
    std::vector<double> m(s.bins, 0.0);
    for (size_t f = 0; f < s.frames; ++f)
        for (size_t k = 0; k < s.bins; ++k) m[k] += s.at(f, k);
    for (double& v : m) v /= double(std::max<size_t>(s.frames, 1));
    return m;
}

double toDb(double p) { return 10.0 * std::log10(std::max(p, 1e-12)); }

}  // namespace

FiveNumber fiveNumber(std::vector<double> v) {
    FiveNumber f;
    if (v.empty()) return f;
    std::sort(v.begin(), v.end());
    f.min = v.front();
    f.q1 = quantile(v, 0.25);
    f.median = quantile(v, 0.5);
    f.q3 = quantile(v, 0.75);
    f.max = v.back();
    return f;
}

DatasetStats computeDatasetStats(const PatchDataset& reader, size_t maxPatches, ProgressSink& progress,
                                 const CancelToken& cancel) {
    const PairFileInfo& info = reader.info();
    const int rate = info.spec.rate;
    const double inRate = info.spec.baseline == Baseline::None ? info.spec.lowRate() : rate;
    DatasetStats out;
    out.bandEdgesHz = bandEdges(rate, info.spec.scale);
    out.specBins = kStatsFft / 2 + 1;
    const size_t nb = out.bandEdgesHz.size() - 1;
    const size_t dim = size_t(info.spec.dim), idim = size_t(info.inputDim);
    double totalWork = 0, done = 0;
    for (Split s : kSplits) totalWork += double(reader.count(s));
    // Hours of audio are the sources' (the manifest's), not the patches' (which overlap). A
    // dataset whose manifest cannot be read still gets its statistics, with the hours its
    // patches span (an upper bound) and a note saying so.
    const int sourceRate = info.spec.lowResInput ? int(std::lround(info.spec.lowRate())) : rate;
    try {
        const auto manifest = parseJson(reader.manifestJson());
        for (const auto& e : manifest.at("sources")) {
            if (!e.value("used", true)) continue;
            const Split sp = parseSplit(e.at("split").get<std::string>());
            out.splits[size_t(sp)].hours += e.value("seconds", 0.0) / 3600.0;
            if (e.value("channels", 1) > 1) ++out.downmixed;
            const int from = e.value("rate", sourceRate);
            if (from != sourceRate) {
                ++out.resampled;
                out.resampledFrom.insert(from);
            }
        }
    } catch (const std::exception&) {
        out.hoursFromPatches = true;
        out.downmixed = out.resampled = 0;
        out.resampledFrom.clear();
        for (Split s : kSplits)
            out.splits[size_t(s)].hours = double(reader.count(s)) * double(dim) / rate / 3600.0;
    }

    for (Split s : kSplits) {
        SplitStats& st = out.splits[size_t(s)];
        const size_t n = reader.count(s);
        st.patches = n;
        const auto src = reader.sources(s);
        st.sources = std::set<int32_t>(src.begin(), src.end()).size();
        st.meanSpectrumInputDb.assign(size_t(out.specBins), 0.0);
        st.meanSpectrumLabelDb.assign(size_t(out.specBins), 0.0);
        st.histogram.assign(kHistBins, 0.0);
        std::vector<std::vector<double>> bandIn(nb), bandLabel(nb);
        const size_t step = std::max<size_t>(1, n / std::max<size_t>(maxPatches, 1));
        const size_t block = 64;
        std::vector<float> in(block * idim), lab(info.hasLabel ? block * dim : 0);
        size_t sampled = 0;
        for (size_t first = 0; first < n; first += block) {
            cancel.throwIfCancelled();
            const size_t cnt = std::min(block, n - first);
            reader.read(s, first, cnt, in.data(), info.hasLabel ? lab.data() : nullptr);
            for (size_t j = 0; j < cnt; ++j) {
                const float* pi = in.data() + j * idim;
                const float* pl = info.hasLabel ? lab.data() + j * dim : nullptr;
                bool finite = std::all_of(pi, pi + idim, [](float v) { return std::isfinite(v); });
                if (pl) finite = finite && std::all_of(pl, pl + dim, [](float v) { return std::isfinite(v); });
                if (!finite) {
                    ++st.nonFinite;
                    continue;
                }
                if ((first + j) % step) continue;
                ++sampled;
                auto addBands = [&](const float* x, size_t len, double xr, std::vector<std::vector<double>>& dst,
                                    std::vector<double>& meanSpec) {
                    const auto spec = meanSpectrum(x, len);
                    for (size_t k = 0; k < spec.size(); ++k) {
                        const double hz = double(k) * xr / kStatsFft;
                        if (k < meanSpec.size() && hz <= rate / 2.0) meanSpec[k] += spec[k];
                    }
                    for (size_t b = 0; b < nb; ++b) {
                        double sum = 0;
                        int cntBins = 0;
                        for (size_t k = 0; k < spec.size(); ++k) {
                            const double hz = double(k) * xr / kStatsFft;
                            if (hz >= out.bandEdgesHz[b] && hz < out.bandEdgesHz[b + 1]) {
                                sum += spec[k];
                                ++cntBins;
                            }
                        }
                        if (cntBins) dst[b].push_back(toDb(sum / cntBins));
                    }
                };
                addBands(pi, idim, inRate, bandIn, st.meanSpectrumInputDb);
                if (pl) addBands(pl, dim, rate, bandLabel, st.meanSpectrumLabelDb);
                const float* h = pl ? pl : pi;
                const size_t hl = pl ? dim : idim;
                for (size_t k = 0; k < hl; ++k) {
                    const int b = std::clamp(int(std::lround((h[k] + 1.0) / 2.0 * (kHistBins - 1))), 0, kHistBins - 1);
                    st.histogram[size_t(b)] += 1;
                }
            }
            done += double(cnt);
            progress.progress(done, totalWork, toString(s));
        }
        for (auto* spec : {&st.meanSpectrumInputDb, &st.meanSpectrumLabelDb})
            for (double& v : *spec) v = toDb(v / double(std::max<size_t>(sampled, 1)));
        for (size_t b = 0; b < nb; ++b)
            st.bands.push_back({out.bandEdgesHz[b], out.bandEdgesHz[b + 1], fiveNumber(bandIn[b]), fiveNumber(bandLabel[b])});
    }
    return out;
}

std::string describeDataset(const PatchDataset& reader, const DatasetStats& st, size_t maxPatches) {
    const PairFileInfo& info = reader.info();
    const PairSpec& s = info.spec;
    std::string o;
    char buf[512];
    auto add = [&](const char* fmt, auto... args) {
        std::snprintf(buf, sizeof buf, fmt, args...);
        o += buf;
    };
    add("dataset %s (written by srlab %s)\n", reader.path().c_str(), info.toolVersion.c_str());
    add("  rate %d Hz, scale %d (low-res %.0f Hz), filter %s, baseline %s, dim %d, stride %d, seed %llu%s\n", s.rate,
        s.scale, s.lowRate(), toString(s.filter).c_str(), toString(s.baseline).c_str(), s.dim, s.stride,
        (unsigned long long)s.seed, info.hasLabel ? "" : ", real low-res input (no labels)");
    if (!s.degrade.empty()) {  // the buf above holds 256 characters: a zoo's text may be longer
        o += "  degradation zoo: " + DegradationZoo::parse(s.degrade).toString() + " (each file's chain in its manifest)\n";
    }
    if (st.downmixed || st.resampled) {
        std::string from;
        for (int r : st.resampledFrom) from += (from.empty() ? "" : ", ") + std::to_string(r) + " Hz";
        const int to = s.lowResInput ? int(std::lround(s.lowRate())) : s.rate;
        o += "  sources: " + std::to_string(st.downmixed) + " averaged to mono, " + std::to_string(st.resampled) +
             " resampled to " + std::to_string(to) + " Hz" + (from.empty() ? std::string() : " (from " + from + ")") + "\n";
    }
    if (st.hoursFromPatches) o += "  (the manifest lists no sources: hours are the patches' span, overlaps counted)\n";
    add("  %-6s %7s %9s %8s %11s\n", "split", "files", "patches", "hours", "non-finite");
    size_t bad = 0;
    for (Split sp : kSplits) {
        const SplitStats& x = st.splits[size_t(sp)];
        add("  %-6s %7zu %9zu %8.3f %11zu\n", toString(sp), x.sources, x.patches, x.hours, x.nonFinite);
        bad += x.nonFinite;
    }
    add("  per-band mean power per patch, dB (min / q1 / median / q3 / max; up to %zu patches per split)\n", maxPatches);
    auto five = [&](const char* label, const FiveNumber& f) {
        add("      %-6s %8.1f %8.1f %8.1f %8.1f %8.1f\n", label, f.min, f.q1, f.median, f.q3, f.max);
    };
    for (Split sp : kSplits) {
        const SplitStats& x = st.splits[size_t(sp)];
        if (!x.patches) continue;
        add("  %s\n", toString(sp));
        for (const BandStats& b : x.bands) {
            add("    %6.0f-%6.0f Hz\n", b.loHz, b.hiHz);
            five("input", b.inputDb);
            if (info.hasLabel) five("label", b.labelDb);
        }
    }
    if (bad) add("  %zu patches hold NaN or Inf\n", bad);
    else o += "  all patches finite\n";
    return o;
}

}  // namespace srlab
