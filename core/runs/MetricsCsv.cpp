// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/MetricsCsv.h"

#include <charconv>
#include <cstdio>

namespace srlab {

const char* const kMetricsCsvHeader =
    "step,epoch,wall_s,train_loss,val_loss,val_snr_db,val_lsd_db,samples_per_s,data_wait_ms,mem_mib,lr,grad_norm\n";

namespace {

void appendNumber(std::string& out, double v) {
    if (!std::isfinite(v)) return;
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%.9g", v);
    out.append(buf, size_t(n));
}

// A whole cell as a number; empty means NaN (no validation on that row). std::from_chars:
// no locale, no allocation, a long history parses at hundreds of MB/s.
bool number(std::string_view cell, double* out) {
    if (cell.empty()) {
        *out = NAN;
        return true;
    }
    const char* end = cell.data() + cell.size();
    const auto [ptr, ec] = std::from_chars(cell.data(), end, *out);
    return ec == std::errc() && ptr == end;
}

}  // namespace

std::string formatMetricsRow(const TrainRow& r) {
    std::string s = std::to_string(r.step) + "," + std::to_string(r.epoch) + ",";
    const double rest[] = {r.wallS, r.trainLoss, r.valLoss, r.valSnr, r.valLsd, r.samplesPerS, r.dataWaitMs, r.memMiB, r.lr, r.gradNorm};
    for (size_t i = 0; i < std::size(rest); ++i) {
        if (i) s += ',';
        appendNumber(s, rest[i]);
    }
    s += '\n';
    return s;
}

bool parseMetricsRow(std::string_view line, TrainRow* r) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Fewer cells: runs of earlier SRLab (7 before throughput, 9 before memory/lr/grad norm).
    constexpr size_t kCells = 12;
    double v[kCells];
    size_t n = 0, start = 0;
    while (true) {
        const size_t comma = line.find(',', start);
        if (n == kCells) return false;
        if (!number(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start), &v[n])) return false;
        ++n;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (n < 4) return false;
    for (size_t i = n; i < kCells; ++i) v[i] = NAN;
    // step and epoch are counts: whole, non-negative, in range
    if (!(v[0] >= 0 && v[0] < 9e15 && v[0] == std::floor(v[0])) || !(v[1] >= 0 && v[1] < 1e9 && v[1] == std::floor(v[1])))
        return false;
    r->step = int64_t(v[0]);
    r->epoch = int(v[1]);
    r->wallS = v[2];
    r->trainLoss = v[3];
    r->valLoss = v[4];
    r->valSnr = v[5];
    r->valLsd = v[6];
    r->samplesPerS = v[7];
    r->dataWaitMs = v[8];
    r->memMiB = v[9];
    r->lr = v[10];
    r->gradNorm = v[11];
    return true;
}

}  // namespace srlab
