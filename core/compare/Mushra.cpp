// SPDX-License-Identifier: GPL-3.0-or-later
#include "compare/Mushra.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "dsp/LowBand.h"
#include "util/Error.h"

namespace srlab {
namespace {

std::string field(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// One CSV line's fields (RFC 4180 quoting).
std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else out.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else if (c != '\r') {
            out.back() += c;
        }
    }
    return out;
}

std::string seconds(size_t frames, int rate) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", double(frames) / rate);
    return b;
}

}  // namespace

MushraSession::MushraSession(std::vector<std::string> conditions, std::vector<MushraExcerpt> excerpts,
                             std::string listener, std::string file, int rate, uint64_t seed)
    : conditions_(std::move(conditions)), excerpts_(std::move(excerpts)), listener_(std::move(listener)),
      file_(std::move(file)), rate_(rate), rng_(seed) {
    if (conditions_.empty() || conditions_[0] != kMushraReference) throw Error("MUSHRA", "the first condition must be the hidden reference");
    if (excerpts_.empty()) throw Error("MUSHRA", "no excerpt to rate");
    draw();
}

void MushraSession::draw() {
    order_.resize(conditions_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::shuffle(order_.begin(), order_.end(), rng_);
    scores_.assign(conditions_.size(), -1);
}

void MushraSession::rate(size_t slot, int score) {
    if (finished() || slot >= scores_.size()) return;
    scores_[slot] = std::clamp(score, 0, 100);
}

std::string MushraSession::next() {
    if (finished()) return "the test is over";
    const auto unrated = size_t(std::count(scores_.begin(), scores_.end(), -1));
    if (unrated) return "rate every condition (" + std::to_string(unrated) + " not yet rated)";
    if (*std::max_element(scores_.begin(), scores_.end()) < 100)
        return "one condition (the one that sounds like the reference) must be rated 100";
    const MushraExcerpt& e = excerpts_[trial_];
    for (size_t s = 0; s < scores_.size(); ++s)
        ratings_.push_back({listener_, file_, seconds(e.from, rate_) + "-" + seconds(e.to, rate_),
                            conditions_[order_[s]], int(trial_) + 1, scores_[s]});
    ++trial_;
    if (!finished()) draw();
    return {};
}

std::vector<MushraExcerpt> spreadExcerpts(size_t frames, int rate, size_t count, double secondsEach) {
    const size_t len = std::min(frames, size_t(secondsEach * rate));
    std::vector<MushraExcerpt> out;
    if (len == 0 || count == 0) return out;
    count = std::min(count, std::max<size_t>(1, frames / len));
    for (size_t i = 0; i < count; ++i) {
        // Centred in equal parts of the signal.
        const size_t part = frames / count, from = i * part + (part - std::min(part, len)) / 2;
        out.push_back({from, std::min(frames, from + len)});
    }
    return out;
}

std::string mushraCsvHeader() { return "listener,file,excerpt,trial,condition,score\n"; }

std::string mushraCsvRows(const std::vector<MushraRating>& rows) {
    std::string out;
    for (const auto& r : rows)
        out += field(r.listener) + "," + field(r.file) + "," + field(r.excerpt) + "," + std::to_string(r.trial) + "," +
               field(r.condition) + "," + std::to_string(r.score) + "\n";
    return out;
}

std::vector<MushraRating> parseMushraCsv(const std::string& text, const std::string& source) {
    std::vector<MushraRating> rows;
    std::istringstream in(text);
    std::string line;
    size_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty() || line == "\r") continue;
        if (lineNo == 1) {
            if (line.rfind("listener,file,excerpt,trial,condition,score", 0) != 0)
                throw Error(source, "is not a MUSHRA results file (its first line is not the header)");
            continue;
        }
        const auto f = splitCsv(line);
        if (f.size() != 6) throw Error(source, "line " + std::to_string(lineNo) + ": expected 6 fields, found " + std::to_string(f.size()));
        MushraRating r{f[0], f[1], f[2], f[4], 0, 0};
        try {
            size_t used = 0;
            r.trial = std::stoi(f[3], &used);
            r.score = std::stoi(f[5], &used);
            if (used != f[5].size() || r.score < 0 || r.score > 100) throw std::invalid_argument("score");
        } catch (const std::exception&) {
            throw Error(source, "line " + std::to_string(lineNo) + ": the trial and score must be whole numbers, the score 0-100");
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

double studentT95(size_t df) {
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                    2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                    2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df == 0) return NAN;
    if (df <= 30) return table[df - 1];
    // Cornish-Fisher expansion around the normal quantile: within 1e-4 above 30 degrees.
    const double z = 1.959964, d = double(df);
    return z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d) +
           (3 * std::pow(z, 7) + 19 * std::pow(z, 5) + 17 * z * z * z - 15 * z) / (384 * d * d * d);
}

MushraSummary summariseMushra(const std::vector<MushraRating>& rows) {
    // Post-screening: per listener, the trials (file, excerpt, trial) whose hidden reference
    // got less than 90.
    std::map<std::string, std::set<std::string>> trials, low;
    std::vector<std::string> listeners;
    for (const auto& r : rows) {
        if (!trials.count(r.listener)) listeners.push_back(r.listener);
        const std::string t = r.file + "|" + r.excerpt + "|" + std::to_string(r.trial);
        trials[r.listener].insert(t);
        if (r.condition == kMushraReference && r.score < 90) low[r.listener].insert(t);
    }
    MushraSummary s;
    std::set<std::string> out;
    for (const auto& l : listeners) {
        const bool exclude = double(low[l].size()) > 0.15 * double(trials[l].size());
        (exclude ? s.excluded : s.kept).push_back(l);
        if (exclude) out.insert(l);
    }
    std::vector<std::string> order;
    std::map<std::string, std::vector<double>> scores;
    for (const auto& r : rows) {
        if (!scores.count(r.condition)) order.push_back(r.condition), scores[r.condition];
        if (!out.count(r.listener)) scores[r.condition].push_back(r.score);
    }
    for (const auto& c : order) {
        const auto& v = scores[c];
        MushraStat st{c, v.size(), NAN, NAN};
        if (!v.empty()) {
            double sum = 0;
            for (double x : v) sum += x;
            st.mean = sum / double(v.size());
            if (v.size() > 1) {
                double ss = 0;
                for (double x : v) ss += (x - st.mean) * (x - st.mean);
                st.ci95 = studentT95(v.size() - 1) * std::sqrt(ss / double(v.size() - 1)) / std::sqrt(double(v.size()));
            }
        }
        s.stats.push_back(st);
    }
    return s;
}

std::string MushraSummary::toText() const {
    std::ostringstream o;
    o << "listeners kept " << kept.size() << ", left out " << excluded.size()
      << " (hidden reference below 90 in more than 15 % of their trials)";
    for (const auto& l : excluded) o << (l == excluded.front() ? ": " : ", ") << l;
    o << "\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-40s %5s %7s %8s\n", "condition", "n", "mean", "95% CI");
    o << line;
    for (const auto& st : stats) {
        char ci[32] = "-";
        if (!std::isnan(st.ci95)) std::snprintf(ci, sizeof ci, "+-%.1f", st.ci95);
        std::snprintf(line, sizeof line, "%-40s %5zu %7.1f %8s\n", st.condition.c_str(), st.n, st.mean, ci);
        o << line;
    }
    return o.str();
}

Samples makeMushraAnchor(const SampleBuffer& reference, int rate, double cutoffHz, const std::string& path,
                         const CancelToken& cancel) {
    // The low-band crossover's low-pass alone (its "model" side silent): half gain at the cutoff.
    LowBandEdge e = lowBandEdgeAt(0, rate);
    e.widthHz = 0.05 * cutoffHz;
    e.edgeHz = cutoffHz + e.widthHz / 2;
    LowBandMixer filter(lowBandTaps(rate, e));
    SampleWriter out(path);
    const SampleSink sink = [&out](const float* y, size_t n) { out.write(y, n); };
    std::vector<float> block, zeros;
    for (size_t at = 0; at < reference.size(); at += block.size()) {
        cancel.throwIfCancelled();
        block = reference.copy(at, std::min<size_t>(1 << 16, reference.size() - at));
        zeros.assign(block.size(), 0.0f);
        filter.pushInput(block.data(), block.size(), sink);
        filter.pushModel(zeros.data(), zeros.size(), sink);
    }
    filter.finish(sink);
    return out.finish();
}

}  // namespace srlab
