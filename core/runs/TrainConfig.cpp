// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/TrainConfig.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "util/Error.h"
#include "util/Json.h"

namespace srlab {

void TrainConfig::validate() const {
    auto fail = [](const std::string& m) { throw Error("training settings", m); };
    if (dataset.empty()) fail("no dataset given");
    if (loss != "mse" && loss != "mrstft" && loss != "mse+mrstft") fail("unknown loss '" + loss + "' (mse, mrstft, mse+mrstft)");
    if (!(lr > 0 && lr < 1)) fail("learning rate must be in (0, 1)");
    if (batch < 1 || batch > 4096) fail("batch must be 1..4096");
    if (epochs < 1) fail("epochs must be >= 1");
    if (device != "auto" && device != "cpu" && device != "cuda") fail("device must be auto, cpu or cuda");
    if (precision != "auto" && precision != "fp32" && precision != "bf16") fail("precision must be auto, fp32 or bf16");
    if (precision == "bf16" && model.isSpectral())
        fail("bf16 autocast is for the U-Net models; spectral models' STFTs need float32 (use --precision fp32)");
    if (lrSchedule != "constant" && lrSchedule != "cosine") fail("lr schedule must be constant or cosine");
    if (warmupSteps < 0) fail("warm-up steps must be >= 0");
    if (snapshotClips < 0 || snapshotClips > 16) fail("snapshot clips must be 0..16");
    if (!(snapshotSeconds > 0 && snapshotSeconds <= 60)) fail("snapshot seconds must be in (0, 60]");
    if (loaders < 1 || loaders > 64) fail("loader threads must be 1..64");
    if (threads < 0 || valItems < 0 || stepsPerEpoch < 0 || timeLimitS < 0) fail("negative count");
}

std::string TrainConfig::toJson() const {
    nlohmann::json j{{"dataset", dataset}, {"init", init}, {"model", nlohmann::json::parse(model.toJson())},
                     {"loss", loss}, {"stft_weight", stftWeight}, {"adv_weight", advWeight},
                     {"lr", lr}, {"lr_schedule", lrSchedule}, {"warmup_steps", warmupSteps}, {"batch", batch}, {"epochs", epochs}, {"seed", seed},
                     {"device", device}, {"threads", threads}, {"loaders", loaders}, {"precision", precision}, {"val_items", valItems},
                     {"val_low_band", valLowBand},
                     {"steps_per_epoch", stepsPerEpoch}, {"time_limit_s", timeLimitS},
                     {"snapshot_clips", snapshotClips}, {"snapshot_seconds", snapshotSeconds},
                     {"optimizer", {{"name", "adam"}, {"beta1", 0.9}, {"beta2", 0.999}}}};
    return j.dump(2);
}

TrainConfig TrainConfig::fromJson(const std::string& text) {
    TrainConfig c;
    try {
        auto j = parseJson(text);
        c.dataset = j.at("dataset").get<std::string>();
        c.model = ModelConfig::fromJson(j.at("model").dump());
        c.init = j.value("init", std::string());
        c.loss = j.value("loss", c.loss);
        c.stftWeight = j.value("stft_weight", c.stftWeight);
        c.advWeight = j.value("adv_weight", c.advWeight);
        c.lr = j.value("lr", c.lr);
        c.lrSchedule = j.value("lr_schedule", c.lrSchedule);  // runs of earlier SRLab: constant
        c.warmupSteps = j.value("warmup_steps", c.warmupSteps);
        c.batch = j.value("batch", c.batch);
        c.epochs = j.value("epochs", c.epochs);
        c.seed = j.value("seed", c.seed);
        c.device = j.value("device", c.device);
        c.threads = j.value("threads", c.threads);
        c.loaders = j.value("loaders", c.loaders);
        c.precision = j.value("precision", c.precision);  // runs of earlier SRLab: auto
        c.valItems = j.value("val_items", c.valItems);
        c.valLowBand = j.value("val_low_band", false);  // runs of earlier SRLab scored the raw output
        c.stepsPerEpoch = j.value("steps_per_epoch", c.stepsPerEpoch);
        c.timeLimitS = j.value("time_limit_s", c.timeLimitS);
        c.snapshotClips = j.value("snapshot_clips", 0);  // runs of earlier SRLab have none
        c.snapshotSeconds = j.value("snapshot_seconds", c.snapshotSeconds);
    } catch (const nlohmann::json::exception& e) {
        throw Error("training settings", std::string("malformed JSON: ") + jsonProblem(e));
    }
    c.validate();
    return c;
}

double TrainConfig::lrAt(int64_t step, int64_t totalSteps) const {
    if (step < warmupSteps) return lr * double(step + 1) / double(warmupSteps);
    if (lrSchedule != "cosine") return lr;
    const double span = double(std::max<int64_t>(1, totalSteps - warmupSteps));
    const double t = std::min(1.0, double(step - warmupSteps) / span);
    return lr * 0.5 * (1.0 + std::cos(M_PI * t));
}

bool TrainConfig::useBf16(bool cuda) const {
    if (precision == "bf16") return true;
    return precision == "auto" && cuda && !model.isSpectral();
}

}  // namespace srlab
