// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/Trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "dataset/PatchDataset.h"
#include "metrics/Metrics.h"
#include "model/Nets.h"
#include "srlab/Version.h"
#include "runs/RunWriter.h"
#include "runs/Snapshots.h"
#include "train/BatchLoader.h"
#include "train/Checkpoint.h"
#include "train/DataParallel.h"
#include "train/Device.h"
#include "train/Losses.h"
#include "train/OptimStep.h"
#include "train/SnapshotWriter.h"
#include "train/TensorBoardLog.h"
#include "train/Validation.h"
#include "util/AtomicFile.h"
#include "util/DeviceInfo.h"
#include "util/Error.h"
#include "util/FileLock.h"
#include "util/Hash.h"

namespace srlab {
namespace fs = std::filesystem;
namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

void createRun(const std::string& runDir, TrainConfig cfg) {
    cfg.validate();
    fs::path dir(runDir);
    std::error_code ec;
    fs::create_directories(dir / "checkpoints", ec);
    if (ec) throw Error(runDir, "cannot create the run folder (" + ec.message() + ")");
    checkWritableDir((dir / "config.json").string());
    const FileLock lock((dir / kRunLockFile).string(), runDir, "being created or trained");
    if (fs::exists(dir / "config.json")) throw Error(runDir, "already holds a run; use resume, or pick a new folder");
    const auto dataset = openDataset(cfg.dataset);  // validates the dataset before anything is written
    const PatchDataset& reader = *dataset;
    const auto& info = reader.info();
    if (!info.hasLabel) throw Error(cfg.dataset, "holds real low-res input without labels; it cannot train a model");
    if (reader.count(Split::Train) < size_t(cfg.batch))
        throw Error(cfg.dataset, "has " + std::to_string(reader.count(Split::Train)) +
                                     " training patches, fewer than one batch of " + std::to_string(cfg.batch));
    cfg.model.fitTo(info.spec.rate, info.spec.scale, info.spec.dim);
    cfg.model.validate();
    if (!cfg.init.empty()) {
        // A warm start must be the same network: its weights are loaded by name and shape.
        const std::string ck = checkpointDir(cfg.init);
        const ModelConfig a = readCheckpointConfig(ck);
        const ModelConfig& b = cfg.model;
        const auto describe = [](const ModelConfig& m) {
            return m.arch + "/" + m.preset + " at " + std::to_string(m.rate) + " Hz x" + std::to_string(m.scale);
        };
        if (a.arch != b.arch || a.preset != b.preset || a.rate != b.rate || a.scale != b.scale)
            throw Error(cfg.init, "is a " + describe(a) + " checkpoint; this run trains " + describe(b) +
                                      ": a warm start needs the same architecture, preset, rate and scale");
        cfg.init = fs::absolute(ck).string();
        auto net = makeNet(cfg.model);
        loadWeights(cfg.init, *net);  // every tensor present with its shape, or one clear line now
    }
    auto j = nlohmann::json::parse(cfg.toJson());
    j["dataset"] = fs::absolute(cfg.dataset).string();
    j["dataset_sha256"] = sha256File(cfg.dataset);
    j["code_version"] = kVersion;
    j["libtorch"] = TORCH_VERSION;
    RunWriter writer(runDir);
    writer.startMetrics(0);
    writeValidationBaselines(runDir, reader, cfg);
    writer.log(createSnapshotClips(runDir, reader, cfg.snapshotClips, cfg.snapshotSeconds, cfg.seed));
    // config.json last: a folder without it is not a run, so a failed creation can be retried.
    writer.writeConfig(j.dump(2));
    writer.setStatus(RunState::Created, "");
}

namespace {
// Seconds a collective waits for the other ranks: covers rank 0 writing a checkpoint while the
// others wait, and bounds how long a rank that died goes unnoticed.
constexpr int kDistTimeoutS = 300;

std::string firstLineOf(const std::string& s) { return s.substr(0, s.find('\n')); }

// A resumed run must see the data it started on: a dataset rebuilt or replaced since (even while
// the run trained, which reads the old file to its end) would silently mix two datasets.
void checkDatasetUnchanged(const fs::path& dir, const std::string& dataset) {
    std::string recorded;
    try {
        std::ifstream in(dir / "config.json");
        recorded = nlohmann::json::parse(in).value("dataset_sha256", std::string());
    } catch (const nlohmann::json::exception&) {
    }
    if (!recorded.empty() && sha256File(dataset) != recorded)
        throw Error(dataset, "has changed since this run was created (its SHA-256 differs from the one in " +
                                 (dir / "config.json").string() +
                                 "); restore that dataset to resume, or start a new run on this one");
}
}  // namespace

namespace {

// One run being trained, on the calling thread: the steps of trainRun() as small functions
// over the state they share. Only the writer (rank 0, or the only rank) touches the folder,
// through its RunWriter; every event goes to the caller's observer and, on the writer, to
// TensorBoard.
class RunSession {
public:
    RunSession(const std::string& runDir, TrainEvents& events, TrainControl& control, const DistEnv& dist)
        : runDir_(runDir), dir_(runDir), ckDir_(dir_ / "checkpoints"), userEvents_(events), control_(control), dist_(dist) {}

    // Joins the other ranks, takes the folder's lock, reads the run.
    void open() {
        // Data-parallel: join the other ranks first (under torchrun, rank 0 may still be
        // creating the run folder), then read the run.
        if (dist_.active()) {
            dp_ = std::make_unique<DataParallel>(dist_, std::chrono::seconds(kDistTimeoutS));
            dp_->barrier();
        }
        cfg_ = readRunConfig(runDir_);
        // One writer per run folder: a second `train --resume` (or a second GUI) is refused,
        // not interleaved into the same metrics.csv and checkpoints. Released at return, or by
        // the kernel when the process dies.
        if (dist_.writer()) {
            lock_.emplace((dir_ / kRunLockFile).string(), runDir_, "being trained");
            writer_ = std::make_unique<RunWriter>(runDir_);
        }
    }

    // Device, dataset, networks and optimisers; from checkpoints/last when there is one.
    void setUp();
    RunOutcome trainEpochs();
    void fail(const std::string& what) {
        status(RunState::Failed, what);
        log("failed: " + what);
        ended(false);
    }
    void ended(bool success) {
        if (tensorboard_) tensorboard_->end(success);
    }
    const TrainConfig& config() const { return cfg_; }

private:
    void log(const std::string& line) {
        if (!writer_) return;
        writer_->log(line);
        events_.log(line);
    }
    // A remark the user must see (train.log, and the CLI's and the GUI's status line).
    void note(const std::string& text) {
        log("note: " + text);
        events_.note(text);
    }
    void status(RunState state, const std::string& message) {
        if (writer_) writer_->setStatus(state, message);
    }
    double wall() const { return at_.wallS + std::chrono::duration<double>(Clock::now() - t0_).count() - pausedS_; }
    void save(const std::string& name) {
        if (!writer_) return;
        CheckpointMeta m = at_;
        m.wallS = wall();
        saveCheckpoint((ckDir_ / name).string(), *net_, m, state_);
    }
    void writeRow(const TrainRow& row) {
        if (writer_) writer_->appendRow(row);  // flushed: other processes (a GUI) follow the file live
        events_.row(row);
    }
    std::vector<size_t> shardOf(std::vector<size_t> order) const;
    bool waitWhilePaused();
    std::optional<RunOutcome> stopIfAsked();
    void endEpoch(int epoch);
    void logDataParallelCost();

    const std::string runDir_;
    const fs::path dir_, ckDir_;
    TrainEvents& userEvents_;
    TrainEventsFanOut events_{{&userEvents_}};
    TrainControl& control_;
    const DistEnv& dist_;
    std::unique_ptr<DataParallel> dp_;
    std::unique_ptr<RunWriter> writer_;  // the writer rank's only
    std::unique_ptr<TensorBoardLog> tensorboard_;
    bool bf16_ = false;
    TrainConfig cfg_;
    std::optional<FileLock> lock_;
    torch::Device device_{torch::kCPU};
    std::unique_ptr<PatchDataset> reader_;
    std::shared_ptr<SrNet> net_;
    std::shared_ptr<torch::nn::Module> disc_;
    std::unique_ptr<torch::optim::Adam> opt_, discOpt_;
    std::unique_ptr<OptimStep> optim_;
    TrainState state_;
    CheckpointMeta at_;
    LossSpec loss_;
    double bestVal_ = INFINITY;
    int64_t perEpoch_ = 0, total_ = 0, stepAtStart_ = 0;
    size_t globalBatch_ = 0;
    Clock::time_point t0_;
    double pausedS_ = 0, wallAtStart_ = 0;
};

void RunSession::setUp() {
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(cfg_.threads > 0 ? cfg_.threads : std::max(1, cores / dist_.localWorld));
    device_ = pickDevice(cfg_.device);
    if (device_.is_cuda() && dist_.active())  // one GPU per local rank
        device_ = torch::Device(torch::kCUDA, torch::DeviceIndex(dist_.localRank % int(torch::cuda::device_count())));
    // cuDNN picks the fastest convolution algorithms for the (fixed) patch shape.
    if (device_.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
    bf16_ = cfg_.useBf16(device_.is_cuda());
    reader_ = openDataset(cfg_.dataset);
    const auto& spec = reader_->info().spec;
    if (spec.rate != cfg_.model.rate || spec.scale != cfg_.model.scale || spec.dim != cfg_.model.dim)
        throw Error(cfg_.dataset, "no longer matches the run's model (rate, scale or patch length changed)");

    torch::manual_seed(cfg_.seed);
    net_ = makeNet(cfg_.model);
    net_->to(device_);
    disc_ = net_->discriminator();
    if (disc_) disc_->to(device_);
    opt_ = std::make_unique<torch::optim::Adam>(net_->parameters(), torch::optim::AdamOptions(cfg_.lr).betas({0.9, 0.999}));
    if (disc_)
        discOpt_ = std::make_unique<torch::optim::Adam>(disc_->parameters(), torch::optim::AdamOptions(cfg_.lr).betas({0.5, 0.999}));
    state_ = TrainState{opt_.get(), discOpt_.get()};

    const fs::path last = ckDir_ / "last";
    // Any earlier progress (a checkpoint, or rows of a run killed before its first one) makes
    // this a resume, which must see the same data.
    const auto earlier = readRunSummary(runDir_);
    if (fs::exists(last / "model.json") || (earlier && earlier->steps > 0) || !readRunMetrics(runDir_).empty())
        checkDatasetUnchanged(dir_, cfg_.dataset);
    if (fs::exists(last / "model.json")) {
        at_ = loadTrainState(last.string(), *net_, state_);
        if (writer_) writer_->startMetrics(at_.step);
        if (writer_) truncateSnapshots(runDir_, at_.step);
        log("resumed from step " + std::to_string(at_.step) + " (epoch " + std::to_string(at_.epoch + 1) + ")");
    } else {
        if (writer_) writer_->startMetrics(0);
        if (!cfg_.init.empty()) loadWeights(cfg_.init, *net_);  // a warm start: weights only
        log("started: " + cfg_.model.arch + "/" + cfg_.model.preset + ", " + std::to_string(countParameters(*net_)) +
            " parameters, loss " + cfg_.loss + ", on " + describe(device_) +
            (bf16_ ? ", forward in bf16 autocast" : "") +
            (cfg_.init.empty() ? std::string() : ", from the weights of " + cfg_.init));
    }
    if (dp_) {  // rank 0's weights everywhere, as DDP starts
        dp_->useDevice(device_);
        std::vector<torch::Tensor> all;
        for (auto* m : {static_cast<torch::nn::Module*>(net_.get()), static_cast<torch::nn::Module*>(disc_.get())})
            if (m) {
                for (auto& p : m->parameters()) all.push_back(p);
                for (auto& b : m->buffers()) all.push_back(b);
            }
        dp_->broadcast(all);
        log("data-parallel: " + std::to_string(dist_.world) + " ranks (" + dp_->backendName() + "), batch " + std::to_string(cfg_.batch) +
            " per rank, " + std::to_string(cfg_.batch * dist_.world) + " per step");
    }
    const std::string device = describe(device_) + (bf16_ ? ", bf16 autocast" : "") +
                               (dp_ ? ", rank " + std::to_string(dist_.rank) + " of " + std::to_string(dist_.world) : "");
    if (writer_) writer_->setDevice(describe(device_) + (dp_ ? " x " + std::to_string(dist_.world) + " ranks" : ""));
    events_.started(device, countParameters(*net_));

    // Each global batch of batch x world items is the same as one rank's batch of that size
    // would be, in the same seeded order; rank r takes its r-th slice.
    const size_t nTrain = reader_->count(Split::Train);
    globalBatch_ = size_t(cfg_.batch) * size_t(dist_.world);
    perEpoch_ = int64_t(nTrain / globalBatch_);
    if (perEpoch_ == 0)
        throw Error(cfg_.dataset, "has " + std::to_string(nTrain) + " training patches, fewer than one step of " +
                                      std::to_string(globalBatch_) + " (batch " + std::to_string(cfg_.batch) + " x " +
                                      std::to_string(dist_.world) + " ranks)");
    if (cfg_.stepsPerEpoch > perEpoch_)  // never silently fewer steps than asked
        note("steps per epoch: " + std::to_string(cfg_.stepsPerEpoch) + " asked, but the dataset's " +
             std::to_string(nTrain) + " training patches give " + std::to_string(perEpoch_) + " steps of " +
             std::to_string(globalBatch_) + "; each epoch takes " + std::to_string(perEpoch_));
    if (reader_->count(Split::Val) == 0 && reader_->count(Split::Test) == 0)
        note("the dataset has no validation or test patches (built from one file?): epochs end without validation, "
             "so there are no SNR or LSD curves and no best checkpoint; build it from several files to validate");
    if (cfg_.stepsPerEpoch > 0) perEpoch_ = std::min(perEpoch_, cfg_.stepsPerEpoch);
    total_ = perEpoch_ * cfg_.epochs;
    if (writer_) writer_->setTotalSteps(total_);
    status(RunState::Running, "");
    loss_ = LossSpec{cfg_.loss, cfg_.stftWeight, spec.rate};
    optim_ = std::make_unique<OptimStep>(*net_, disc_.get(), *opt_, discOpt_.get(), cfg_, loss_, dp_.get(), dist_.world, bf16_);
    if (fs::exists(ckDir_ / "best" / "model.json")) {
        auto b = readCheckpointMeta((ckDir_ / "best").string());
        if (std::isfinite(b.valLoss)) bestVal_ = b.valLoss;
    }
    if (writer_) {
        tensorboard_ = std::make_unique<TensorBoardLog>(runDir_, cfg_);
        events_ = TrainEventsFanOut({&userEvents_, tensorboard_.get()});
    }
    t0_ = Clock::now();
    wallAtStart_ = at_.wallS;
    stepAtStart_ = at_.step;
}

std::vector<size_t> RunSession::shardOf(std::vector<size_t> order) const {
    if (dist_.world <= 1) return order;
    std::vector<size_t> shard;
    const size_t b = size_t(cfg_.batch), r = size_t(dist_.rank);
    for (size_t g = 0; g + globalBatch_ <= order.size(); g += globalBatch_)
        shard.insert(shard.end(), order.begin() + long(g + r * b), order.begin() + long(g + (r + 1) * b));
    return shard;
}

// Blocks while the user holds Pause (the time paused is not training time); true if it did.
bool RunSession::waitWhilePaused() {
    if (!control_.paused()) return false;
    status(RunState::Paused, "");
    const auto p0 = Clock::now();
    control_.waitWhilePaused();
    pausedS_ += std::chrono::duration<double>(Clock::now() - p0).count();
    status(RunState::Running, "");
    return true;
}

// Stop or time limit: every rank stops at the same step, whichever was asked, after a
// checkpoint a resume continues from.
std::optional<RunOutcome> RunSession::stopIfAsked() {
    bool stopped = control_.stop.cancelled();
    bool timeUp = cfg_.timeLimitS > 0 && wall() - wallAtStart_ >= cfg_.timeLimitS;
    if (dp_) {
        const auto s = dp_->sum({stopped ? 1.0 : 0.0, timeUp ? 1.0 : 0.0});
        stopped = s[0] > 0;
        timeUp = s[1] > 0;
    }
    if (!stopped && !timeUp) return std::nullopt;
    save("last");
    const std::string why = stopped ? "stopped by the user" : "time limit reached";
    log(why + " at step " + std::to_string(at_.step) + "; checkpoint saved, resume continues from here");
    status(RunState::Stopped, why);
    return stopped ? RunOutcome::Stopped : RunOutcome::TimeLimit;
}

// Validation (split across ranks), its row, and the epoch's checkpoints.
void RunSession::endEpoch(int epoch) {
    auto v = validate(*net_, *reader_, cfg_, loss_, device_, dp_.get());
    const bool validated = reader_->count(Split::Val) + reader_->count(Split::Test) > 0;  // else nothing to validate on
    if (validated) writeRow(TrainRow{at_.step, epoch + 1, wall(), NAN, v.loss, v.snr, v.lsd});
    at_.epoch = epoch + 1;
    at_.batch = 0;
    at_.valLoss = v.loss;
    at_.valSnr = v.snr;
    at_.valLsd = v.lsd;
    char name[32];
    std::snprintf(name, sizeof name, "epoch-%04d", epoch + 1);
    save(name);
    if (v.loss < bestVal_) {
        bestVal_ = v.loss;
        save("best");
    }
    save("last");
    if (writer_) {
        try {  // a snapshot that cannot be written is said, and training goes on
            writeSnapshot(runDir_, at_.step, *net_, device_);
            events_.snapshot(at_.step);
        } catch (const Error& e) {
            log(std::string("snapshot not written: ") + e.what());
        }
    }
    char msg[160];
    if (validated) std::snprintf(msg, sizeof msg, "epoch %d: val loss %.6g, SNR %.2f dB, LSD %.3f dB", epoch + 1, v.loss, v.snr, v.lsd);
    else std::snprintf(msg, sizeof msg, "epoch %d: no validation (the dataset has no validation or test patches)", epoch + 1);
    log(msg);
}

void RunSession::logDataParallelCost() {
    if (!dp_) return;
    char msg[200];
    std::snprintf(msg, sizeof msg, "data-parallel: %.2f MB of gradients all-reduced per step; all-reduces took %.1f%% of %.1f s",
                  dp_->gradientBytesPerStep() / 1e6, 100.0 * dp_->allreduceSeconds() / std::max(1e-9, wall() - wallAtStart_),
                  wall() - wallAtStart_);
    log(msg);
}

RunOutcome RunSession::trainEpochs() {
    net_->train();
    const size_t world = size_t(dist_.world);
    for (int epoch = at_.epoch; epoch < cfg_.epochs; ++epoch) {
        BatchLoader loader(*reader_, Split::Train, cfg_.batch, shardOf(epochOrder(reader_->count(Split::Train), cfg_.seed, epoch)),
                           size_t(at_.batch), size_t(perEpoch_), epoch, cfg_.loaders, 4, device_.is_cuda());
        torch::Tensor x, y;
        // Throughput per step: from asking the loader for a batch to the loss on the host
        // (item() waits for the device), and the part of it spent waiting for the loader.
        auto stepStart = Clock::now();
        while (loader.next(x, y)) {
            const double waitMs = std::chrono::duration<double, std::milli>(Clock::now() - stepStart).count();
            const bool paused = waitWhilePaused();
            if (auto outcome = stopIfAsked()) return *outcome;
            x = x.to(device_, /*non_blocking=*/true);  // from pinned memory on CUDA: overlaps
            y = y.to(device_, /*non_blocking=*/true);
            const double value = optim_->run(x, y, at_.step, total_, runDir_);
            ++at_.step;
            ++at_.batch;
            at_.epoch = epoch;
            TrainRow row{at_.step, epoch + 1, wall(), value};
            if (!paused) {
                const double stepS = std::chrono::duration<double>(Clock::now() - stepStart).count();
                row.samplesPerS = double(x.size(0) * int64_t(world)) / std::max(stepS, 1e-9);
                row.dataWaitMs = waitMs;
                row.memMiB = (device_.is_cuda() ? cudaMemoryInUse() : processResidentBytes()) / (1024.0 * 1024.0);
            }
            row.lr = optim_->lastLr();
            row.gradNorm = optim_->lastGradNorm();
            writeRow(row);
            const double rate = (wall() - wallAtStart_) / double(std::max<int64_t>(1, at_.step - stepAtStart_));
            events_.progress(at_.step, total_, rate * double(total_ - at_.step));
            stepStart = Clock::now();
        }
        endEpoch(epoch);
    }
    status(RunState::Finished, "");
    logDataParallelCost();
    log("finished after " + std::to_string(at_.step) + " steps");
    return RunOutcome::Finished;
}

}  // namespace

RunOutcome trainRun(const std::string& runDir, TrainEvents& events, TrainControl& control, const DistEnv& dist) {
    RunSession run(runDir, events, control, dist);
    run.open();
    // From here any exception ends the run as failed, with its message in status.json and
    // train.log: status.json never keeps saying "running" for a run that is gone.
    try {
        run.setUp();
        const RunOutcome outcome = run.trainEpochs();
        // A stopped run goes on when resumed: only a finished one ends its HParams session.
        if (outcome == RunOutcome::Finished) run.ended(true);
        return outcome;
    } catch (const Error& e) {
        run.fail(e.what());
        throw;
    } catch (const c10::Error& e) {
        std::string what = firstLineOf(e.what_without_backtrace());
        const int batch = run.config().batch;
        if (what.find("out of memory") != std::string::npos)  // CUDA's allocator: say what to do
            what = "the device ran out of memory at batch " + std::to_string(batch) + " (" + what +
                   "); resume with a smaller batch, e.g. " + std::to_string(std::max(1, batch / 2)) +
                   " (edit \"batch\" in config.json); the last checkpoint is kept";
        run.fail(what);
        throw Error(runDir, what);
    } catch (const std::exception& e) {
        run.fail(e.what());
        throw Error(runDir, e.what());
    }
}

}  // namespace srlab
