// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/ModelBench.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "model/Nets.h"
#include "train/Losses.h"
#include "util/Error.h"

namespace srlab {
namespace {

template <typename F>
double medianSeconds(F&& f, int reps) {
    f();  // warm-up: allocator, kernels, plans
    std::vector<double> t;
    for (int i = 0; i < reps; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

ModelBenchResult benchModel(const std::string& arch, const std::string& preset, int rate, int dim, int batch,
                            int threads, bool withTraining, bool bf16) {
    torch::set_num_threads(threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency())));
    auto cfg = makeModelConfig(arch, preset);
    cfg.fitTo(rate, 4, dim);
    torch::manual_seed(0);
    auto net = makeNet(cfg);
    ModelBenchResult r{arch, preset, countParameters(*net)};
    auto x = torch::randn({1, 1, dim}) * 0.1;
    if (bf16) {
        if (cfg.isSpectral()) throw Error("--bf16", "bfloat16 inference is for the U-Net models (STFTs need float32)");
        net->to(torch::kBFloat16);
        x = x.to(torch::kBFloat16);
        withTraining = false;
    }
    {
        net->eval();
        torch::NoGradGuard g;
        r.forwardMs = 1000 * medianSeconds([&] { net->forward(x); }, 5);
        // Inference as `srlab upsample` runs it: batches of 4 chunks through infer().
        auto chunks = (torch::randn({4, 1, dim}) * 0.1).to(x.scalar_type());
        const double s = medianSeconds([&] { net->infer(chunks); }, 3);
        r.realTimeFactor = s / (4.0 * dim / rate);
    }
    if (withTraining) {
        net->train();
        torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(3e-4));
        auto bx = torch::randn({batch, 1, dim}) * 0.1, by = torch::randn({batch, 1, dim}) * 0.1;
        LossSpec loss{"mse", 1.0, rate};
        const double s = medianSeconds([&] {
            opt.zero_grad();
            computeLoss(loss, net->forward(bx), by).backward();
            opt.step();
        }, 3);
        r.trainStepsPerS = 1.0 / s;
    }
    return r;
}

}  // namespace srlab
