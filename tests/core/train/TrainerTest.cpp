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
#include "core/train/TrainFixture.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

namespace {

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
