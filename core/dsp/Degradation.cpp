// SPDX-License-Identifier: GPL-3.0-or-later
#include "dsp/Degradation.h"

#include <liquid/liquid.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "audio/Codec.h"
#include "audio/Resampler.h"
#include "util/Error.h"

namespace srlab {
namespace {

const std::vector<std::string> kIirFamilies{"cheby1", "cheby2", "butter", "ellip", "bessel"};
const std::vector<std::string> kAllFilters{"cheby", "sinc", "none", "cheby1", "cheby2", "butter", "ellip", "bessel", "kaiser", "soxr"};

bool isIir(const std::string& f) { return std::find(kIirFamilies.begin(), kIirFamilies.end(), f) != kIirFamilies.end(); }

// Pass-band ripple and stop-band attenuation of the IIR families (fixed, so a text form is a
// whole description): a 0.1 dB ripple and 60 dB stop band, as common resampler designs use.
constexpr float kPassRippleDb = 0.1f, kStopDb = 60.0f;

std::vector<Biquad> designIir(const std::string& family, int order, double fc) {
    liquid_iirdes_filtertype t = LIQUID_IIRDES_BUTTER;
    if (family == "cheby1") t = LIQUID_IIRDES_CHEBY1;
    else if (family == "cheby2") t = LIQUID_IIRDES_CHEBY2;
    else if (family == "ellip") t = LIQUID_IIRDES_ELLIP;
    else if (family == "bessel") t = LIQUID_IIRDES_BESSEL;
    const int sections = (order + 1) / 2;
    std::vector<float> b(size_t(3 * sections)), a(size_t(3 * sections));
    if (liquid_iirdes(t, LIQUID_IIRDES_LOWPASS, LIQUID_IIRDES_SOS, unsigned(order), float(fc), 0.0f, kPassRippleDb,
                      kStopDb, b.data(), a.data()) != 0)
        throw Error("degradation", "cannot design a " + family + " filter of order " + std::to_string(order));
    std::vector<Biquad> sos;
    for (int s = 0; s < sections; ++s) {
        const double a0 = a[size_t(3 * s)];
        sos.push_back({b[size_t(3 * s)] / a0, b[size_t(3 * s + 1)] / a0, b[size_t(3 * s + 2)] / a0, a[size_t(3 * s + 1)] / a0,
                       a[size_t(3 * s + 2)] / a0});
    }
    return sos;
}

// One causal pass (transposed direct form II per section), zero initial state.
// Kaiser-windowed sinc at `cutoff` (fraction of the high rate's Nyquist), evaluated at every
// scale-th output sample only (zero-phase; zeros beyond the ends).
std::vector<float> firDecimate(const std::vector<float>& x, int scale, double cutoff) {
    const int half = 16 * scale;
    const auto h = kaiserSincLowpass(cutoff, half, 8.0);
    std::vector<float> out((x.size() + size_t(scale) - 1) / size_t(scale));
    const ptrdiff_t n = ptrdiff_t(x.size());
    for (size_t k = 0; k < out.size(); ++k) {
        const ptrdiff_t c = ptrdiff_t(k) * scale;
        double acc = 0;
        for (ptrdiff_t j = -half; j <= half; ++j) {
            const ptrdiff_t i = c - j;
            if (i >= 0 && i < n) acc += double(h[size_t(j + half)]) * x[size_t(i)];
        }
        out[k] = float(acc);
    }
    return out;
}

uint64_t splitmix(uint64_t& s) {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
double uniform(uint64_t& s) { return double(splitmix(s) >> 11) * (1.0 / 9007199254740992.0); }

uint64_t hashText(const std::string& t) {  // FNV-1a
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : t) h = (h ^ c) * 1099511628211ULL;
    return h;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

double parseNumber(const std::string& s, const std::string& text) {
    try {
        size_t used = 0;
        const double v = std::stod(s, &used);
        if (used == s.size() && std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
    throw Error("degradation '" + text + "'", "'" + s + "' is not a number");
}

std::vector<std::string> splitOn(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string part;
    while (std::getline(ss, part, sep)) out.push_back(part);
    return out;
}

}  // namespace

Degradation Degradation::fixed(DecimFilter f) {
    Degradation d;
    d.filter = srlab::toString(f);
    return d;
}

bool Degradation::operator==(const Degradation& o) const { return toString() == o.toString(); }

std::string Degradation::toString() const {
    std::string s = filter;
    if (isIir(filter)) s += ":" + std::to_string(order);
    if ((isIir(filter) || filter == "kaiser") && cutoff != 1.0) s += "@" + num(cutoff);
    if (isIir(filter) && minPhase) s += "/min";
    if (gainDb != 0) s += "+gain:" + num(gainDb);
    if (noiseDbfs > -200) s += "+noise:" + num(noiseDbfs);
    if (!codec.empty()) s += "+" + codec + ":" + num(codecQuality);
    return s;
}

Degradation Degradation::parse(const std::string& text) {
    const std::string what = "degradation '" + text + "'";
    auto parts = splitOn(text, '+');
    if (parts.empty() || parts[0].empty()) throw Error(what, "no filter given");
    Degradation d;
    std::string f = parts[0];
    if (auto slash = f.find('/'); slash != std::string::npos) {
        const std::string phase = f.substr(slash + 1);
        if (phase != "min" && phase != "zero") throw Error(what, "phase must be /min or /zero");
        d.minPhase = phase == "min";
        f.erase(slash);
    }
    if (auto at = f.find('@'); at != std::string::npos) {
        d.cutoff = parseNumber(f.substr(at + 1), text);
        f.erase(at);
    }
    if (auto colon = f.find(':'); colon != std::string::npos) {
        d.order = int(parseNumber(f.substr(colon + 1), text));
        f.erase(colon);
    }
    d.filter = f;
    if (std::find(kAllFilters.begin(), kAllFilters.end(), f) == kAllFilters.end())
        throw Error(what, "unknown filter '" + f + "' (cheby, sinc, none, cheby1, cheby2, butter, ellip, bessel, kaiser, soxr)");
    if (isIir(f) && (d.order < 1 || d.order > 12)) throw Error(what, "order must be 1..12");
    if (!(d.cutoff > 0.1 && d.cutoff <= 1.2)) throw Error(what, "cutoff must be in (0.1, 1.2] of the new Nyquist");
    for (size_t i = 1; i < parts.size(); ++i) {
        const auto kv = splitOn(parts[i], ':');
        if (kv.size() != 2) throw Error(what, "'" + parts[i] + "' is not KEY:VALUE");
        const double v = parseNumber(kv[1], text);
        if (kv[0] == "gain") {
            if (std::abs(v) > 40) throw Error(what, "gain must be within +-40 dB");
            d.gainDb = v;
        } else if (kv[0] == "noise") {
            if (v > 0) throw Error(what, "noise level must be <= 0 dBFS");
            d.noiseDbfs = v;
        } else if (kv[0] == "mp3" || kv[0] == "opus" || kv[0] == "vorbis") {
            if (!(v >= 0 && v <= 1)) throw Error(what, "codec quality must be in [0, 1]");
            d.codec = kv[0];
            d.codecQuality = v;
        } else {
            throw Error(what, "unknown step '" + kv[0] + "' (gain, noise, mp3, opus, vorbis)");
        }
    }
    return d;
}

size_t minDegradeLength(const Degradation& d) {
    if (d.filter == "cheby") return minDecimateLength(DecimFilter::Cheby);
    if (isIir(d.filter) && !d.minPhase) return size_t(3 * (2 * ((d.order + 1) / 2) + 1)) + 1;  // filtfilt's padding
    return 1;
}

Degraded degrade(std::vector<float>& hi, int rate, int scale, const Degradation& d, int threads) {
    if (scale < 1 || hi.size() % size_t(scale) != 0) throw Error("degradation", "length is not a multiple of the scale");
    if (hi.size() < minDegradeLength(d))
        throw Error("", "too short to filter (" + std::to_string(hi.size()) + " samples)");
    if (d.gainDb != 0) {
        const float g = float(std::pow(10.0, d.gainDb / 20.0));
        for (float& v : hi) v *= g;
    }
    Degraded out;
    const double lowRate = double(rate) / scale;
    if (d.isFixedFilter()) {
        out.low = decimate(hi, scale, parseDecimFilter(d.filter), threads);
    } else if (d.filter == "soxr") {
        out.low = resample(hi, rate, lowRate, ResampleQuality::VeryHigh);
        out.low.resize(hi.size() / size_t(scale), 0.0f);
    } else if (d.filter == "kaiser") {
        out.low = firDecimate(hi, scale, std::min(1.0, d.cutoff) / scale);
    } else {
        const auto sos = designIir(d.filter, d.order, 0.5 * d.cutoff / scale);
        if (d.minPhase) {
            const auto y = sosfilt(sos, hi, threads);
            // A causal filter delays as well as disperses. Resamplers compensate their latency,
            // so the bulk delay is taken out (the lag that best aligns the output with the
            // input); the phase dispersion around the cutoff stays.
            const size_t shift = size_t(std::max(0, alignmentLag(hi, y, 64 * scale)));
            out.low.resize(hi.size() / size_t(scale));
            for (size_t k = 0; k < out.low.size(); ++k) {
                const size_t i = k * size_t(scale) + shift;
                out.low[k] = i < y.size() ? y[i] : 0.0f;
            }
        } else {
            out.low = sosfiltfiltDecimate(sos, hi, scale, threads);
        }
    }
    if (d.noiseDbfs > -200) {
        uint64_t s = hashText(d.toString()) ^ uint64_t(out.low.size());
        const double sigma = std::pow(10.0, d.noiseDbfs / 20.0);
        for (size_t i = 0; i + 1 < out.low.size(); i += 2) {  // Box-Muller, two at a time
            const double u1 = std::max(uniform(s), 1e-300), u2 = uniform(s);
            const double r = sigma * std::sqrt(-2.0 * std::log(u1));
            out.low[i] += float(r * std::cos(2 * M_PI * u2));
            out.low[i + 1] += float(r * std::sin(2 * M_PI * u2));
        }
    }
    if (!d.codec.empty()) {
        const int lr = int(std::lround(lowRate));
        auto r = codecRoundTrip(out.low, lr, parseCodec(d.codec), d.codecQuality);
        out.low = std::move(r.audio);
        out.codecKbps = r.kbps;
    }
    return out;
}

bool degradationStreams(const Degradation& d) {
    return d.codec.empty() && d.noiseDbfs <= -200 && !(isIir(d.filter) && d.minPhase);
}

DegradeStream::DegradeStream(size_t length, int rate, int scale, const Degradation& d)
    : length_(length), rate_(rate), scale_(scale), d_(d) {
    if (!degradationStreams(d)) throw Error("degradation", d.toString() + " needs the whole signal");
    d_.gainDb = 0;  // applied by the caller
    // Context either side of a segment: past every filter's settling (both passes of a
    // zero-phase IIR), with a margin; a multiple of the scale, so segments keep the phase.
    size_t settle = 0;
    if (d.filter == "cheby") settle = iirSettleLength(chebyDecimationFilter(scale));
    else if (isIir(d.filter)) settle = iirSettleLength(designIir(d.filter, d.order, 0.5 * d.cutoff / scale));
    if (isIir(d.filter) || d.filter == "cheby") {
        if (settle == 0) throw Error("degradation", d.toString() + " is not a stable filter");
    }
    const size_t s = size_t(scale);
    // (FIR taps reach 32 scale samples either side.)
    context_ = (std::max({size_t(65536), 2 * settle + 1024, 64 * s}) + s - 1) / s * s;
    segment_ = std::max(s, (size_t(1) << 20) / s * s);
}

void DegradeStream::segment(size_t to, const SampleSink& low) {
    const size_t from = done_ > context_ ? done_ - context_ : 0, end = std::min(length_, to + context_);
    std::vector<float> window(hi_.begin() + long(from - base_), hi_.begin() + long(end - base_));
    const Degraded out = degrade(window, rate_, scale_, d_, 0);
    const size_t s = size_t(scale_);
    low(out.low.data() + (done_ - from) / s, (to - done_) / s);
    done_ = to;
    const size_t keep = done_ > context_ ? done_ - context_ : 0;
    hi_.erase(hi_.begin(), hi_.begin() + long(keep - base_));
    base_ = keep;
}

void DegradeStream::push(const float* hi, size_t n, const SampleSink& low) {
    hi_.insert(hi_.end(), hi, hi + n);
    // A segment goes once the context after it is there and it is not the last.
    while (done_ + segment_ + context_ <= base_ + hi_.size() && done_ + segment_ + context_ < length_)
        segment(done_ + segment_, low);
}

void DegradeStream::finish(const SampleSink& low) {
    if (base_ + hi_.size() != length_)
        throw Error("degradation", "stream of " + std::to_string(base_ + hi_.size()) + " samples, expected " +
                                       std::to_string(length_));
    if (done_ < length_) segment(length_, low);
}

DegradationZoo DegradationZoo::parse(const std::string& text) {
    const std::string what = "degradation zoo '" + text + "'";
    auto parts = splitOn(text, ',');
    if (parts.empty() || parts[0] != "zoo") throw Error(what, "must start with 'zoo' (e.g. zoo,codec=0.3)");
    DegradationZoo z;
    auto range = [&](const std::string& v, double* lo, double* hi) {
        const auto dash = v.find('-', 1);  // a leading minus is a sign
        *lo = parseNumber(v.substr(0, dash), text);
        *hi = dash == std::string::npos ? *lo : parseNumber(v.substr(dash + 1), text);
        if (*hi < *lo) throw Error(what, "range '" + v + "' runs backwards");
    };
    auto prob = [&](const std::string& k, const std::string& v) {
        const double p = parseNumber(v, text);
        if (!(p >= 0 && p <= 1)) throw Error(what, k + " must be a probability in [0, 1]");
        return p;
    };
    for (size_t i = 1; i < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        if (eq == std::string::npos) throw Error(what, "'" + parts[i] + "' is not KEY=VALUE");
        const std::string k = parts[i].substr(0, eq), v = parts[i].substr(eq + 1);
        if (k == "codec") z.codecP = prob(k, v);
        else if (k == "noise") z.noiseP = prob(k, v);
        else if (k == "gain") z.gainP = prob(k, v);
        else if (k == "phase") z.minPhaseP = prob(k, v);
        else if (k == "filters" || k == "codecs") {
            auto list = splitOn(v, '|');
            for (const auto& name : list) {
                if (k == "filters") Degradation::parse(name);  // throws on an unknown name
                else parseCodec(name);
            }
            if (list.empty()) throw Error(what, k + " is empty");
            (k == "filters" ? z.filters : z.codecs) = list;
        } else if (k == "orders") {
            double lo, hi;
            range(v, &lo, &hi);
            if (lo < 1 || hi > 12) throw Error(what, "orders must be within 1..12");
            z.minOrder = int(lo);
            z.maxOrder = int(hi);
        } else if (k == "cutoff") {
            range(v, &z.minCutoff, &z.maxCutoff);
            if (z.minCutoff <= 0.1 || z.maxCutoff > 1.2) throw Error(what, "cutoff must be within (0.1, 1.2]");
        } else if (k == "per") {
            if (v != "file" && v != "patch") throw Error(what, "per must be 'file' or 'patch'");
            z.perPatch = v == "patch";
        } else {
            throw Error(what, "unknown key '" + k + "' (codec, noise, gain, phase, filters, codecs, orders, cutoff, per)");
        }
    }
    return z;
}

std::string DegradationZoo::toString() const {
    auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : "|") + x;
        return s;
    };
    return "zoo,codec=" + num(codecP) + ",noise=" + num(noiseP) + ",gain=" + num(gainP) + ",phase=" + num(minPhaseP) +
           ",filters=" + join(filters) + ",codecs=" + join(codecs) + ",orders=" + std::to_string(minOrder) + "-" +
           std::to_string(maxOrder) + ",cutoff=" + num(minCutoff) + "-" + num(maxCutoff) + (perPatch ? ",per=patch" : "");
}

Degradation DegradationZoo::draw(uint64_t seed) const {
    uint64_t s = seed ^ 0x5eed5eed5eedULL;
    auto pick = [&](const std::vector<std::string>& v) { return v[size_t(uniform(s) * double(v.size())) % v.size()]; };
    auto between = [&](double lo, double hi) { return lo + (hi - lo) * uniform(s); };
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };  // a short text form
    Degradation d = Degradation::parse(pick(filters));
    if (isIir(d.filter)) {
        d.order = minOrder + int(uniform(s) * double(maxOrder - minOrder + 1));
        d.order = std::min(d.order, maxOrder);
        d.minPhase = uniform(s) < minPhaseP;
    }
    if (isIir(d.filter) || d.filter == "kaiser") d.cutoff = round3(between(minCutoff, maxCutoff));
    if (uniform(s) < gainP) d.gainDb = std::round(between(minGainDb, maxGainDb) * 10.0) / 10.0;
    if (uniform(s) < noiseP) d.noiseDbfs = std::round(between(minNoiseDbfs, maxNoiseDbfs));
    if (uniform(s) < codecP) {
        d.codec = pick(codecs);
        // Quality ranges that give bit rates met in practice (libsndfile's levels differ by codec).
        const double lo = d.codec == "opus" ? 0.75 : d.codec == "mp3" ? 0.2 : 0.1;
        const double hi = d.codec == "opus" ? 0.97 : 0.9;
        d.codecQuality = std::round(between(lo, hi) * 100.0) / 100.0;
    }
    return d;
}

std::vector<Degradation> defaultDegradationMatrix() {
    std::vector<std::string> names{"cheby", "sinc"};
    for (const char* f : {"butter", "cheby1", "cheby2", "ellip", "bessel"})
        for (int order : {4, 8}) names.push_back(std::string(f) + ":" + std::to_string(order));
    names.insert(names.end(), {"butter:2", "butter:8/min", "ellip:8/min", "ellip:6@0.9", "kaiser@0.9", "soxr",
                               "soxr+mp3:0.3", "soxr+mp3:0.7", "soxr+opus:0.8", "soxr+opus:0.95", "soxr+vorbis:0.3",
                               "soxr+vorbis:0.7"});
    std::vector<Degradation> out;
    for (const auto& n : names) out.push_back(Degradation::parse(n));
    return out;
}

}  // namespace srlab
