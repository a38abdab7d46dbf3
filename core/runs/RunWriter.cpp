// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/RunWriter.h"

#include <filesystem>

#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab {
namespace fs = std::filesystem;
namespace {
// summary.json is at most this far behind the newest training row: a table of many runs shows
// a live step count without reading histories, and a 40-steps/s run does not rewrite it 40
// times a second.
constexpr auto kSummaryEvery = std::chrono::seconds(2);
}  // namespace

RunWriter::RunWriter(std::string runDir) : dir_(std::move(runDir)) {
    log_.open(fs::path(dir_) / "train.log", std::ios::app);
    summary_ = readRunSummary(dir_).value_or(RunSummary{});  // device and total until set again
}

RunWriter::~RunWriter() {
    try {
        if (summaryBehind_) flushSummary();
    } catch (const std::exception&) {  // a destructor does not throw; the next writer catches up
    }
}

void RunWriter::writeConfig(const std::string& json) { writeFileAtomically((fs::path(dir_) / "config.json").string(), json); }

void RunWriter::startMetrics(int64_t keepThroughStep) {
    csv_.close();
    const fs::path path = fs::path(dir_) / "metrics.csv";
    std::string kept = kMetricsCsvHeader, line;
    const std::string device = summary_.device;
    const int64_t total = summary_.totalSteps;
    summary_ = RunSummary{};
    summary_.device = device;
    summary_.totalSteps = total;
    {
        std::ifstream in(path);
        std::getline(in, line);  // header
        TrainRow row;
        while (keepThroughStep > 0 && std::getline(in, line)) {
            if (!parseMetricsRow(line, &row)) continue;  // a row cut by the crash being resumed from
            if (row.step > keepThroughStep) break;
            kept += line + "\n";
            summary_.add(row);
        }
    }
    writeFileAtomically(path.string(), kept);
    csv_.open(path, std::ios::app);
    if (!csv_) throw Error(path.string(), "cannot open for appending");
    flushSummary();
}

void RunWriter::appendRow(const TrainRow& row) {
    csv_ << formatMetricsRow(row) << std::flush;
    summary_.add(row);
    summaryBehind_ = true;
    if (row.hasVal() || std::chrono::steady_clock::now() - summaryWritten_ >= kSummaryEvery) flushSummary();
}

void RunWriter::setStatus(RunState state, const std::string& message) {
    writeRunStatus(dir_, state, message);
    flushSummary();
}

void RunWriter::setDevice(const std::string& device) {
    summary_.device = device;
    flushSummary();
}

void RunWriter::setTotalSteps(int64_t steps) {
    summary_.totalSteps = steps;
    summaryBehind_ = true;
}

void RunWriter::log(const std::string& line) {
    log_ << line << "\n";
    log_.flush();
}

void RunWriter::flushSummary() {
    writeFileAtomically((fs::path(dir_) / "summary.json").string(), summary_.toJson());
    summaryBehind_ = false;
    summaryWritten_ = std::chrono::steady_clock::now();
}

void writeRunNote(const std::string& runDir, const std::string& text) {
    writeFileAtomically((fs::path(runDir) / "note.txt").string(), text + "\n");
}

std::string readRunNote(const std::string& runDir) {
    std::ifstream in(fs::path(runDir) / "note.txt");
    std::string s(std::istreambuf_iterator<char>(in), {});
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace srlab
