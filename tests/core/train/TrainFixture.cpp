// SPDX-License-Identifier: GPL-3.0-or-later
#include "TrainFixture.h"

#include <cmath>

#include "dataset/PairBuilder.h"
#include "dataset/StreamedDataset.h"
#include "train/Trainer.h"
#include "util/Progress.h"

namespace srlab::test {

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
std::string makeDataset(const TempDir& d, const std::string& name, const std::string& degrade) {
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

std::string trainTinyCheckpoint(const TempDir& d) {
    auto cfg = smallRun(makeDataset(d));
    cfg.epochs = 1;
    createRun(d / "run", cfg);
    TrainEvents quiet;
    TrainControl control;
    trainRun(d / "run", quiet, control);
    return d / "run/checkpoints/best";
}

}  // namespace srlab::test
