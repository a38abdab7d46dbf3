// SPDX-License-Identifier: GPL-3.0-or-later
// `srlab train`: start or resume a training run (a run folder, see core/train/Trainer.h).
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>

#include "cli/Commands.h"
#include "cli/Launcher.h"
#include "cli/TerminalProgress.h"
#include "runs/ModelConfig.h"
#include "runs/DistEnv.h"
#include "train/Trainer.h"
#include "util/DeviceInfo.h"
#include "util/Error.h"

namespace srlab::cli {
namespace {

struct TrainOptions {
    TrainConfig cfg;
    std::string arch = "audiounet", preset = "small", run, resume;
    bool listPresets = false, quiet = false;
    int nproc = 1;
};

// The progress line, plus a log line per epoch; Ctrl-C turns into a clean stop.
class TerminalTrainEvents final : public TrainEvents {
public:
    TerminalTrainEvents(TrainControl& control, bool quiet) : control_(control), bar_("steps", quiet), quiet_(quiet) {}
    void started(const std::string& device, int64_t parameters) override {
        if (quiet_) return;
        std::fprintf(stderr, "training on %s, %lld parameters\n", device.c_str(), (long long)parameters);
    }
    void row(const TrainRow& r) override {
        if (r.hasVal()) return;
        loss_ = loss_ < 0 ? r.trainLoss : 0.98 * loss_ + 0.02 * r.trainLoss;
        if (r.samplesPerS == r.samplesPerS) {
            rate_ = rate_ < 0 ? r.samplesPerS : 0.9 * rate_ + 0.1 * r.samplesPerS;
            wait_ = wait_ < 0 ? r.dataWaitMs : 0.9 * wait_ + 0.1 * r.dataWaitMs;
        }
        if (r.memMiB == r.memMiB) mem_ = r.memMiB * 1024.0 * 1024.0;
    }
    void progress(int64_t step, int64_t total, double) override {
        if (interruptToken().cancelled()) control_.stop.cancel();
        char msg[128];
        std::snprintf(msg, sizeof msg, "loss %.4g, %.0f samples/s, data wait %.1f ms, memory %s", loss_,
                      std::max(rate_, 0.0), std::max(wait_, 0.0), formatMemory(mem_).c_str());
        bar_.progress(double(step), double(total), msg);
    }
    void log(const std::string& line) override { bar_.note(line); }
    void finish() { bar_.finish(); }

private:
    TrainControl& control_;
    TerminalProgress bar_;
    double loss_ = -1, rate_ = -1, wait_ = -1;  // smoothed over steps
    double mem_ = NAN;                          // the latest step's
    bool quiet_;
};

void runTrain(TrainOptions& o) {
    if (o.listPresets) {
        for (const auto& a : modelArchs()) {
            std::printf("%s:", a.c_str());
            for (const auto& p : modelPresets(a)) std::printf(" %s", p.c_str());
            std::printf("\n");
        }
        return;
    }
    // torchrun's variables (or --nproc's, in the ranks it starts) make this process one rank.
    const DistEnv dist = distEnvFromEnvironment();
    if (o.nproc < 1) throw Error("--nproc", "must be at least 1");
    if (o.nproc > 1 && dist.active()) throw Error("--nproc", "cannot be combined with torchrun's WORLD_SIZE (already a rank)");
    std::string dir = o.resume;
    if (!dir.empty() && !o.cfg.init.empty())
        throw Error("--init", "starts a new run from a checkpoint's weights; a resumed run goes on from its own");
    if (dir.empty()) {
        if (o.run.empty()) throw Error("--run", "name a run folder for a new run (or --resume DIR)");
        if (o.cfg.dataset.empty()) throw Error("--dataset", "a new run needs a dataset (.h5 from `srlab dataset build`)");
        const auto rate = o.cfg.model.rate;
        o.cfg.model = makeModelConfig(o.arch, o.preset);
        o.cfg.model.rate = rate;
        if (dist.writer()) createRun(o.run, o.cfg);  // the other ranks wait for it in trainRun
        dir = o.run;
        if (dist.writer()) std::fprintf(stderr, "run folder: %s\n", dir.c_str());
    }
    if (o.nproc > 1) {  // rank 0 reports the outcome
        launchLocalRanks(dir, o.nproc);
        return;
    }
    TrainControl control;
    TerminalTrainEvents events(control, o.quiet || !dist.writer());
    RunOutcome outcome = trainRun(dir, events, control, dist);
    events.finish();
    if (outcome == RunOutcome::Finished) {
        if (dist.writer()) std::fprintf(stderr, "finished; best checkpoint: %s/checkpoints/best\n", dir.c_str());
        return;
    }
    if (dist.writer())
        std::fprintf(stderr, "%s; continue with: srlab train --resume %s%s\n",
                     outcome == RunOutcome::Stopped ? "stopped" : "time limit reached", dir.c_str(),
                     dist.active() ? " (with the same number of ranks)" : "");
    if (outcome == RunOutcome::Stopped) throw ExitCode{130};
}

}  // namespace

void addTrainCommand(CLI::App& root) {
    auto o = std::make_shared<TrainOptions>();
    CLI::App* t = root.add_subcommand("train", "Train a model on a dataset, or resume a run (docs/reference.md §3)");
    auto& c = o->cfg;
    t->add_option("--dataset", c.dataset, "Dataset from `srlab dataset build`: HDF5 (.h5) or streamed (.json)");
    t->add_option("--model", o->arch, "audiounet, tfilm, inception, spectral, specgan, apbwe")->capture_default_str();
    t->add_option("--preset", o->preset, "Size preset (see --list-presets)")->capture_default_str();
    t->add_option("--run", o->run, "New run folder (config.json, metrics.csv, checkpoints/)");
    t->add_option("--resume", o->resume, "Continue the run in this folder from its last checkpoint");
    t->add_option("--init", c.init,
                  "Start from this checkpoint's weights (a fresh optimiser and schedule): fine-tuning; the same "
                  "architecture, preset, rate and scale");
    t->add_option("--loss", c.loss, "mse, mrstft or mse+mrstft")->capture_default_str();
    t->add_option("--stft-weight", c.stftWeight, "Weight of the MR-STFT term in mse+mrstft")->capture_default_str();
    t->add_option("--lr", c.lr, "Adam learning rate")->capture_default_str();
    t->add_option("--lr-schedule", c.lrSchedule, "constant, or cosine (decay to 0 over the run)")->capture_default_str();
    t->add_option("--warmup-steps", c.warmupSteps, "Linear learning-rate warm-up from 0 over this many steps")
        ->capture_default_str();
    t->add_option("--batch", c.batch, "Batch size")->capture_default_str();
    t->add_option("--epochs", c.epochs, "Epochs")->capture_default_str();
    t->add_option("--steps-per-epoch", c.stepsPerEpoch, "Cap on steps per epoch (0 = whole split)")->capture_default_str();
    t->add_option("--val-items", c.valItems, "Validation patches per epoch (0 = all)")->capture_default_str();
    t->add_option_function<std::string>(
         "--val-low-band", [&c](const std::string& v) { c.valLowBand = v == "input"; },
         "Validation scores the estimate with the input's own low band kept (input, as `srlab upsample` "
         "gives it) or the network's output as is (model)")
        ->check(CLI::IsMember({"input", "model"}))
        ->default_str("input");
    t->add_option("--seed", c.seed, "Seed for initialisation, shuffling and dropout")->capture_default_str();
    t->add_option("--device", c.device, "auto, cpu or cuda")->capture_default_str();
    t->add_option("--threads", c.threads, "CPU threads (0 = all cores)")->capture_default_str();
    t->add_option("--loaders", c.loaders,
                  "Threads making batches ahead of the step (a streamed dataset cuts and degrades items in them)")
        ->capture_default_str();
    t->add_option("--precision", c.precision,
                  "auto (bf16 on CUDA for U-Net models, else fp32), fp32, or bf16 (U-Net models: the forward "
                  "pass in bfloat16 autocast; the loss, backward pass, weights and optimiser in float32)")
        ->capture_default_str();
    t->add_option("--nproc", o->nproc,
                  "Data-parallel: start N local ranks (one per GPU, or N CPU ranks sharing the cores); "
                  "torchrun's RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT are honoured too")
        ->capture_default_str();
    t->add_option("--snapshot-clips", c.snapshotClips,
                  "Validation clips upsampled at every validation into the run's snapshots/ (0 = none)")
        ->capture_default_str();
    t->add_option("--snapshot-seconds", c.snapshotSeconds, "Length of each snapshot clip, about")->capture_default_str();
    t->add_option("--time-limit", c.timeLimitS, "Stop with a checkpoint after this many seconds (0 = none)");
    t->add_flag("--list-presets", o->listPresets, "List architectures and their presets");
    t->add_flag("--quiet", o->quiet, "No progress line");
    t->callback([o] { runTrain(*o); });
}

}  // namespace srlab::cli
