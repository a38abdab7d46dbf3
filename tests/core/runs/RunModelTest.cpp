// SPDX-License-Identifier: GPL-3.0-or-later
// The run folder's one writer and its live reader: RunModel follows a metrics.csv that another
// process appends to, truncates and rewrites; its summary always equals a whole-file
// computation, and a torn last line is never shown. The curves' reduction keeps what a
// per-pixel min/max of the raw rows draws.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runs/CurveSeries.h"
#include "runs/ModelConfig.h"
#include "util/Error.h"
#include "runs/RunFollower.h"
#include "runs/RunModel.h"
#include "runs/RunWriter.h"
#include "support/TestSupport.h"

namespace srlab {
using namespace test;
namespace fs = std::filesystem;
namespace {

TrainRow stepRow(int64_t step) {
    TrainRow r{step, int(step / 100) + 1, double(step) * 0.1, 1.0 / double(step)};
    r.samplesPerS = 100 + double(step % 7);
    r.lr = 1e-3;
    r.gradNorm = 0.5 + double(step % 3);
    return r;
}
TrainRow valRow(int64_t step) { return TrainRow{step, int(step / 100), double(step) * 0.1, NAN, 0.1, 10 + double(step % 13), 2 - double(step % 5) * 0.1}; }

void makeRunFolder(const std::string& dir) {
    TrainConfig c;
    c.dataset = "/nonexistent/set.h5";
    c.model = makeModelConfig("spectral", "tiny");
    fs::create_directories(dir);
    RunWriter w(dir);
    w.writeConfig(c.toJson());
    w.startMetrics(0);
    w.setStatus(RunState::Running, "");
}

RunSummary wholeFile(const std::string& dir) {
    RunSummary s;
    for (const auto& r : readRunMetrics(dir)) s.add(r);
    return s;
}

void appendText(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::app) << text << std::flush;
}

}  // namespace

TEST(MetricsCsv, RowsRoundTripAndDamagedRowsAreRefused) {
    TrainRow r = stepRow(12345);
    TrainRow back;
    const std::string line = formatMetricsRow(r);
    ASSERT_TRUE(parseMetricsRow(line.substr(0, line.size() - 1), &back));
    EXPECT_EQ(back.step, 12345);
    EXPECT_NEAR(back.trainLoss, r.trainLoss, 1e-8 * r.trainLoss);  // 9 significant digits
    EXPECT_TRUE(std::isnan(back.valLoss));
    for (const char* bad : {"", "1,2", "x,1,2,3", "1.5,1,2,3", "-1,1,2,3", "1,1,2,3,,,,,,,,,", "1,1,2,3x", "1,1,2,1e999"})
        EXPECT_FALSE(parseMetricsRow(bad, &back)) << bad;
    EXPECT_TRUE(parseMetricsRow("5,1,66,,0.2,12.5,2.5", &back));  // 7 cells: earlier SRLab
    EXPECT_TRUE(back.hasVal());
}

// The writer's summary.json and the model's summary both equal the whole file's, as rows arrive.
TEST(RunModel, SummaryEqualsTheWholeFileAsAnotherProcessAppends) {
    TempDir d;
    const std::string dir = d / "run";
    makeRunFolder(dir);
    RunModel model(dir);
    model.poll(RunModel::Depth::Curves);
    EXPECT_TRUE(model.isRun());
    EXPECT_EQ(model.summary().steps, 0);
    // A second process writes rows while this one polls between its writes.
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        RunWriter w(dir);
        w.startMetrics(0);
        for (int64_t s = 1; s <= 3000; ++s) {
            w.appendRow(stepRow(s));
            if (s % 100 == 0) w.appendRow(valRow(s));
        }
        w.setStatus(RunState::Finished, "");
        _exit(0);
    }
    int polls = 0;
    while (true) {
        int status = 0;
        const bool done = waitpid(child, &status, WNOHANG) == child;
        model.poll(RunModel::Depth::Curves);
        ++polls;
        // Never a row the file does not hold whole: what the model read is a prefix of the file.
        const RunSummary s = model.summary();
        EXPECT_LE(s.steps, wholeFile(dir).steps);
        if (done) break;
    }
    model.poll(RunModel::Depth::Curves);
    EXPECT_TRUE(model.summary().sameNumbers(wholeFile(dir)));
    EXPECT_EQ(model.summary().steps, 3000);
    EXPECT_EQ(model.summary().validations, 30);
    EXPECT_EQ(model.status().state, RunState::Finished);
    const auto file = readRunSummary(dir);
    ASSERT_TRUE(file.has_value());
    EXPECT_TRUE(file->sameNumbers(wholeFile(dir)));
    EXPECT_EQ(model.curves().train.rows(), 3000);
    EXPECT_EQ(model.curves().val.rows(), 30);
    EXPECT_GT(polls, 1);
}

TEST(RunModel, ATornLastLineIsNeverShown) {
    TempDir d;
    const std::string dir = d / "run";
    makeRunFolder(dir);
    const std::string csv = dir + "/metrics.csv";
    appendText(csv, formatMetricsRow(stepRow(1)) + formatMetricsRow(stepRow(2)));
    const std::string third = formatMetricsRow(stepRow(3));
    appendText(csv, third.substr(0, 5));  // "3,1,0" would parse as a row with other numbers
    RunModel model(dir);
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.summary().steps, 2);
    EXPECT_EQ(model.curves().train.rows(), 2);
    appendText(csv, third.substr(5));
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.summary().steps, 3);
    EXPECT_NEAR(model.summary().lastStep.trainLoss, stepRow(3).trainLoss, 1e-8);
    EXPECT_TRUE(model.summary().sameNumbers(wholeFile(dir)));
}

// A resume past kill -9 rewrites metrics.csv (atomically: a new file), a cut file shrinks, and
// an in-place rewrite keeps the inode: each is noticed and read again from the start.
TEST(RunModel, TruncatedAndRewrittenFilesAreReadAgain) {
    TempDir d;
    const std::string dir = d / "run";
    makeRunFolder(dir);
    const std::string csv = dir + "/metrics.csv";
    {
        RunWriter w(dir);
        w.startMetrics(0);
        for (int64_t s = 1; s <= 50; ++s) w.appendRow(stepRow(s));
    }
    RunModel model(dir);
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.summary().steps, 50);
    {  // the resume: rows past step 20 dropped, new ones follow
        RunWriter w(dir);
        w.startMetrics(20);
        for (int64_t s = 21; s <= 30; ++s) w.appendRow(stepRow(s));
    }
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.summary().steps, 30);
    EXPECT_TRUE(model.summary().sameNumbers(wholeFile(dir)));
    EXPECT_EQ(model.curves().train.rows(), 30);
    // Cut in place to fewer bytes.
    fs::resize_file(csv, std::string(kMetricsCsvHeader).size() + formatMetricsRow(stepRow(1)).size());
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.summary().steps, 1);
    EXPECT_EQ(model.curves().train.rows(), 1);
    // Rewritten in place (same inode) to more bytes than were read, with other numbers.
    {
        std::ofstream out(csv, std::ios::in | std::ios::out);
        out << kMetricsCsvHeader;
        for (int64_t s = 1; s <= 40; ++s) {
            TrainRow r = stepRow(s);
            r.trainLoss = 7;
            out << formatMetricsRow(r);
        }
    }
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.summary().steps, 40);
    EXPECT_DOUBLE_EQ(model.summary().lastStep.trainLoss, 7);
    EXPECT_TRUE(model.summary().sameNumbers(wholeFile(dir)));
}

// Rows fed by an in-process trainer show at once and are not counted twice when the tail reads
// them; a fed row that would leave a gap is left for the tail.
TEST(RunModel, FedRowsAreTakenOnceAndNeverLeaveAGap) {
    TempDir d;
    const std::string dir = d / "run";
    makeRunFolder(dir);
    RunWriter w(dir);
    w.startMetrics(0);
    RunModel model(dir);
    for (int64_t s = 1; s <= 5; ++s) w.appendRow(stepRow(s));
    model.feed(stepRow(5));  // nothing read yet: it would hide rows 1-4
    EXPECT_EQ(model.summary().steps, 0);
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.summary().steps, 5);
    for (int64_t s = 6; s <= 8; ++s) {
        w.appendRow(stepRow(s));
        model.feed(stepRow(s));
    }
    w.appendRow(valRow(8));
    model.feed(valRow(8));
    EXPECT_EQ(model.summary().steps, 8);  // before any poll
    EXPECT_EQ(model.summary().validations, 1);
    model.poll(RunModel::Depth::Curves);
    EXPECT_EQ(model.curves().train.rows(), 8);
    EXPECT_EQ(model.curves().val.rows(), 1);
    EXPECT_TRUE(model.summary().sameNumbers(wholeFile(dir)));
}

// At summary depth a run with summary.json is not read row by row: the table costs the same at
// any length.
TEST(RunModel, SummaryDepthReadsSummaryJsonNotTheHistory) {
    TempDir d;
    const std::string dir = d / "run";
    makeRunFolder(dir);
    {
        RunWriter w(dir);
        w.startMetrics(0);
        w.setDevice("cuda:0 of 1 (test)");
        for (int64_t s = 1; s <= 200; ++s) w.appendRow(stepRow(s));
        w.appendRow(valRow(200));
    }
    RunModel model(dir);
    model.poll(RunModel::Depth::Summary);
    EXPECT_EQ(model.metricsOffset(), 0);
    EXPECT_EQ(model.summary().steps, 200);
    EXPECT_EQ(model.summary().device, "cuda:0 of 1 (test)");
    EXPECT_TRUE(model.summary().sameNumbers(wholeFile(dir)));
    // A run of earlier SRLab (no summary.json) is summarised from its rows.
    fs::remove(dir + "/summary.json");
    RunModel old(dir);
    old.poll(RunModel::Depth::Summary);
    EXPECT_GT(old.metricsOffset(), 0);
    EXPECT_TRUE(old.summary().sameNumbers(wholeFile(dir)));
}

// A checkpoint saved within the file system's time tick of the listing just read leaves the
// folder's stat as it was (simulated here by setting the time back): the list still follows.
TEST(RunModel, ACheckpointSavedInTheSameTimeTickIsStillSeen) {
    TempDir d;
    const std::string dir = d / "run";
    makeRunFolder(dir);
    auto addCheckpoint = [&](const std::string& name, int64_t step) {
        fs::create_directories(dir + "/checkpoints/" + name);
        std::ifstream in(std::string(SRLAB_SOURCE_DIR) + "/resources/models/speech-16k-x4/model.json");
        auto j = nlohmann::json::parse(in);
        j["step"] = step;
        std::ofstream(dir + "/checkpoints/" + name + "/model.json") << j.dump();
    };
    addCheckpoint("epoch-0001", 100);
    struct stat before {};
    ASSERT_EQ(::stat((dir + "/checkpoints").c_str(), &before), 0);
    RunModel model(dir);
    model.poll(RunModel::Depth::Summary);
    ASSERT_EQ(model.checkpoints().size(), 1u);
    addCheckpoint("last", 120);
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, (dir + "/checkpoints").c_str(), times, 0), 0);  // the same tick
    model.poll(RunModel::Depth::Summary);
    ASSERT_EQ(model.checkpoints().size(), 2u);
    EXPECT_EQ(model.checkpoints()[1].meta.step, 120);
}

// A damaged checkpoint description is named with its problem in words, without the JSON
// library's internal tag.
TEST(RunModel, ADamagedCheckpointDescriptionIsSaidWithoutTheLibrarysTag) {
    TempDir d;
    fs::create_directories(d / "ck");
    std::ifstream in(std::string(SRLAB_SOURCE_DIR) + "/resources/models/speech-16k-x4/model.json");
    auto j = nlohmann::json::parse(in);
    j["step"] = "many";
    std::ofstream(d / "ck/model.json") << j.dump();
    try {
        readCheckpointMeta(d / "ck");
        FAIL() << "a step that is not a number was taken";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find("[json.exception"), std::string::npos) << what;
        EXPECT_NE(what.find("model.json"), std::string::npos) << what;
        EXPECT_NE(what.find("must be number"), std::string::npos) << what;
    }
}

TEST(RunFollower, FindsRunsAsTheyAppearAndReportsChangesInBatches) {
    TempDir d;
    fs::create_directories(d / "runs/not-a-run");
    makeRunFolder(d / "runs/a");
    RunFollower f;
    f.setRunsFolder(d / "runs");
    std::vector<RunFollower::Changes> got;
    auto report = [&](RunFollower::Changes c) { got.push_back(std::move(c)); };
    f.pass(report);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].listChanged);
    EXPECT_EQ(got[0].changed, std::vector<std::string>{d / "runs/a"});
    EXPECT_EQ(f.runs().size(), 1u);
    got.clear();
    f.pass(report);
    EXPECT_TRUE(got.empty());  // nothing moved: nothing reported
    makeRunFolder(d / "runs/b");
    f.pass(report);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].listChanged);
    EXPECT_EQ(got[0].changed, std::vector<std::string>{d / "runs/b"});
    got.clear();
    writeRunStatus(d / "runs/a", RunState::Finished, "");
    f.pass(report);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_FALSE(got[0].listChanged);
    EXPECT_EQ(f.model(d / "runs/a")->status().state, RunState::Finished);
    fs::remove_all(d / "runs/b");
    got.clear();
    f.pass(report);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].listChanged);
    EXPECT_EQ(f.runs().size(), 1u);
}

// The reduction: up to kMaxBuckets rows a bucket is one row; past it, buckets of equal rows
// whose min/max/mean equal those of the raw rows they hold, and never more than 2x kMaxBuckets.
TEST(CurveSeries, BucketsHoldTheExactMinMaxAndMeanOfTheirRows) {
    CurveSeries small;
    for (int64_t s = 1; s <= 100; ++s) small.append(stepRow(s));
    ASSERT_EQ(small.buckets().size(), 100u);
    EXPECT_DOUBLE_EQ(small.buckets()[9].q[0].max, stepRow(10).trainLoss);
    CurveSeries big;
    const int64_t n = 1000003;
    for (int64_t s = 1; s <= n; ++s) big.append(stepRow(s));
    EXPECT_LE(big.buckets().size(), 2 * CurveSeries::kMaxBuckets);
    EXPECT_GE(big.buckets().size(), CurveSeries::kMaxBuckets);
    const int64_t per = big.rowsPerBucket();
    int64_t rows = 0;
    for (size_t b = 0; b < big.buckets().size(); ++b) {
        const auto& bucket = big.buckets()[b];
        rows += bucket.rows;
        if (b + 1 < big.buckets().size()) ASSERT_EQ(bucket.rows, per);
    }
    EXPECT_EQ(rows, n);
    // One bucket checked against its raw rows, for two quantities.
    const size_t k = 37;
    const int64_t first = int64_t(k) * per + 1;
    double mn = INFINITY, mx = -INFINITY, sum = 0;
    for (int64_t s = first; s < first + per; ++s) {
        const double v = stepRow(s).gradNorm;
        mn = std::min(mn, v);
        mx = std::max(mx, v);
        sum += v;
    }
    const auto& st = big.buckets()[k].q[size_t(Quantity::GradNorm)];
    EXPECT_DOUBLE_EQ(st.min, mn);
    EXPECT_DOUBLE_EQ(st.max, mx);
    EXPECT_NEAR(st.mean(), sum / double(per), 1e-12);
    EXPECT_EQ(big.buckets()[k].step, double(first + per - 1));
}

}  // namespace srlab
