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
#include "train/BatchLoader.h"
#include "train/Checkpoint.h"
#include "train/DataParallel.h"
#include "train/Losses.h"
#include "train/Validation.h"
#include "util/AtomicFile.h"
#include "util/Error.h"
#include "util/FileLock.h"
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
           "," + csvNum(r.samplesPerS) + "," + csvNum(r.dataWaitMs) + "\n";
}

void writeStatus(const std::string& dir, const std::string& state, const std::string& message) {
    writeFileAtomically((fs::path(dir) / "status.json").string(),
                        nlohmann::json{{"state", state}, {"message", message}}.dump(2));
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

std::string describeDevice(const std::string& request) {
    auto d = pickDevice(request);
    if (d.is_cuda()) return "cuda (" + std::to_string(torch::cuda::device_count()) + " device(s))";
    return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
}

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
    writeFileAtomically((dir / "config.json").string(), j.dump(2));
    writeFileAtomically((dir / "metrics.csv").string(), kMetricsCsvHeader);
    writeStatus(runDir, "created", "");
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

RunOutcome trainRun(const std::string& runDir, TrainEvents& events, TrainControl& control, const DistEnv& dist) {
    const fs::path dir(runDir), ckDir = dir / "checkpoints";
    // Data-parallel: join the other ranks first (under torchrun, rank 0 may still be creating
    // the run folder), then read the run. Only rank 0 writes the folder.
    std::unique_ptr<DataParallel> dp;
    if (dist.active()) {
        dp = std::make_unique<DataParallel>(dist, std::chrono::seconds(kDistTimeoutS));
        dp->barrier();
    }
    const bool writer = dist.writer();
    const TrainConfig cfg = readRunConfig(runDir);
    // One writer per run folder: a second `train --resume` (or a second GUI) is refused, not
    // interleaved into the same metrics.csv and checkpoints. Released at return, or by the
    // kernel when the process dies.
    std::optional<FileLock> lock;
    if (writer) lock.emplace((dir / kRunLockFile).string(), runDir, "being trained");
    std::ofstream logFile;
    if (writer) logFile.open(dir / "train.log", std::ios::app);
    auto log = [&](const std::string& line) {
        if (!writer) return;
        logFile << line << "\n";
        logFile.flush();
        events.log(line);
    };
    auto status = [&](const std::string& state, const std::string& message) {
        if (writer) writeStatus(runDir, state, message);
    };
    try {
        const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
        torch::set_num_threads(cfg.threads > 0 ? cfg.threads : std::max(1, cores / dist.localWorld));
        auto device = pickDevice(cfg.device);
        if (device.is_cuda() && dist.active())  // one GPU per local rank
            device = torch::Device(torch::kCUDA, torch::DeviceIndex(dist.localRank % int(torch::cuda::device_count())));
        // cuDNN picks the fastest convolution algorithms for the (fixed) patch shape.
        if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
        PairFileReader reader(cfg.dataset);
        const auto& spec = reader.info().spec;
        if (spec.rate != cfg.model.rate || spec.scale != cfg.model.scale || spec.dim != cfg.model.dim)
            throw Error(cfg.dataset, "no longer matches the run's model (rate, scale or patch length changed)");

        torch::manual_seed(cfg.seed);
        auto net = makeNet(cfg.model);
        net->to(device);
        auto disc = net->discriminator();
        if (disc) disc->to(device);
        torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(cfg.lr).betas({0.9, 0.999}));
        std::unique_ptr<torch::optim::Adam> discOpt;
        if (disc) discOpt = std::make_unique<torch::optim::Adam>(disc->parameters(), torch::optim::AdamOptions(cfg.lr).betas({0.5, 0.999}));
        TrainState state{&opt, discOpt.get()};

        CheckpointMeta at;
        const fs::path last = ckDir / "last";
        // Any earlier progress (a checkpoint, or rows of a run killed before its first one) makes
        // this a resume, which must see the same data.
        if (fs::exists(last / "model.json") || !readRunMetrics(runDir).empty()) checkDatasetUnchanged(dir, cfg.dataset);
        if (fs::exists(last / "model.json")) {
            at = loadTrainState(last.string(), *net, state);
            if (writer) truncateMetrics(dir / "metrics.csv", at.step);
            log("resumed from step " + std::to_string(at.step) + " (epoch " + std::to_string(at.epoch + 1) + ")");
        } else {
            if (writer) truncateMetrics(dir / "metrics.csv", 0);
            log("started: " + cfg.model.arch + "/" + cfg.model.preset + ", " + std::to_string(countParameters(*net)) +
                " parameters, loss " + cfg.loss + ", on " + describeDevice(cfg.device));
        }
        if (dp) {  // rank 0's weights everywhere, as DDP starts
            std::vector<torch::Tensor> all;
            for (auto* m : {static_cast<torch::nn::Module*>(net.get()), static_cast<torch::nn::Module*>(disc.get())})
                if (m) {
                    for (auto& p : m->parameters()) all.push_back(p);
                    for (auto& b : m->buffers()) all.push_back(b);
                }
            dp->broadcast(all);
            log("data-parallel: " + std::to_string(dist.world) + " ranks (Gloo), batch " + std::to_string(cfg.batch) +
                " per rank, " + std::to_string(cfg.batch * dist.world) + " per step");
        }
        events.started(describeDevice(cfg.device) + (dp ? ", rank " + std::to_string(dist.rank) + " of " + std::to_string(dist.world) : ""),
                       countParameters(*net));
        status("running", "");

        // Each global batch of batch x world items is the same as one rank's batch of that size
        // would be, in the same seeded order; rank r takes its r-th slice.
        const size_t nTrain = reader.count(Split::Train);
        const size_t world = size_t(dist.world), globalBatch = size_t(cfg.batch) * world;
        int64_t perEpoch = int64_t(nTrain / globalBatch);
        if (perEpoch == 0)
            throw Error(cfg.dataset, "has " + std::to_string(nTrain) + " training patches, fewer than one step of " +
                                         std::to_string(globalBatch) + " (batch " + std::to_string(cfg.batch) + " x " +
                                         std::to_string(world) + " ranks)");
        if (cfg.stepsPerEpoch > 0) perEpoch = std::min(perEpoch, cfg.stepsPerEpoch);
        const int64_t total = perEpoch * cfg.epochs;
        LossSpec loss{cfg.loss, cfg.stftWeight, spec.rate};
        double bestVal = INFINITY;
        if (fs::exists(ckDir / "best" / "model.json")) {
            auto b = readCheckpointMeta((ckDir / "best").string());
            if (std::isfinite(b.valLoss)) bestVal = b.valLoss;
        }

        std::ofstream csv;
        if (writer) csv.open(dir / "metrics.csv", std::ios::app);
        const auto t0 = Clock::now();
        double pausedS = 0;
        auto wall = [&] { return at.wallS + std::chrono::duration<double>(Clock::now() - t0).count() - pausedS; };
        const double wallAtStart = at.wallS;
        const int64_t stepAtStart = at.step;
        auto save = [&](const std::string& name) {
            if (!writer) return;
            CheckpointMeta m = at;
            m.wallS = wall();
            saveCheckpoint((ckDir / name).string(), *net, m, state);
        };

        net->train();
        for (int epoch = at.epoch; epoch < cfg.epochs; ++epoch) {
            std::vector<size_t> order = epochOrder(nTrain, cfg.seed, epoch);
            if (world > 1) {
                std::vector<size_t> shard;
                for (size_t g = 0; g + globalBatch <= order.size(); g += globalBatch)
                    shard.insert(shard.end(), order.begin() + long(g + size_t(dist.rank) * size_t(cfg.batch)),
                                 order.begin() + long(g + size_t(dist.rank + 1) * size_t(cfg.batch)));
                order = std::move(shard);
            }
            BatchLoader loader(reader, Split::Train, cfg.batch, std::move(order), size_t(at.batch), size_t(perEpoch), 4,
                               device.is_cuda());
            torch::Tensor x, y;
            // Throughput per step: from asking the loader for a batch to the loss on the host
            // (item() waits for the device), and the part of it spent waiting for the loader.
            auto stepStart = Clock::now();
            while (loader.next(x, y)) {
                const double waitMs = std::chrono::duration<double, std::milli>(Clock::now() - stepStart).count();
                bool pausedThisStep = false;
                if (control.pause.load()) {
                    pausedThisStep = true;
                    status("paused", "");
                    auto p0 = Clock::now();
                    while (control.pause.load() && !control.stop.cancelled())
                        std::this_thread::sleep_for(std::chrono::milliseconds(50));
                    pausedS += std::chrono::duration<double>(Clock::now() - p0).count();
                    status("running", "");
                }
                bool stopped = control.stop.cancelled();
                bool timeUp = cfg.timeLimitS > 0 && wall() - wallAtStart >= cfg.timeLimitS;
                if (dp) {  // all ranks stop at the same step, whichever was asked
                    const auto s = dp->sum({stopped ? 1.0 : 0.0, timeUp ? 1.0 : 0.0});
                    stopped = s[0] > 0;
                    timeUp = s[1] > 0;
                }
                if (stopped || timeUp) {
                    csv.flush();
                    save("last");
                    const std::string why = stopped ? "stopped by the user" : "time limit reached";
                    log(why + " at step " + std::to_string(at.step) + "; checkpoint saved, resume continues from here");
                    status("stopped", why);
                    return stopped ? RunOutcome::Stopped : RunOutcome::TimeLimit;
                }
                x = x.to(device, /*non_blocking=*/true);  // from pinned memory on CUDA: overlaps
                y = y.to(device, /*non_blocking=*/true);
                auto est = net->forward(x);
                auto l = computeLoss(loss, est, y);
                if (disc) {
                    // LSGAN: the generator pushes D(fake) to 1; the discriminator learns real 1, fake 0.
                    l = l + net->spectralL1(est, y) + cfg.advWeight * (net->discriminate(est) - 1).pow(2).mean();
                }
                double value = l.item<double>();
                if (dp) value = dp->sum({value})[0] / double(world);  // the global batch's loss
                if (!std::isfinite(value)) {
                    csv.flush();
                    throw Error(runDir, "training diverged: the loss is " + std::string(std::isnan(value) ? "NaN" : "infinite") +
                                            " at step " + std::to_string(at.step + 1) +
                                            "; the last good checkpoint is kept (try a lower learning rate)");
                }
                opt.zero_grad();
                l.backward();
                if (dp) dp->averageGradients(net->parameters());
                opt.step();
                if (disc) {
                    auto dl = (net->discriminate(y) - 1).pow(2).mean() + net->discriminate(est.detach()).pow(2).mean();
                    discOpt->zero_grad();
                    dl.backward();
                    if (dp) dp->averageGradients(disc->parameters());
                    discOpt->step();
                }
                ++at.step;
                ++at.batch;
                at.epoch = epoch;
                TrainRow row{at.step, epoch + 1, wall(), value};
                if (!pausedThisStep) {
                    const double stepS = std::chrono::duration<double>(Clock::now() - stepStart).count();
                    row.samplesPerS = double(x.size(0) * int64_t(world)) / std::max(stepS, 1e-9);
                    row.dataWaitMs = waitMs;
                }
                if (writer) csv << csvRow(row) << std::flush;  // other processes (a GUI) follow the file live
                events.row(row);
                const double rate = (wall() - wallAtStart) / double(std::max<int64_t>(1, at.step - stepAtStart));
                events.progress(at.step, total, rate * double(total - at.step));
                stepStart = Clock::now();
            }
            auto v = validate(*net, reader, cfg, loss, device, dp.get());
            TrainRow row{at.step, epoch + 1, wall(), NAN, v.loss, v.snr, v.lsd};
            if (writer) csv << csvRow(row) << std::flush;
            events.row(row);
            at.epoch = epoch + 1;
            at.batch = 0;
            at.valLoss = v.loss;
            at.valSnr = v.snr;
            at.valLsd = v.lsd;
            char name[32];
            std::snprintf(name, sizeof name, "epoch-%04d", epoch + 1);
            save(name);
            if (v.loss < bestVal) {
                bestVal = v.loss;
                save("best");
            }
            save("last");
            char msg[160];
            std::snprintf(msg, sizeof msg, "epoch %d: val loss %.6g, SNR %.2f dB, LSD %.3f dB", epoch + 1, v.loss, v.snr, v.lsd);
            log(msg);
        }
        status("finished", "");
        if (dp) {
            char msg[200];
            std::snprintf(msg, sizeof msg, "data-parallel: %.2f MB of gradients all-reduced per step; all-reduces took %.1f%% of %.1f s",
                          dp->gradientBytesPerStep() / 1e6, 100.0 * dp->allreduceSeconds() / std::max(1e-9, wall() - wallAtStart),
                          wall() - wallAtStart);
            log(msg);
        }
        log("finished after " + std::to_string(at.step) + " steps");
        return RunOutcome::Finished;
    } catch (const Error& e) {
        status("failed", e.what());
        log(std::string("failed: ") + e.what());
        throw;
    } catch (const c10::Error& e) {
        std::string what = firstLineOf(e.what_without_backtrace());
        if (what.find("out of memory") != std::string::npos)  // CUDA's allocator: say what to do
            what = "the device ran out of memory at batch " + std::to_string(cfg.batch) + " (" + what +
                   "); resume with a smaller batch, e.g. " + std::to_string(std::max(1, cfg.batch / 2)) +
                   " (edit \"batch\" in config.json); the last checkpoint is kept";
        status("failed", what);
        log("failed: " + what);
        throw Error(runDir, what);
    } catch (const std::exception& e) {  // never leave status.json saying "running"
        status("failed", e.what());
        log(std::string("failed: ") + e.what());
        throw Error(runDir, e.what());
    }
}

}  // namespace srlab
