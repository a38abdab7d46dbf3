// SPDX-License-Identifier: GPL-3.0-or-later
#include "metrics/VisqolSums.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "audio/Resampler.h"
#include "util/Error.h"

namespace srlab {
namespace fs = std::filesystem;

VisqolSums::VisqolSums(size_t length, int rate)
    : length_(length),
      segments_(std::max<size_t>(1, size_t(std::ceil(double(length) / (kSegmentSeconds * rate))))),
      rate_(rate) {}

void VisqolSums::add(const float* y, const float* yh, size_t n) {
    while (n > 0 && segment_ < segments_) {
        // Segment s is [s n / k, (s + 1) n / k): equal to a sample, whatever the length.
        const size_t end = size_t((unsigned __int128)length_ * (segment_ + 1) / segments_);
        const size_t take = std::min(n, end - done_);
        y_.insert(y_.end(), y, y + take);
        yh_.insert(yh_.end(), yh, yh + take);
        y += take, yh += take, n -= take, done_ += take;
        if (done_ == end) score();
    }
}

void VisqolSums::score() {
    const VisqolMode mode = modeFor(rate_);
    const int to = visqolRate(mode);
    const std::string model = mode == VisqolMode::Audio ? visqolModelPath() : std::string();  // missing: said, not skipped
    try {
        const std::vector<float> y = to == rate_ ? std::move(y_) : resample(y_, rate_, to);
        const std::vector<float> yh = to == rate_ ? std::move(yh_) : resample(yh_, rate_, to);
        sum_ += visqol(y.data(), y.size(), yh.data(), yh.size(), mode, model).mos;
        ++scored_;
    } catch (const VisqolUnscorable& e) {
        // A reference ViSQOL cannot score (too short, silent) leaves the segment out; an
        // estimate it cannot score (silent: a truncated output's zero padding) is the worst.
        if (e.degraded) sum_ += 1.0, ++scored_;
    }
    y_.clear();
    yh_.clear();
    ++segment_;
}

double VisqolSums::result() const {
    return scored_ > 0 ? sum_ / double(scored_) : std::numeric_limits<double>::quiet_NaN();
}

const std::string& visqolModelPath() {
    static const std::string path = [] {
        const std::string name = "libsvm_nu_svr_model.txt";
        std::vector<fs::path> candidates;
        if (const char* env = std::getenv("SRLAB_VISQOL_MODEL")) candidates.emplace_back(env);
        std::error_code ec;
        const auto exe = fs::read_symlink("/proc/self/exe", ec);
        if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share" / "srlab" / "visqol" / name);
#ifdef SRLAB_SOURCE_VISQOL
        candidates.push_back(fs::path(SRLAB_SOURCE_VISQOL) / name);
#endif
        for (const auto& c : candidates)
            if (fs::is_regular_file(c, ec)) return c.string();
        return std::string();
    }();
    if (path.empty())
        throw Error("visqol", "ViSQOL's model libsvm_nu_svr_model.txt was not found ($SRLAB_VISQOL_MODEL, share/srlab/visqol)");
    return path;
}

}  // namespace srlab
