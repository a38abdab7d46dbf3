// SPDX-License-Identifier: GPL-3.0-or-later
// The staged Compare load: events in the documented order, and the same numbers as a one-shot
// evaluation of the same file.
#include "compare/CompareSession.h"

#include <gtest/gtest.h>

#include <tuple>

#include <sys/resource.h>

#include <csignal>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>

#include "support/TestSupport.h"
#include "eval/Evaluator.h"
#include "util/Error.h"

using namespace srlab;
using namespace srlab::test;

namespace {

struct Recorder : CompareEvents {
    std::mutex mu;
    std::vector<std::string> log;
    Comparison last;
    std::string refused;
    void add(const std::string& s) {
        std::lock_guard<std::mutex> lock(mu);
        log.push_back(s);
    }
    void version(size_t i, const Version&, const DisplaySpectrogram& o) override {
        EXPECT_GT(o.frames, 0u);
        add("version " + std::to_string(i));
    }
    void versionsDone(const Comparison& c) override {
        EXPECT_FALSE(c.low);
        add("versions");
    }
    void difference(size_t of, const DisplaySpectrogram&) override { add("difference " + std::to_string(of)); }
    void modelVersion(size_t k, const Version&, const DisplaySpectrogram&, bool complete) override {
        add(std::string(complete ? "model " : "model view ") + std::to_string(k));
    }
    void opened(const Comparison& c) override {
        EXPECT_GT(c.rate, 0);
        add("opened");
    }
    void modelRefused(const std::string& why, bool loadFailed) override {
        EXPECT_FALSE(loadFailed);
        refused = why;
        add("refused");
    }
    void metrics(const Comparison& c) override {
        last = c;
        add("metrics");
    }
    size_t at(const std::string& s) const { return size_t(std::find(log.begin(), log.end(), s) - log.begin()); }
};

CompareRequest request(const std::string& path, std::function<CompareModel()> model = {}) {
    CompareRequest r;
    r.path = path;
    r.settings.rate = 16000;
    r.settings.scale = 4;
    r.columns = 200;
    r.focusBegin = 2;
    r.focusEnd = 3;
    if (model) r.models.push_back(std::move(model));
    return r;
}

}  // namespace

TEST(CompareSession, StagesArriveInOrderWithTheNumbersOfAOneShotEvaluation) {
    TempDir d;
    const std::string wav = d / "chirp.wav";
    writeMonoWav(wav, chirp(100, 7500, 16000, 16000 * 12), 16000);
    // A "model" that is the linear baseline under another name: its numbers are known.
    auto model = [] { return CompareModel{"linear-as-model", 16000, 4, baselineMethod("linear", 4)}; };
    Recorder ev;
    NullProgress progress;
    CancelToken cancel;
    const Comparison c = runCompare(request(wav, model), ev, progress, cancel);
    ASSERT_GE(ev.log.size(), 2u);
    EXPECT_EQ(ev.log[0], "opened");
    EXPECT_LT(ev.at("version 0"), ev.at("version 1"));  // the truth first
    EXPECT_LT(ev.at("versions"), ev.at("difference 2"));
    // A 12 s file: the view goes first, beside the versions, and always before the metrics.
    EXPECT_LT(ev.at("model view 4"), ev.log.size());
    EXPECT_LT(ev.at("model view 4"), ev.at("metrics"));
    EXPECT_LT(ev.at("metrics"), ev.at("model 4"));
    EXPECT_LT(ev.at("model 4"), ev.at("difference 4"));
    EXPECT_EQ(ev.refused, "");
    ASSERT_EQ(c.versions.size(), 5u);  // truth, low-res, spline, linear, the model
    ASSERT_EQ(ev.last.versions.size(), 5u);

    const EvalTable t = evaluateFiles({wav}, 16000, 4, Degradation::fixed(DecimFilter::Cheby),
                                      {baselineMethod("spline", 4), baselineMethod("linear", 4)}, 1, progress, cancel);
    ASSERT_EQ(t.rows.size(), 2u);
    for (size_t k : {2u, 3u, 4u}) {
        const MetricSet& staged = ev.last.versions[k].metrics;
        const MetricSet& oneShot = t.rows[k == 2 ? 0 : 1].m;
        EXPECT_TRUE(ev.last.versions[k].hasMetrics);
        EXPECT_NEAR(staged.snr, oneShot.snr, 1e-6) << k;
        EXPECT_NEAR(staged.lsd, oneShot.lsd, 1e-6) << k;
        EXPECT_NEAR(staged.lsdHf, oneShot.lsdHf, 1e-6) << k;
        EXPECT_FALSE(std::isnan(staged.visqol)) << k;  // 12 s: Compare scores ViSQOL
        EXPECT_NEAR(staged.visqol, oneShot.visqol, 1e-6) << k;
    }
}

// Past two minutes Compare leaves ViSQOL out (its cost would hold back every other metric,
// compare/CompareMetrics.h): NaN, shown as "-"; the other metrics stand.
TEST(CompareSession, ViSQOLIsLeftOutPastTwoMinutes) {
    TempDir d;
    const std::string wav = d / "long.wav";
    writeMonoWav(wav, chirp(100, 3500, 8000, 8000 * 121), 8000);
    Recorder ev;
    NullProgress progress;
    CancelToken cancel;
    const Comparison c = runCompare(request(wav), ev, progress, cancel);
    ASSERT_EQ(ev.last.versions.size(), 4u);
    for (size_t k = 1; k < ev.last.versions.size(); ++k) {
        EXPECT_TRUE(ev.last.versions[k].hasMetrics) << k;
        EXPECT_TRUE(std::isnan(ev.last.versions[k].metrics.visqol)) << k;
        EXPECT_FALSE(std::isnan(ev.last.versions[k].metrics.snr)) << k;
    }
    EXPECT_FALSE(compareScoresVisqol(c));
}

TEST(CompareSession, AModelMadeForAnotherRateIsRefusedAndTheRestStands) {
    TempDir d;
    const std::string wav = d / "chirp.wav";
    writeMonoWav(wav, chirp(100, 7500, 16000, 16000 * 2), 16000);
    auto model = [] { return CompareModel{"music", 44100, 4, baselineMethod("linear", 4)}; };
    Recorder ev;
    NullProgress progress;
    CancelToken cancel;
    const Comparison c = runCompare(request(wav, model), ev, progress, cancel);
    EXPECT_NE(ev.refused.find("44100 Hz x4"), std::string::npos) << ev.refused;
    EXPECT_EQ(c.versions.size(), 4u);
    EXPECT_TRUE(ev.last.versions[2].hasMetrics);
}

TEST(CompareSession, CancelledBeforeItStartsThrowsCancelled) {
    TempDir d;
    const std::string wav = d / "chirp.wav";
    writeMonoWav(wav, chirp(100, 7500, 16000, 16000 * 2), 16000);
    Recorder ev;
    NullProgress progress;
    CancelToken cancel;
    cancel.cancel();
    EXPECT_THROW(runCompare(request(wav), ev, progress, cancel), Cancelled);
}

// Checkpoints side by side: every model after the first runs over the whole file and joins
// as its own version with its metrics; one that does not fit is refused and the rest stand;
// the difference pane is the first model's.
TEST(CompareSession, SeveralModelsJoinInOrder) {
    TempDir d;
    const std::string wav = d / "chirp.wav";
    writeMonoWav(wav, chirp(100, 7500, 16000, 16000 * 4), 16000);
    CompareRequest r = request(wav, [] { return CompareModel{"a", 16000, 4, baselineMethod("linear", 4)}; });
    r.models.push_back([] { return CompareModel{"wrong rate", 44100, 4, baselineMethod("linear", 4)}; });
    r.models.push_back([] { return CompareModel{"b", 16000, 4, baselineMethod("sinc", 4)}; });
    Recorder ev;
    NullProgress progress;
    CancelToken cancel;
    const Comparison c = runCompare(r, ev, progress, cancel);
    ASSERT_EQ(c.versions.size(), 6u);  // truth, low-res, spline, linear, a, b
    EXPECT_EQ(c.versions[4].name, "super-res: a");
    EXPECT_EQ(c.versions[5].name, "super-res: b");
    EXPECT_LT(ev.at("model 4"), ev.at("refused"));
    EXPECT_LT(ev.at("refused"), ev.at("model 5"));
    EXPECT_LT(ev.at("model 5"), ev.at("difference 4"));
    EXPECT_NE(ev.refused.find("wrong rate is made for 44100 Hz"), std::string::npos) << ev.refused;
    ASSERT_EQ(ev.last.versions.size(), 6u);
    EXPECT_TRUE(ev.last.versions[5].hasMetrics);
    // Model a is the linear baseline under another name: the same numbers.
    EXPECT_NEAR(ev.last.versions[4].metrics.snr, ev.last.versions[3].metrics.snr, 1e-9);
}

namespace srlab {
namespace {

std::vector<std::string> filesIn(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file()) out.push_back(it->path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

// Versions in a cache folder: every version is a file there, its samples equal the in-memory
// comparison's (the streams reproduce the whole-signal chain), the metrics are the same, and a
// second comparison of the same file and settings reuses the files instead of remaking them.
TEST(CompareSession, VersionsOnDiskEqualTheInMemoryOnesAndAreReused) {
    TempDir d;
    const std::string wav = d / "chirp.wav";
    writeMonoWav(wav, chirp(100, 9000, 22050, 22050 * 20), 22050);  // resampled to 16 kHz
    auto model = [] {
        CompareModel m{"linear-as-model", 16000, 4, baselineMethod("linear", 4)};
        m.cacheKey = "linear v1";
        return m;
    };
    NullProgress progress;
    CancelToken cancel;
    Recorder memEv, diskEv, againEv;
    const Comparison mem = runCompare(request(wav, model), memEv, progress, cancel);
    CompareRequest r = request(wav, model);
    r.cacheDir = compareCacheFolder(d / "cache", wav, r.settings);
    const Comparison disk = runCompare(r, diskEv, progress, cancel);
    ASSERT_EQ(disk.versions.size(), mem.versions.size());
    for (size_t i = 0; i < disk.versions.size(); ++i) {
        const auto& a = *disk.versions[i].audio;
        const auto& b = *mem.versions[i].audio;
        EXPECT_FALSE(a.path().empty()) << disk.versions[i].name << " is not on disk";
        ASSERT_EQ(a.size(), b.size()) << disk.versions[i].name;
        double m = 0;
        for (size_t k = 0; k < a.size(); ++k) m = std::max(m, std::fabs(double(a[k]) - b[k]));
        EXPECT_LT(m, 2e-6) << disk.versions[i].name;
        if (i > 0) {
            EXPECT_NEAR(disk.versions[i].metrics.snr, mem.versions[i].metrics.snr, 1e-4) << disk.versions[i].name;
            EXPECT_NEAR(disk.versions[i].metrics.lsd, mem.versions[i].metrics.lsd, 1e-4) << disk.versions[i].name;
        }
    }
    const auto files = filesIn(r.cacheDir);
    EXPECT_GE(files.size(), disk.versions.size()) << "each version a file";
    for (const auto& f : files) EXPECT_EQ(f.find(".part"), std::string::npos) << f;
    std::map<std::string, fs::file_time_type> before;
    for (const auto& f : files) before[f] = fs::last_write_time(fs::path(r.cacheDir) / f);
    const Comparison again = runCompare(r, againEv, progress, cancel);
    ASSERT_EQ(again.versions.size(), disk.versions.size());
    // The model's version made now was scored as it was written (VersionTap); read back from the
    // cache it is scored by addMetrics: the same numbers, and the same RMS.
    const auto& made = disk.versions.back();
    const auto& reused = again.versions.back();
    EXPECT_TRUE(made.hasMetrics);
    EXPECT_TRUE(reused.hasMetrics);
    for (const auto& [name, a, b] : std::vector<std::tuple<const char*, double, double>>{
             {"snr", made.metrics.snr, reused.metrics.snr}, {"si-sdr", made.metrics.siSdr, reused.metrics.siSdr},
             {"lsd", made.metrics.lsd, reused.metrics.lsd}, {"lsd hf", made.metrics.lsdHf, reused.metrics.lsdHf},
             {"psnr mel", made.metrics.psnrMel, reused.metrics.psnrMel}, {"stoi", made.metrics.stoi, reused.metrics.stoi},
             {"estoi", made.metrics.estoi, reused.metrics.estoi}, {"visqol", made.metrics.visqol, reused.metrics.visqol},
             {"rms", made.rms, reused.rms}})
        EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::fabs(b))) << name;
    for (const auto& f : filesIn(r.cacheDir))
        if (f != "focus.f32") EXPECT_EQ(fs::last_write_time(fs::path(r.cacheDir) / f), before[f]) << f << " was remade";
    // Another setting is another folder; dropping the others keeps only it.
    CompareRequest other = r;
    other.settings.scale = 2;
    EXPECT_NE(compareCacheFolder(d / "cache", wav, other.settings), r.cacheDir);
    dropOtherCaches(d / "cache", r.cacheDir);
    EXPECT_TRUE(fs::exists(r.cacheDir));
}

// A load still running keeps its cache folder while the next load drops the others: once made
// the workbench's superseded load could remove the new load's folder from under it ("cannot write
// here"). A leased folder stays; the lease gone, the next drop removes it.
TEST(CompareSession, ALeasedCacheFolderOutlivesTheOthersBeingDropped) {
    TempDir d;
    const std::string root = d / "cache", busy = d / "cache/busy", next = d / "cache/next", old = d / "cache/old";
    for (const auto& dir : {busy, next, old}) {
        fs::create_directories(dir);
        writeText(dir + "/v.f32", "x");
    }
    {
        CompareCacheLease lease(busy + "/");  // spelled another way: the same folder
        {
            CompareCacheLease twice(busy);  // two loads of one comparison
        }
        dropOtherCaches(root, next + "/");
        EXPECT_TRUE(fs::exists(busy + "/v.f32"));
        EXPECT_TRUE(fs::exists(next));
        EXPECT_FALSE(fs::exists(old));
    }
    dropOtherCaches(root, next);
    EXPECT_FALSE(fs::exists(busy));
    EXPECT_TRUE(fs::exists(next));
}

// A full disk while a version is cached, and a cache folder that cannot be made: one line naming
// the place, and nothing half-written left under a version's name.
TEST(CompareSession, AFullDiskOrAnUnwritableCacheIsNamedAndLeavesNothingHalfWritten) {
    TempDir d;
    const std::string wav = d / "chirp.wav";
    writeMonoWav(wav, chirp(100, 7500, 16000, 16000 * 60), 16000);
    NullProgress progress;
    CancelToken cancel;
    CompareRequest r = request(wav);
    r.cacheDir = d / "cache/one";
    struct rlimit old {};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 1 << 20;  // a 60 s version at 16 kHz is 3.8 MB
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string message;
    try {
        Recorder ev;
        runCompare(r, ev, progress, cancel);
    } catch (const Error& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    EXPECT_NE(message.find(r.cacheDir), std::string::npos) << message;
    EXPECT_NE(message.find("disk is full"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_TRUE(filesIn(r.cacheDir).empty()) << "a half-written version was left";

    writeText(d / "blocker", "a file where the cache folder should be");
    r.cacheDir = d / "blocker/compare";
    message.clear();
    try {
        Recorder ev;
        runCompare(r, ev, progress, cancel);
    } catch (const Error& e) {
        message = e.what();
    }
    EXPECT_NE(message.find(r.cacheDir), std::string::npos) << message;
    EXPECT_NE(message.find("cache folder"), std::string::npos) << message;
}

}  // namespace srlab
