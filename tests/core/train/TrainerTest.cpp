// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/Trainer.h"
#include "train/BatchLoader.h"
#include "train/ChunkedInference.h"
#include "train/Checkpoint.h"
#include "train/Losses.h"
#include "train/SnapshotWriter.h"
#include "runs/Snapshots.h"
#include "audio/AudioFile.h"
#include "audio/AudioStream.h"
#include "audio/Resampler.h"
#include "dsp/Interpolate.h"

#include <filesystem>
#include <random>
#include <set>
#include <nlohmann/json.hpp>

#include "dataset/PairBuilder.h"
#include "dataset/PairFile.h"
#include "dataset/StreamedDataset.h"
#include "infer/ModelUpsampler.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

namespace {

// Harmonic tones with a moving pitch: their high band is predictable from the low band.
std::vector<float> harmonics(double f0, int rate, size_t n) {
    std::vector<float> x(n, 0.0f);
    double phase = 0;
    for (size_t i = 0; i < n; ++i) {
        const double f = f0 * (1.0 + 0.2 * std::sin(2 * M_PI * 0.7 * double(i) / rate));
        phase += 2 * M_PI * f / rate;
        for (int h = 1; h * f < rate / 2.0; ++h) x[i] += float(0.3 / h * std::sin(h * phase));
    }
    return x;
}

// tones.h5, or a streamed dataset (`name` ending in .json) with `degrade` drawn per item.
std::string makeDataset(const TempDir& d, const std::string& name = "tones.h5", const std::string& degrade = "") {
    BuildInputs in;
    for (int i = 0; i < 8; ++i) {
        const std::string p = d / ("tone" + std::to_string(i) + ".wav");
        writeMonoWav(p, harmonics(110 + 40 * i, 16000, 24000), 16000);
        in.files.push_back(p);
    }
    PairSpec s;
    s.rate = 16000;
    s.scale = 4;
    s.dim = 1024;
    s.stride = 512;
    s.split = {0.5, 0.25, 0.25};
    s.degrade = degrade;
    NullProgress quiet;
    CancelToken cancel;
    buildDataset(s, in, d / name, quiet, cancel);
    return d / name;
}

TrainConfig smallRun(const std::string& dataset) {
    TrainConfig c;
    c.dataset = dataset;
    c.model = makeModelConfig("audiounet", "tiny");
    c.model.dropout = 0.3f;  // dropout draws from the RNG a resume must restore
    c.batch = 4;
    c.epochs = 3;
    c.stepsPerEpoch = 5;
    c.valItems = 8;
    c.threads = 1;
    c.seed = 7;
    c.lr = 1e-3;
    return c;
}

struct StopAt final : TrainEvents {
    StopAt(TrainControl& c, int64_t step) : control(c), step(step) {}
    void row(const TrainRow& r) override {
        if (r.step == step) control.stop.cancel();
    }
    TrainControl& control;
    int64_t step;
};

}  // namespace

TEST(Trainer, RunFolderHoldsConfigMetricsCheckpointsAndLog) {
    TempDir d;
    const auto ds = makeDataset(d);
    createRun(d / "run", smallRun(ds));
    TrainEvents quiet;
    TrainControl control;
    EXPECT_EQ(trainRun(d / "run", quiet, control), RunOutcome::Finished);
    auto cfg = nlohmann::json::parse(std::ifstream(d / "run/config.json"));
    EXPECT_EQ(cfg["dataset_sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(cfg["model"]["rate"], 16000);
    EXPECT_EQ(cfg["lr"], 1e-3);
    auto rows = readRunMetrics(d / "run");
    ASSERT_EQ(rows.size(), 18u);  // 3 x (5 steps + 1 validation row)
    EXPECT_TRUE(rows[5].hasVal());
    EXPECT_TRUE(std::isfinite(rows[5].valSnr) && std::isfinite(rows[5].valLsd));
    EXPECT_LT(rows.back().valLoss, rows[5].valLoss);  // it learns
    // Throughput on every step row, none on validation rows.
    for (size_t i = 0; i < rows.size(); ++i) {
        SCOPED_TRACE(i);
        if (rows[i].hasVal()) {
            EXPECT_TRUE(std::isnan(rows[i].samplesPerS));
            continue;
        }
        EXPECT_GT(rows[i].samplesPerS, 0.0);
        EXPECT_TRUE(std::isfinite(rows[i].samplesPerS));
        EXPECT_GE(rows[i].dataWaitMs, 0.0);
        EXPECT_TRUE(std::isfinite(rows[i].dataWaitMs));
        EXPECT_GT(rows[i].memMiB, 1.0);  // the process's resident memory on the CPU
        EXPECT_DOUBLE_EQ(rows[i].lr, 1e-3);  // constant schedule
        EXPECT_GT(rows[i].gradNorm, 0.0);
        EXPECT_TRUE(std::isfinite(rows[i].gradNorm));
    }
    auto cks = listCheckpoints(d / "run");
    EXPECT_EQ(cks.size(), 5u);  // best, epoch-0001..3, last
    // Each checkpoint says where it stands; the run holds its baselines' reference lines.
    const CheckpointMeta last = readCheckpointMeta(d / "run/checkpoints/last");
    EXPECT_EQ(last.step, 15);
    EXPECT_NEAR(last.valSnr, rows.back().valSnr, 1e-6);  // metrics.csv holds 9 digits
    EXPECT_THROW(readCheckpointMeta(d / "nowhere"), Error);
    const auto refs = readRunBaselines(d / "run");
    ASSERT_EQ(refs.size(), 2u);
    EXPECT_EQ(refs[0].name, "spline");
    EXPECT_EQ(refs[1].name, "sinc");
    for (const auto& b : refs) EXPECT_TRUE(std::isfinite(b.snr) && b.lsd > 0) << b.name;
    EXPECT_EQ(readRunStatus(d / "run").state, RunState::Finished);
    EXPECT_THROW(createRun(d / "run", smallRun(ds)), Error);  // never overwrites a run
}

// The cosine schedule with warm-up is what the steps' rows record, and what the optimiser used:
// a run with warm-up differs from the same run without it.
TEST(Trainer, LearningRateScheduleIsAppliedAndRecorded) {
    TempDir d;
    const auto ds = makeDataset(d);
    TrainConfig c = smallRun(ds);
    c.lrSchedule = "cosine";
    c.warmupSteps = 4;
    createRun(d / "cosine", c);
    createRun(d / "constant", smallRun(ds));
    TrainEvents quiet;
    TrainControl control;
    ASSERT_EQ(trainRun(d / "cosine", quiet, control), RunOutcome::Finished);
    ASSERT_EQ(trainRun(d / "constant", quiet, control), RunOutcome::Finished);
    std::vector<double> lrs;
    for (const auto& r : readRunMetrics(d / "cosine"))
        if (!r.hasVal()) lrs.push_back(r.lr);
    ASSERT_EQ(lrs.size(), 15u);
    const int64_t total = 15;
    for (int64_t i = 0; i < total; ++i) {
        SCOPED_TRACE(i);
        EXPECT_NEAR(lrs[size_t(i)], c.lrAt(i, total), 1e-12);
    }
    EXPECT_NEAR(lrs[0], 1e-3 / 4, 1e-12);  // warm-up: 1/4, 2/4, 3/4, 4/4 of the peak
    EXPECT_NEAR(lrs[3], 1e-3, 1e-12);
    EXPECT_NEAR(lrs[4], 1e-3, 1e-12);  // cosine from the peak...
    EXPECT_LT(lrs[14], 0.03e-3);       // ...to nearly 0 at the last step
    for (size_t i = 5; i < lrs.size(); ++i) EXPECT_LT(lrs[i], lrs[i - 1]);
    EXPECT_NE(readRunMetrics(d / "cosine").back().valLoss, readRunMetrics(d / "constant").back().valLoss);
    auto cfg = nlohmann::json::parse(std::ifstream(d / "cosine/config.json"));
    EXPECT_EQ(cfg["lr_schedule"], "cosine");
    EXPECT_EQ(cfg["warmup_steps"], 4);
}

// Snapshots: clips that differ are picked at creation; every validation writes the model's
// output on each, and that output is exactly what the step's checkpoint makes of the clip.
TEST(Trainer, AudioSnapshotsAreWrittenAtEveryValidation) {
    TempDir d;
    TrainConfig c = smallRun(makeDataset(d));
    c.snapshotClips = 3;
    c.snapshotSeconds = 0.5;
    createRun(d / "run", c);
    auto idx = readSnapshotIndex(d / "run");
    ASSERT_EQ(idx.clips.size(), 3u);
    EXPECT_EQ(idx.clips[0].why, "loudest");
    EXPECT_EQ(idx.clips[1].why, "quietest");
    EXPECT_TRUE(idx.steps.empty());
    int rate = 0;
    const auto loud = readMono(snapshotTruthPath(d / "run", "clip-1"), &rate);
    const auto quiet = readMono(snapshotTruthPath(d / "run", "clip-2"), &rate);
    EXPECT_EQ(rate, 16000);
    EXPECT_EQ(loud.size(), 8192u);  // 8 contiguous patches of 1024: 0.5 s
    auto rms = [](const std::vector<float>& x) {
        double e = 0;
        for (float v : x) e += double(v) * v;
        return std::sqrt(e / double(x.size()));
    };
    EXPECT_GT(rms(loud), rms(quiet));
    TrainEvents events;
    TrainControl control;
    ASSERT_EQ(trainRun(d / "run", events, control), RunOutcome::Finished);
    idx = readSnapshotIndex(d / "run");
    EXPECT_EQ(idx.steps, (std::vector<int64_t>{5, 10, 15}));
    // The step-15 snapshot is the last checkpoint's output on the clip's input.
    auto net = loadModel(d / "run/checkpoints/last");
    net->eval();
    torch::NoGradGuard noGrad;
    const auto input = readMono(snapshotInputPath(d / "run", "clip-1"), &rate);
    const auto expected = runChunked([&](const torch::Tensor& t) { return net->infer(t).contiguous(); }, input,
                                     ChunkPlan{1024, 256}, 4, false, 1);
    const auto got = readMono(snapshotPath(d / "run", 15, "clip-1"), &rate);
    ASSERT_EQ(got.size(), expected.size());
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, double(std::abs(got[i] - expected[i])));
    EXPECT_LT(worst, 1e-5);  // 24-bit FLAC
    // A resume from an earlier step drops the later snapshots.
    truncateSnapshots(d / "run", 10);
    EXPECT_EQ(readSnapshotIndex(d / "run").steps, (std::vector<int64_t>{5, 10}));
    EXPECT_FALSE(std::filesystem::exists(snapshotStepDir(d / "run", 15)));
}

TEST(Snapshots, ThinningKeepsTheFirstTheNewestAndAnEvenSpread) {
    std::vector<int64_t> steps;
    for (int64_t s = 100; s <= 100 * 200; s += 100) {
        steps.push_back(s);
        for (int64_t drop; (drop = snapshotToThin(steps)) >= 0;) steps.erase(std::find(steps.begin(), steps.end(), drop));
        ASSERT_LE(steps.size(), kMaxSnapshots);
    }
    EXPECT_EQ(steps.size(), kMaxSnapshots);
    EXPECT_EQ(steps.front(), 100);
    for (size_t i = 0; i < kKeepNewest; ++i) EXPECT_EQ(steps[steps.size() - 1 - i], 20000 - 100 * int64_t(i));
    // Spread over the whole run: no gap among the older ones is more than 4x another.
    int64_t lo = INT64_MAX, hi = 0;
    for (size_t i = 1; i + kKeepNewest < steps.size(); ++i) {
        lo = std::min(lo, steps[i] - steps[i - 1]);
        hi = std::max(hi, steps[i] - steps[i - 1]);
    }
    EXPECT_LE(hi, 4 * lo);
    EXPECT_EQ(snapshotToThin({1, 2, 3}), -1);
}

// Asking for more steps per epoch than the training split holds is said, not silently cut.
TEST(Trainer, FewerStepsPerEpochThanAskedIsSaid) {
    TempDir d;
    TrainConfig c = smallRun(makeDataset(d));
    c.epochs = 1;
    c.stepsPerEpoch = 1000;
    createRun(d / "run", c);
    struct Notes final : TrainEvents {
        std::string text;
        void note(const std::string& t) override { text += t; }
    } notes;
    TrainControl control;
    ASSERT_EQ(trainRun(d / "run", notes, control), RunOutcome::Finished);
    EXPECT_NE(notes.text.find("1000 asked"), std::string::npos) << notes.text;
    EXPECT_NE(readBytes(d / "run/train.log").find("note: steps per epoch"), std::string::npos);
}

// bf16 autocast (the default on CUDA for U-Net models) trains the same model as float32 within
// bfloat16's precision: same data order and seed, each step's loss within 5% of float32's, and
// the learned validation SNR within 0.5 dB. Run on the CPU, where CI can run it.
TEST(Trainer, Bf16AutocastTrainsLikeFloat32WithinTolerance) {
    TempDir d;
    const std::string ds = makeDataset(d);
    TrainConfig fp32 = smallRun(ds), bf16 = smallRun(ds);
    fp32.model.dropout = bf16.model.dropout = 0.0f;
    fp32.precision = "fp32";
    bf16.precision = "bf16";
    EXPECT_FALSE(fp32.useBf16(true));
    EXPECT_TRUE(bf16.useBf16(false));
    TrainConfig autoCfg = smallRun(ds);
    EXPECT_TRUE(autoCfg.useBf16(true));    // auto: bf16 on CUDA ...
    EXPECT_FALSE(autoCfg.useBf16(false));  // ... fp32 on the CPU
    autoCfg.model = makeModelConfig("spectral", "small");
    EXPECT_FALSE(autoCfg.useBf16(true));   // spectral models stay float32
    autoCfg.precision = "bf16";
    EXPECT_THROW(autoCfg.validate(), Error);
    createRun(d / "fp32", fp32);
    createRun(d / "bf16", bf16);
    TrainEvents none;
    TrainControl c1, c2;
    ASSERT_EQ(trainRun(d / "fp32", none, c1), RunOutcome::Finished);
    ASSERT_EQ(trainRun(d / "bf16", none, c2), RunOutcome::Finished);
    const auto a = readRunMetrics(d / "fp32"), b = readRunMetrics(d / "bf16");
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        SCOPED_TRACE(i);
        if (a[i].hasVal()) {
            EXPECT_NEAR(a[i].valSnr, b[i].valSnr, 0.5);
            continue;
        }
        EXPECT_NEAR(b[i].trainLoss, a[i].trainLoss, 0.05 * a[i].trainLoss);
    }
    EXPECT_NE(a[1].trainLoss, b[1].trainLoss) << "bf16 autocast had no effect";
}

// An interrupted and resumed run continues the uninterrupted run's curve exactly: weights,
// Adam moments, step, epoch, loader position and the dropout RNG all come back.
// On an HDF5 dataset, and on a streamed one whose items get fresh crops and chains each epoch:
// the batches depend on (seed, epoch, item) alone, not on how many loader threads made them.
void expectResumeReproducesTheCurve(const TempDir& d, const std::string& ds) {
    TrainEvents quiet;
    {
        TrainControl control;
        TrainConfig one = smallRun(ds);
        one.loaders = 1;
        createRun(d / "whole", one);
        ASSERT_EQ(trainRun(d / "whole", quiet, control), RunOutcome::Finished);
    }
    TrainConfig three = smallRun(ds);
    three.loaders = 3;
    createRun(d / "split", three);
    {
        TrainControl control;
        StopAt stop(control, 7);  // mid-epoch 2
        ASSERT_EQ(trainRun(d / "split", stop, control), RunOutcome::Stopped);
        EXPECT_EQ(readRunStatus(d / "split").state, RunState::Stopped);
    }
    {
        TrainControl control;
        ASSERT_EQ(trainRun(d / "split", quiet, control), RunOutcome::Finished);
    }
    auto a = readRunMetrics(d / "whole"), b = readRunMetrics(d / "split");
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(a[i].step, b[i].step);
        EXPECT_EQ(a[i].epoch, b[i].epoch);
        if (a[i].hasVal()) {
            EXPECT_NEAR(a[i].valLoss, b[i].valLoss, 1e-6 * std::abs(a[i].valLoss));
            EXPECT_NEAR(a[i].valSnr, b[i].valSnr, 1e-4);
        } else {
            EXPECT_NEAR(a[i].trainLoss, b[i].trainLoss, 1e-6 * std::abs(a[i].trainLoss));
        }
    }
}

TEST(Trainer, StoppedAndResumedRunReproducesTheUninterruptedCurve) {
    TempDir d;
    expectResumeReproducesTheCurve(d, makeDataset(d));
}

TEST(Trainer, AStreamedDatasetTrainsAndResumesOntoTheSameCurve) {
    TempDir d;
    expectResumeReproducesTheCurve(d, makeDataset(d, "tones.json", "zoo"));
}

// AP-BWE with its discriminators: its own terms and the adversarial step train, a stopped run
// resumes onto the same curve (generator, discriminators and both optimisers restored), and the
// checkpoint upsamples a file of any length.
TEST(Trainer, ApBweWithDiscriminatorsTrainsResumesAndUpsamples) {
    TempDir d;
    const auto ds = makeDataset(d);
    auto cfg = smallRun(ds);
    cfg.model = makeModelConfig("apbwe", "tiny");
    cfg.model.adversarial = true;
    cfg.epochs = 2;
    TrainEvents quiet;
    {
        TrainControl control;
        createRun(d / "whole", cfg);
        ASSERT_EQ(trainRun(d / "whole", quiet, control), RunOutcome::Finished);
    }
    createRun(d / "split", cfg);
    {
        TrainControl control;
        StopAt stop(control, 7);
        ASSERT_EQ(trainRun(d / "split", stop, control), RunOutcome::Stopped);
    }
    {
        TrainControl control;
        ASSERT_EQ(trainRun(d / "split", quiet, control), RunOutcome::Finished);
    }
    auto a = readRunMetrics(d / "whole"), b = readRunMetrics(d / "split");
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        SCOPED_TRACE(i);
        if (!a[i].hasVal()) EXPECT_NEAR(a[i].trainLoss, b[i].trainLoss, 1e-5 * std::abs(a[i].trainLoss));
    }
    EXPECT_GT(a.front().trainLoss, 0);
    ModelUpsampler model(d / "whole/checkpoints/best/model.pt", "cpu", 1);
    EXPECT_EQ(model.chunking().chunk, 8u * 1024);  // long chunks: few crossfades of predicted phase
    EXPECT_EQ(model.chunking().overlap, 256u);
    model.setChunking(2048, 512);  // and a file longer than a chunk
    const auto y = model.upsample(harmonics(200, 4000, 3001), 4000);
    EXPECT_EQ(y.size(), 3001u * 4);
    for (float v : y) ASSERT_TRUE(std::isfinite(v));
}

// The first epoch trains on good patches and saves its checkpoints; the second epoch's first
// batch holds a patch with a NaN label (picked from the seeded epoch orders, and one the first
// epoch never sees): the run fails, and the first epoch's checkpoints are kept, unharmed.
TEST(Trainer, NonFiniteLossStopsTheRunAndKeepsTheLastGoodCheckpoint) {
    TempDir d;
    const auto ds = makeDataset(d);
    auto cfg = smallRun(d / "nan.h5");
    PairFileReader reader(ds);
    const size_t n = reader.count(Split::Train), dim = 1024;
    const size_t perEpoch = size_t(cfg.stepsPerEpoch) * size_t(cfg.batch);
    const auto first = epochOrder(n, cfg.seed, 0), second = epochOrder(n, cfg.seed, 1);
    const std::set<size_t> seenFirst(first.begin(), first.begin() + long(perEpoch));
    size_t bad = n;
    for (size_t k = 0; k < size_t(cfg.batch) && bad == n; ++k)
        if (!seenFirst.count(second[k])) bad = second[k];
    ASSERT_LT(bad, n) << "every patch of the second epoch's first batch is seen in the first";
    {
        PairFileWriter w(d / "nan.h5", reader.info().spec);
        std::vector<float> in(dim), label(dim);
        for (Split s : kSplits)
            for (size_t i = 0; i < reader.count(s); ++i) {
                reader.read(s, i, 1, in.data(), label.data());
                if (s == Split::Train && i == bad) label[10] = NAN;
                w.append(s, label.data(), in.data(), 0, 0);
            }
        w.finish(reader.manifestJson());
    }
    createRun(d / "run", cfg);
    TrainEvents quiet;
    TrainControl control;
    try {
        trainRun(d / "run", quiet, control);
        FAIL() << "a NaN loss must stop the run";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("NaN"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("step " + std::to_string(cfg.stepsPerEpoch + 1)), std::string::npos) << e.what();
    }
    EXPECT_EQ(readRunStatus(d / "run").state, RunState::Failed);
    // The first epoch's checkpoints: there, at its end, and loadable (finite weights).
    for (const char* name : {"last", "best", "epoch-0001"}) {
        const std::string ck = d / ("run/checkpoints/" + std::string(name));
        ASSERT_TRUE(fs::exists(ck + "/model.pt")) << name;
        EXPECT_EQ(readCheckpointMeta(ck).step, cfg.stepsPerEpoch) << name;
        EXPECT_NO_THROW(loadModel(ck)) << name;
    }
    EXPECT_FALSE(fs::exists(d / "run/checkpoints/epoch-0002"));
}

TEST(Trainer, BadDatasetsAreRefusedBeforeAnythingRuns) {
    TempDir d;
    auto cfg = smallRun(d / "missing.h5");
    EXPECT_THROW(createRun(d / "run", cfg), Error);
    writeText(d / "junk.h5", "not hdf5");
    cfg.dataset = d / "junk.h5";
    try {
        createRun(d / "run2", cfg);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("junk.h5"), std::string::npos);
    }
    cfg.dataset = makeDataset(d);
    cfg.batch = 100000;
    EXPECT_THROW(createRun(d / "run3", cfg), Error);
}

// docs/reference.md §4: chunked inference equals one pass away from the edges, has no seams, and returns
// exactly len x r samples.
TEST(ModelUpsampler, ChunkedOutputMatchesASinglePassWithoutSeams) {
    TempDir d;
    const auto ds = makeDataset(d);
    auto cfg = smallRun(ds);
    cfg.epochs = 1;
    createRun(d / "run", cfg);
    TrainEvents quiet;
    TrainControl control;
    trainRun(d / "run", quiet, control);
    ModelUpsampler model(d / "run/checkpoints/best/model.pt", "cpu", 1);
    model.setChunking(4096, 1024);
    const auto low = harmonics(180, 4000, 12345);
    const size_t n = low.size() * 4;
    auto chunked = model.run(low, n);
    auto single = model.runSinglePass(low, n);
    ASSERT_EQ(chunked.size(), n);
    ASSERT_EQ(single.size(), n);
    double worst = 0, peak = 0;
    for (size_t i = 2048; i + 2048 < n; ++i) {
        worst = std::max(worst, double(std::abs(chunked[i] - single[i])));
        peak = std::max(peak, double(std::abs(single[i])));
    }
    EXPECT_LT(worst, 1e-3 * peak) << "worst " << worst << " of peak " << peak;
    // bfloat16 inference stays within bf16 precision of the float32 result.
    ModelUpsampler bf(d / "run/checkpoints/best", "cpu", 1);
    bf.setPrecision("bf16");
    auto half = bf.runSinglePass(low, n);
    double err = 0, ref = 0;
    for (size_t i = 0; i < n; ++i) err += double(half[i] - single[i]) * (half[i] - single[i]), ref += double(single[i]) * single[i];
    EXPECT_LT(10 * std::log10(err / ref), -30.0);
    EXPECT_THROW(bf.setPrecision("fp8"), Error);
    // Any input rate: 11025 Hz in -> resampled to 4 kHz -> 16 kHz out, duration kept.
    auto y = model.upsample(harmonics(200, 11025, 11025), 11025);
    EXPECT_EQ(y.size(), 16000u);
}

// Whole-signal chunked inference as it is defined (docs/reference.md §4) and was computed before
// inference streamed: every chunk of the whole signal, raised-cosine crossfades, sums.
std::vector<float> referenceChunked(const ChunkForward& forward, const std::vector<float>& x, ChunkPlan plan) {
    const size_t n = x.size(), W = plan.chunk, O = plan.overlap, H = W - O;
    const size_t chunks = n <= W ? 1 : 1 + (n - W + H - 1) / H;
    std::vector<float> out(n, 0.0f);
    for (size_t c = 0; c < chunks; ++c) {
        const size_t s = c * H, len = std::min(W, n - s);
        auto t = torch::zeros({1, 1, int64_t(W)});
        std::copy(x.begin() + long(s), x.begin() + long(s + len), t.data_ptr<float>());
        const auto y = forward(t);
        for (size_t i = 0; i < len; ++i) {
            float w = 1.0f;
            const auto up = [&](size_t k) { return float(0.5 - 0.5 * std::cos(M_PI * (double(k) + 0.5) / double(O))); };
            if (c > 0 && i < O) w = up(i);
            if (c + 1 < chunks && i >= W - O) w = 1.0f - up(i - (W - O));
            out[s + i] += w * y.data_ptr<float>()[i];
        }
    }
    return out;
}

float worstDifference(const std::vector<float>& a, const std::vector<float>& b) {
    float worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

// Chunks see their neighbours' samples (the roll), so a wrong cut or crossfade shows.
TEST(ChunkedStream, PiecesOfAnySizeGiveTheWholeSignalsResult) {
    const ChunkForward forward = [](const torch::Tensor& t) { return torch::tanh(3 * t + t.roll(1, -1)).contiguous(); };
    const ChunkPlan plan{1024, 256};
    std::mt19937 g(3);
    for (size_t n : {size_t(1), size_t(1024), size_t(1025), size_t(100003)})
        for (bool parallel : {false, true}) {
            SCOPED_TRACE("n=" + std::to_string(n) + (parallel ? " parallel" : ""));
            const auto x = noise(n, unsigned(n));
            const auto expected = referenceChunked(forward, x, plan);
            std::vector<float> got;
            const SampleSink append = [&](const float* s, size_t k) { got.insert(got.end(), s, s + k); };
            ChunkedStream stream(forward, plan, 4, parallel, 2);
            std::uniform_int_distribution<size_t> len(1, 30000);
            for (size_t at = 0; at < n;) {
                const size_t k = std::min(len(g), n - at);
                stream.push(x.data() + at, k, append);
                at += k;
            }
            stream.finish(append);
            ASSERT_EQ(got.size(), n);
            EXPECT_LE(worstDifference(got, expected), 1e-6f);
            EXPECT_EQ(runChunked(forward, x, plan, 4, parallel, 2), got);
        }
}

// A file streamed through the model (read, resampled 11025 -> 4000 Hz, interpolated, chunked,
// block by block) equals the whole-file chain on the whole signal: 15 s cross three spline
// stretches, the resampler's blocks and 156 chunks in three blocks.
TEST(ModelUpsampler, AFileStreamsToTheWholeFilePathsResult) {
    TempDir d;
    auto cfg = smallRun(makeDataset(d));
    cfg.epochs = 1;
    createRun(d / "run", cfg);
    TrainEvents quiet;
    TrainControl control;
    trainRun(d / "run", quiet, control);
    const std::string ck = d / "run/checkpoints/best";
    auto x = harmonics(150, 11025, 15 * 11025);
    const auto hiss = noise(x.size(), 9, 0.01);
    for (size_t i = 0; i < x.size(); ++i) x[i] += hiss[i];
    writeAudio(d / "in.wav", x, 11025);

    auto net = loadModel(ck);
    net->eval();
    torch::NoGradGuard noGrad;
    const ChunkForward forward = [&](const torch::Tensor& t) { return net->infer(t).contiguous(); };
    const size_t n = size_t(std::llround(double(x.size()) * 16000 / 11025));
    const auto expected = referenceChunked(forward, splineUpsample(resample(x, 11025, 4000), 4, n), {2048, 512});

    ModelUpsampler model(ck, "cpu", 2);
    model.setChunking(2048, 512);
    model.setLowBand(false);  // the network's chain alone (low-band consistency streams on its own tests)
    AudioReader reader(d / "in.wav");
    std::vector<float> got;
    const size_t made = model.upsample(reader, [&](const float* s, size_t k) { got.insert(got.end(), s, s + k); });
    ASSERT_EQ(made, n);
    ASSERT_EQ(got.size(), n);
    float peak = 0;
    for (float v : expected) peak = std::max(peak, std::abs(v));
    EXPECT_LE(worstDifference(got, expected), 1e-6f * std::max(1.0f, peak));
    EXPECT_EQ(model.upsample(x, 11025), got);  // the in-memory call is the same stream
    // As an evaluation method: the low-rate stream in pieces gives run() on the whole signal.
    const auto low = resample(x, 11025, 4000);
    const auto whole = model.run(low, low.size() * 4);
    CancelToken cancel;
    auto shared = std::make_shared<ModelUpsampler>(ck, "cpu", 2);
    shared->setChunking(2048, 512);
    shared->setLowBand(false);
    // The Method goes at once: its stream keeps the model alive.
    const auto stream = modelMethod(std::move(shared), "m").stream(cancel);
    std::vector<float> streamed;
    const SampleSink append = [&](const float* s, size_t k) { streamed.insert(streamed.end(), s, s + k); };
    for (size_t at = 0; at < low.size(); at += 7777) stream->push(low.data() + at, std::min<size_t>(7777, low.size() - at), append);
    stream->finish(low.size() * 4, append);
    ASSERT_EQ(streamed.size(), whole.size());
    EXPECT_LE(worstDifference(streamed, whole), 1e-6f * std::max(1.0f, peak));
}

}  // namespace srlab

namespace srlab {

// A damaged metrics.csv (a crash mid-row, a disk error, an editor) must not take the Training
// page down: std::stoll threw on such rows before. Rows that parse are kept, others skipped.
TEST(RunFolder, DamagedMetricsRowsAreSkipped) {
    test::TempDir d;
    test::writeText(d / "metrics.csv", std::string(kMetricsCsvHeader) +
                                           "1,0,0.5,0.25,,,\n"
                                           "2,0,1.0,0.20,0.3,12.5,1.1\n"
                                           "x,0,1.0,0.20\n"
                                           "99999999999999999999999,0,1,1\n"
                                           "3,-1,1,1\n"
                                           "4,0,1.5,0.1\n"
                                           "5,0,2.0,0.\n"
                                           "6,0,2.5,0.1,,,,900,1.5,512,0.0003,2.5\n"
                                           "7,0,2.5,0.1,,,,900,1.5,512,0.0003,2.5,1\n"
                                           "8,0,2.0,0.");
    const auto rows = readRunMetrics(d.str());
    ASSERT_EQ(rows.size(), 6u);  // the 13-cell row is not one of ours
    EXPECT_EQ(rows[4].step, 6);
    EXPECT_EQ(rows[4].memMiB, 512);
    EXPECT_EQ(rows[4].lr, 0.0003);
    EXPECT_EQ(rows[4].gradNorm, 2.5);
    EXPECT_TRUE(std::isnan(rows[3].gradNorm));  // rows of earlier SRLab have none
    EXPECT_EQ(rows[1].step, 2);
    EXPECT_TRUE(rows[1].hasVal());
    EXPECT_FALSE(rows[0].hasVal());
    EXPECT_EQ(rows[2].step, 4);
    EXPECT_EQ(rows[3].step, 5);  // "0." parses: a row cut inside a number is still a number
    test::writeText(d / "status.json", "[1, 2]");
    EXPECT_EQ(readRunStatus(d.str()).state, RunState::Unknown);
}

}  // namespace srlab

namespace srlab {
using namespace test;

// A warm start (`srlab train --init`): the new run's first step is taken from the checkpoint's
// weights (its loss equals that checkpoint's loss on the same batch), with a fresh optimiser;
// a checkpoint of another network is refused with one line naming both.
TEST(Trainer, AWarmStartBeginsFromTheCheckpointsWeights) {
    TempDir d;
    const auto ds = makeDataset(d);
    auto cfg = smallRun(ds);
    cfg.model.dropout = 0;  // the step's loss is then a function of the weights and the batch
    cfg.epochs = 1;
    createRun(d / "a", cfg);
    TrainEvents quiet;
    TrainControl control;
    trainRun(d / "a", quiet, control);
    const std::string ck = d / "a/checkpoints/last";
    // The loss the checkpoint gives on the first batch of epoch 0.
    const auto reader = openDataset(ds);
    const auto order = epochOrder(reader->count(Split::Train), cfg.seed, 0);
    const int64_t dim = reader->info().spec.dim;
    auto x = torch::empty({cfg.batch, 1, dim}), y = torch::empty({cfg.batch, 1, dim});
    readItems(*reader, Split::Train, order.data(), size_t(cfg.batch), x.data_ptr<float>(), y.data_ptr<float>(), 0);
    auto net = loadModel(ck);
    net->train();
    const double expected = computeLoss(LossSpec{cfg.loss, cfg.stftWeight, 16000}, net->forward(x), y).item<double>();

    auto warm = cfg;
    warm.init = ck;
    warm.epochs = 1;
    createRun(d / "b", warm);
    TrainControl control2;
    StopAt stop(control2, 1);
    trainRun(d / "b", stop, control2);
    const auto rows = readRunMetrics(d / "b");
    ASSERT_FALSE(rows.empty());
    EXPECT_NEAR(rows.front().trainLoss, expected, 1e-6 * std::max(1.0, expected));
    EXPECT_NE(readBytes(d / "b/config.json").find("\"init\": \"" + fs::absolute(ck).string()), std::string::npos);
    // A fresh start on the same batch has another loss (the weights did move the first).
    createRun(d / "c", cfg);
    TrainControl control3;
    StopAt stop3(control3, 1);
    trainRun(d / "c", stop3, control3);
    EXPECT_GT(std::abs(readRunMetrics(d / "c").front().trainLoss - expected), 1e-4 * expected);
    // Another architecture is refused, naming both.
    auto other = cfg;
    other.model = makeModelConfig("tfilm", "tiny");
    other.init = ck;
    try {
        createRun(d / "d", other);
        FAIL();
    } catch (const Error& e) {
        const std::string w = e.what();
        EXPECT_NE(w.find("audiounet/tiny"), std::string::npos) << w;
        EXPECT_NE(w.find("tfilm/tiny"), std::string::npos) << w;
    }
    EXPECT_FALSE(fs::exists(d / "d/config.json"));
}

}  // namespace srlab
