// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A MUSHRA listening test (ITU-R BS.1534-3, as webMUSHRA runs it; docs/reference.md §9): in each
// trial (an excerpt of the comparison) the listener hears the open reference and rates every
// condition 0-100 on its own slider: a hidden copy of the reference, the two low-pass anchors
// (3.5 and 7 kHz) and the versions chosen, in an order drawn per trial. Results are rows of a
// CSV file that any number of sessions append to; the summary applies the standard
// post-screening (a listener who rates the hidden reference below 90 in more than 15 % of
// their trials is left out) and gives each condition's mean with its 95 % confidence interval
// (Student's t). Plain data; the anchors are made by makeMushraAnchor. Any thread, one at a time.
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "audio/Samples.h"
#include "util/CancelToken.h"

namespace srlab {

constexpr const char* kMushraReference = "hidden reference";
constexpr const char* kMushraAnchor35 = "anchor 3.5 kHz";
constexpr const char* kMushraAnchor70 = "anchor 7 kHz";

struct MushraExcerpt {
    size_t from = 0, to = 0;  // frames at the comparison's rate
};

struct MushraRating {
    std::string listener, file, excerpt, condition;  // excerpt: "12.0-22.0" (seconds)
    int trial = 0, score = 0;
};

class MushraSession {
public:
    // conditions[0] must be kMushraReference. Each excerpt is one trial.
    MushraSession(std::vector<std::string> conditions, std::vector<MushraExcerpt> excerpts, std::string listener,
                  std::string file, int rate, uint64_t seed);
    size_t trial() const { return trial_; }
    size_t trials() const { return excerpts_.size(); }
    bool finished() const { return trial_ >= excerpts_.size(); }
    const MushraExcerpt& excerpt() const { return excerpts_[trial_]; }
    size_t slotCount() const { return conditions_.size(); }
    // The condition slot s plays in this trial (an index into the conditions given).
    size_t conditionAt(size_t slot) const { return order_[slot]; }
    void rate(size_t slot, int score);  // 0..100
    int rating(size_t slot) const { return scores_[slot]; }  // -1: not yet
    // Ends the trial. Refused (the reason returned) until every slot is rated and one of them is
    // at 100, as BS.1534 asks (the hidden reference should be).
    std::string next();
    const std::vector<MushraRating>& ratings() const { return ratings_; }

private:
    void draw();
    std::vector<std::string> conditions_;
    std::vector<MushraExcerpt> excerpts_;
    std::string listener_, file_;
    int rate_;
    std::mt19937_64 rng_;
    size_t trial_ = 0;
    std::vector<size_t> order_;
    std::vector<int> scores_;
    std::vector<MushraRating> ratings_;
};

// `count` excerpts of `seconds` spread evenly over a signal of `frames` (fewer when it is short).
std::vector<MushraExcerpt> spreadExcerpts(size_t frames, int rate, size_t count, double seconds);

// The CSV: a header line, then listener,file,excerpt,trial,condition,score per rating.
std::string mushraCsvHeader();
std::string mushraCsvRows(const std::vector<MushraRating>& rows);
std::vector<MushraRating> parseMushraCsv(const std::string& text, const std::string& source);  // throws Error

struct MushraStat {
    std::string condition;
    size_t n = 0;
    double mean = 0, ci95 = 0;  // mean +- ci95
};
struct MushraSummary {
    std::vector<MushraStat> stats;  // in order of first appearance
    std::vector<std::string> kept, excluded;  // listeners
    std::string toText() const;
};
MushraSummary summariseMushra(const std::vector<MushraRating>& rows);

// Two-sided 95 % quantile of Student's t with `df` degrees of freedom.
double studentT95(size_t df);

// The reference low-passed at cutoffHz (linear phase, half gain at the cutoff), written through
// a SampleWriter to `path` (empty: in memory) a block at a time.
Samples makeMushraAnchor(const SampleBuffer& reference, int rate, double cutoffHz, const std::string& path,
                         const CancelToken& cancel);

}  // namespace srlab
