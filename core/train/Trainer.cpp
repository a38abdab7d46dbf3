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

#include "dataset/PairFile.h"
#include "metrics/Metrics.h"
#include "model/Nets.h"
#include "srlab/Version.h"
#include "train/Autocast.h"
#include "train/BatchLoader.h"
#include "train/Checkpoint.h"
#include "train/DataParallel.h"
#include "train/SnapshotWriter.h"
#include "runs/EventFile.h"
#include "runs/Snapshots.h"
#include "audio/AudioFile.h"
#include "train/Losses.h"
#include "train/Validation.h"
#include "util/AtomicFile.h"
#include "util/Error.h"
#include "util/FileLock.h"
#include "util/DeviceInfo.h"
#include "util/Hash.h"

namespace srlab {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

std::string csvNum(double v) {
    if (!std::isfinite(v)) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}


std::string csvRow(const TrainRow& r) {
    return std::to_string(r.step) + "," + std::to_string(r.epoch) + "," + csvNum(r.wallS) + "," +
           csvNum(r.trainLoss) + "," + csvNum(r.valLoss) + "," + csvNum(r.valSnr) + "," + csvNum(r.valLsd) +
           "," + csvNum(r.samplesPerS) + "," + csvNum(r.dataWaitMs) + "," + csvNum(r.memMiB) + "," + csvNum(r.lr) +
           "," + csvNum(r.gradNorm) + "\n";
}

// Sets every parameter group's learning rate (the schedule's value for this step).
void setLearningRate(torch::optim::Adam& opt, double lr) {
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// The L2 norm of all gradients together, as torch.nn.utils.clip_grad_norm_ reports it.
double gradientNorm(const std::vector<torch::Tensor>& parameters) {
    torch::NoGradGuard noGrad;
    torch::Tensor sum;
    for (const auto& p : parameters) {
        if (!p.grad().defined()) continue;
        auto sq = p.grad().to(torch::kFloat).pow(2).sum();
        sum = sum.defined() ? sum + sq : sq;
    }
    return sum.defined() ? std::sqrt(sum.item<double>()) : 0.0;
}

torch::Device pickDevice(const std::string& request) {
    if (request == "cuda" && !torch::cuda::is_available())
        throw Error("device", "CUDA was requested but this libtorch has no usable CUDA device");
    if (request == "cpu" || !torch::cuda::is_available()) return torch::kCPU;
    return torch::kCUDA;
}

// Keeps metrics.csv in step with the checkpoint a resumed run starts from.
void truncateMetrics(const fs::path& csv, int64_t lastStep) {
    std::ifstream in(csv);
    std::string line, kept = kMetricsCsvHeader;
    std::getline(in, line);
    TrainRow row;
    while (std::getline(in, line)) {
        if (!parseMetricsRow(line, &row)) continue;  // a row cut by the crash being resumed from
        if (row.step > lastStep) break;
        kept += line + "\n";
    }
    writeFileAtomically(csv.string(), kept);
}

}  // namespace

namespace {

// "cuda:1 of 2 (NVIDIA H100 80GB HBM3, 79.6 GiB)" or "cpu (16 threads)".
std::string describe(const torch::Device& d) {
    if (!d.is_cuda()) return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
    const int index = d.has_index() ? int(d.index()) : 0;
    const auto info = cudaDeviceInfo(index);
    return "cuda:" + std::to_string(index) + " of " + std::to_string(torch::cuda::device_count()) + " (" +
           (info ? info->name + ", " + formatMemory(info->totalBytes) : std::string("unnamed")) + ")";
}

}  // namespace

std::string describeDevice(const std::string& request) { return describe(pickDevice(request)); }

void createRun(const std::string& runDir, TrainConfig cfg) {
    cfg.validate();
    fs::path dir(runDir);
    std::error_code ec;
    fs::create_directories(dir / "checkpoints", ec);
    if (ec) throw Error(runDir, "cannot create the run folder (" + ec.message() + ")");
    checkWritableDir((dir / "config.json").string());
    const FileLock lock((dir / kRunLockFile).string(), runDir, "being created or trained");
    if (fs::exists(dir / "config.json")) throw Error(runDir, "already holds a run; use resume, or pick a new folder");
    PairFileReader reader(cfg.dataset);  // validates the dataset before anything is written
    const auto& info = reader.info();
    if (!info.hasLabel) throw Error(cfg.dataset, "holds real low-res input without labels; it cannot train a model");
    if (reader.count(Split::Train) < size_t(cfg.batch))
        throw Error(cfg.dataset, "has " + std::to_string(reader.count(Split::Train)) +
                                     " training patches, fewer than one batch of " + std::to_string(cfg.batch));
    cfg.model.fitTo(info.spec.rate, info.spec.scale, info.spec.dim);
    cfg.model.validate();
    auto j = nlohmann::json::parse(cfg.toJson());
    j["dataset"] = fs::absolute(cfg.dataset).string();
    j["dataset_sha256"] = sha256File(cfg.dataset);
    j["code_version"] = kVersion;
    j["libtorch"] = TORCH_VERSION;
    writeFileAtomically((dir / "metrics.csv").string(), kMetricsCsvHeader);
    writeValidationBaselines(runDir, reader, cfg);
    const std::string clips = createSnapshotClips(runDir, reader, cfg.snapshotClips, cfg.snapshotSeconds, cfg.seed);
    std::ofstream(dir / "train.log", std::ios::app) << clips << "\n";
    // config.json last: a folder without it is not a run, so a failed creation can be retried.
    writeFileAtomically((dir / "config.json").string(), j.dump(2));
    writeRunStatus(runDir, RunState::Created, "");
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
// over the state they share. Only the writer (rank 0, or the only rank) touches the folder.
class RunSession {
public:
    RunSession(const std::string& runDir, TrainEvents& events, TrainControl& control, const DistEnv& dist)
        : runDir_(runDir), dir_(runDir), ckDir_(dir_ / "checkpoints"), events_(events), control_(control), dist_(dist) {}

    // Joins the other ranks, takes the folder's lock, reads the run.
    void open() {
        // Data-parallel: join the other ranks first (under torchrun, rank 0 may still be
        // creating the run folder), then read the run.
        if (dist_.active()) {
            dp_ = std::make_unique<DataParallel>(dist_, std::chrono::seconds(kDistTimeoutS));
            dp_->barrier();
        }
        writer_ = dist_.writer();
        cfg_ = readRunConfig(runDir_);
        // One writer per run folder: a second `train --resume` (or a second GUI) is refused,
        // not interleaved into the same metrics.csv and checkpoints. Released at return, or by
        // the kernel when the process dies.
        if (writer_) lock_.emplace((dir_ / kRunLockFile).string(), runDir_, "being trained");
        if (writer_) logFile_.open(dir_ / "train.log", std::ios::app);
    }

    // Device, dataset, networks and optimisers; from checkpoints/last when there is one.
    void setUp();
    RunOutcome trainEpochs();
    void fail(const std::string& what) {
        status(RunState::Failed, what);
        log("failed: " + what);
    }
    const TrainConfig& config() const { return cfg_; }

private:
    void log(const std::string& line) {
        if (!writer_) return;
        logFile_ << line << "\n";
        logFile_.flush();
        events_.log(line);
    }
    // A remark the user must see (train.log, and the CLI's and the GUI's status line).
    void note(const std::string& text) {
        log("note: " + text);
        events_.note(text);
    }
    void status(RunState state, const std::string& message) {
        if (writer_) writeRunStatus(runDir_, state, message);
    }
    double wall() const { return at_.wallS + std::chrono::duration<double>(Clock::now() - t0_).count() - pausedS_; }
    void save(const std::string& name) {
        if (!writer_) return;
        CheckpointMeta m = at_;
        m.wallS = wall();
        saveCheckpoint((ckDir_ / name).string(), *net_, m, state_);
    }
    void writeRow(const TrainRow& row) {
        if (writer_) csv_ << csvRow(row) << std::flush;  // other processes (a GUI) follow the file live
        if (tensorboard_) {  // the same numbers, for TensorBoard
            auto& t = *tensorboard_;
            t.scalar("train/loss", row.step, row.trainLoss);
            t.scalar("val/loss", row.step, row.valLoss);
            t.scalar("val/snr_db", row.step, row.valSnr);
            t.scalar("val/lsd_db", row.step, row.valLsd);
            t.scalar("train/samples_per_s", row.step, row.samplesPerS);
            t.scalar("train/data_wait_ms", row.step, row.dataWaitMs);
            t.scalar("train/mem_mib", row.step, row.memMiB);
            t.scalar("train/lr", row.step, row.lr);
            t.scalar("train/grad_norm", row.step, row.gradNorm);
        }
        events_.row(row);
    }
    // The step's audio snapshots (and, the first time, the clips' truth and input) for TensorBoard.
    void logSnapshotAudio(int64_t step) {
        if (!tensorboard_) return;
        const SnapshotIndex idx = readSnapshotIndex(runDir_);
        for (const auto& clip : idx.clips) {
            int rate = 0;
            if (!loggedClips_) {
                tensorboard_->audio("truth/" + clip.name, 0, readMono(snapshotTruthPath(runDir_, clip.name), &rate), idx.rate);
                tensorboard_->audio(idx.baseline + "/" + clip.name, 0, readMono(snapshotInputPath(runDir_, clip.name), &rate),
                                    idx.rate);
            }
            tensorboard_->audio("snapshot/" + clip.name, step, readMono(snapshotPath(runDir_, step, clip.name), &rate), idx.rate);
        }
        loggedClips_ = true;
    }
    std::vector<size_t> shardOf(std::vector<size_t> order) const;
    bool waitWhilePaused();
    std::optional<RunOutcome> stopIfAsked();
    double step(const torch::Tensor& x, const torch::Tensor& y);
    void ganStep(const torch::Tensor& est, const torch::Tensor& y);
    void endEpoch(int epoch);
    void logDataParallelCost();

    const std::string runDir_;
    const fs::path dir_, ckDir_;
    TrainEvents& events_;
    TrainControl& control_;
    const DistEnv& dist_;
    std::unique_ptr<DataParallel> dp_;
    bool writer_ = false, bf16_ = false;
    TrainConfig cfg_;
    std::optional<FileLock> lock_;
    std::ofstream logFile_, csv_;
    torch::Device device_{torch::kCPU};
    std::unique_ptr<PairFileReader> reader_;
    std::shared_ptr<SrNet> net_;
    std::shared_ptr<torch::nn::Module> disc_;
    std::unique_ptr<torch::optim::Adam> opt_, discOpt_;
    TrainState state_;
    CheckpointMeta at_;
    LossSpec loss_;
    double bestVal_ = INFINITY;
    int64_t perEpoch_ = 0, total_ = 0, stepAtStart_ = 0;
    double lastLr_ = NAN, lastGradNorm_ = NAN;  // of the latest step, for its metrics.csv row
    std::unique_ptr<EventFile> tensorboard_;    // the writer's TensorBoard event file
    bool loggedClips_ = false;
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
    reader_ = std::make_unique<PairFileReader>(cfg_.dataset);
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
    if (fs::exists(last / "model.json") || !readRunMetrics(runDir_).empty()) checkDatasetUnchanged(dir_, cfg_.dataset);
    if (fs::exists(last / "model.json")) {
        at_ = loadTrainState(last.string(), *net_, state_);
        if (writer_) truncateMetrics(dir_ / "metrics.csv", at_.step);
        if (writer_) truncateSnapshots(runDir_, at_.step);
        log("resumed from step " + std::to_string(at_.step) + " (epoch " + std::to_string(at_.epoch + 1) + ")");
    } else {
        if (writer_) truncateMetrics(dir_ / "metrics.csv", 0);
        log("started: " + cfg_.model.arch + "/" + cfg_.model.preset + ", " + std::to_string(countParameters(*net_)) +
            " parameters, loss " + cfg_.loss + ", on " + describe(device_) +
            (bf16_ ? ", forward in bf16 autocast" : ""));
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
    events_.started(describe(device_) + (bf16_ ? ", bf16 autocast" : "") +
                        (dp_ ? ", rank " + std::to_string(dist_.rank) + " of " + std::to_string(dist_.world) : ""),
                    countParameters(*net_));
    status(RunState::Running, "");

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
    if (cfg_.stepsPerEpoch > 0) perEpoch_ = std::min(perEpoch_, cfg_.stepsPerEpoch);
    total_ = perEpoch_ * cfg_.epochs;
    loss_ = LossSpec{cfg_.loss, cfg_.stftWeight, spec.rate};
    if (fs::exists(ckDir_ / "best" / "model.json")) {
        auto b = readCheckpointMeta((ckDir_ / "best").string());
        if (std::isfinite(b.valLoss)) bestVal_ = b.valLoss;
    }
    if (writer_) csv_.open(dir_ / "metrics.csv", std::ios::app);
    if (writer_) tensorboard_ = std::make_unique<EventFile>(runDir_);
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
    if (!control_.pause.load()) return false;
    status(RunState::Paused, "");
    const auto p0 = Clock::now();
    while (control_.pause.load() && !control_.stop.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
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
    csv_.flush();
    save("last");
    const std::string why = stopped ? "stopped by the user" : "time limit reached";
    log(why + " at step " + std::to_string(at_.step) + "; checkpoint saved, resume continues from here");
    status(RunState::Stopped, why);
    return stopped ? RunOutcome::Stopped : RunOutcome::TimeLimit;
}

// One optimiser step on a batch already on the device; returns the global batch's loss.
double RunSession::step(const torch::Tensor& x, const torch::Tensor& y) {
    torch::Tensor est;
    {  // the forward pass in bf16 autocast when asked; the loss and backward in float32
        AutocastScope autocast(device_, bf16_);
        est = net_->forward(x);
    }
    if (bf16_) est = est.to(torch::kFloat);
    auto l = computeLoss(loss_, est, y);
    if (auto own = net_->modelLoss(est, y); own.defined()) l = l + own;
    if (disc_)  // LSGAN: the generator pushes D(fake) to 1
        l = l + cfg_.advWeight * (net_->discriminate(est) - 1).pow(2).mean();
    double value = l.item<double>();
    if (dp_) value = dp_->sum({value})[0] / double(dist_.world);
    if (!std::isfinite(value)) {
        csv_.flush();
        throw Error(runDir_, "training diverged: the loss is " + std::string(std::isnan(value) ? "NaN" : "infinite") +
                                 " at step " + std::to_string(at_.step + 1) +
                                 "; the last good checkpoint is kept (try a lower learning rate)");
    }
    opt_->zero_grad();
    l.backward();
    if (dp_) dp_->averageGradients(net_->parameters());
    lastGradNorm_ = gradientNorm(net_->parameters());
    lastLr_ = cfg_.lrAt(at_.step, total_);
    setLearningRate(*opt_, lastLr_);
    opt_->step();
    if (disc_) ganStep(est, y);
    return value;
}

// The discriminator learns real 1, fake 0.
void RunSession::ganStep(const torch::Tensor& est, const torch::Tensor& y) {
    auto dl = (net_->discriminate(y) - 1).pow(2).mean() + net_->discriminate(est.detach()).pow(2).mean();
    discOpt_->zero_grad();
    dl.backward();
    if (dp_) dp_->averageGradients(disc_->parameters());
    setLearningRate(*discOpt_, lastLr_);
    discOpt_->step();
}

// Validation (split across ranks), its row, and the epoch's checkpoints.
void RunSession::endEpoch(int epoch) {
    auto v = validate(*net_, *reader_, cfg_, loss_, device_, dp_.get());
    writeRow(TrainRow{at_.step, epoch + 1, wall(), NAN, v.loss, v.snr, v.lsd});
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
            logSnapshotAudio(at_.step);
        } catch (const Error& e) {
            log(std::string("snapshot not written: ") + e.what());
        }
    }
    char msg[160];
    std::snprintf(msg, sizeof msg, "epoch %d: val loss %.6g, SNR %.2f dB, LSD %.3f dB", epoch + 1, v.loss, v.snr, v.lsd);
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
                           size_t(at_.batch), size_t(perEpoch_), 4, device_.is_cuda());
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
            const double value = step(x, y);
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
            row.lr = lastLr_;
            row.gradNorm = lastGradNorm_;
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
        return run.trainEpochs();
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
