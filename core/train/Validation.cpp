// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/Validation.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "dsp/Interpolate.h"
#include "dsp/LowBand.h"
#include "metrics/Metrics.h"
#include "util/AtomicFile.h"
#include "train/BatchLoader.h"
#include "train/DataParallel.h"

namespace srlab {

Validation validate(SrNet& net, const PatchDataset& reader, const TrainConfig& cfg, const LossSpec& loss,
                    torch::Device device, DataParallel* dp) {
    Split split = reader.count(Split::Val) ? Split::Val : Split::Test;
    size_t n = reader.count(split);
    if (cfg.valItems > 0) n = std::min(n, size_t(cfg.valItems));
    if (n == 0) return {};
    const int64_t dim = reader.info().spec.dim;
    const int rate = reader.info().spec.rate, scale = reader.info().spec.scale;
    torch::NoGradGuard noGrad;
    net.eval();
    Validation v{0, 0, 0};
    const size_t step = size_t(std::max(1, cfg.batch));
    std::vector<size_t> idx(step);
    const size_t world = dp ? size_t(dp->env().world) : 1, rank = dp ? size_t(dp->env().rank) : 0;
    for (size_t first = rank * step; first < n; first += step * world) {
        size_t m = std::min(step, n - first);
        for (size_t i = 0; i < m; ++i) idx[i] = first + i;
        auto x = torch::empty({int64_t(m), 1, dim}), y = torch::empty({int64_t(m), 1, dim});
        readItems(reader, split, idx.data(), m, x.data_ptr<float>(), y.data_ptr<float>());
        auto est = net.forward(x.to(device));
        v.loss += computeLoss(loss, est, y.to(device)).item<double>() * double(m);
        auto e = est.to(torch::kCPU).contiguous();
        for (size_t i = 0; i < m; ++i) {
            const float* yi = y.data_ptr<float>() + i * dim;
            const float* ei = e.data_ptr<float>() + i * dim;
            std::vector<float> kept;
            if (cfg.valLowBand) {
                // The patch's low-res samples: every r-th sample of the interpolated input
                // (readItems interpolates a stored low-res patch too).
                const float* xi = x.data_ptr<float>() + i * dim;
                std::vector<float> low(size_t(dim / scale));
                for (size_t k = 0; k < low.size(); ++k) low[k] = xi[k * size_t(scale)];
                kept = keepLowBand(low, scale, double(rate) / scale, std::vector<float>(ei, ei + dim));
                ei = kept.data();
            }
            v.snr += snrDb(yi, ei, size_t(dim));
            v.lsd += lsdStandard(yi, ei, size_t(dim), rate, scale).all;
        }
    }
    net.train();
    if (dp) {
        const auto s = dp->sum({v.loss, v.snr, v.lsd});
        v = {s[0], s[1], s[2]};
    }
    v.loss /= double(n);
    v.snr /= double(n);
    v.lsd /= double(n);
    return v;
}


void writeValidationBaselines(const std::string& runDir, const PatchDataset& reader, const TrainConfig& cfg) {
    const auto& info = reader.info();
    if (!info.hasLabel) return;
    Split split = reader.count(Split::Val) ? Split::Val : Split::Test;
    size_t n = reader.count(split);
    if (cfg.valItems > 0) n = std::min(n, size_t(cfg.valItems));
    if (n == 0) return;
    const auto& spec = info.spec;
    const size_t dim = size_t(spec.dim), inDim = size_t(info.inputDim);
    std::vector<float> input(n * inDim), label(n * dim);
    reader.read(split, 0, n, input.data(), label.data());
    const bool lowStored = spec.baseline == Baseline::None;
    const std::string own = lowStored ? "spline" : toString(spec.baseline);
    double ownSnr = 0, ownLsd = 0, sincSnr = 0, sincLsd = 0;
    for (size_t i = 0; i < n; ++i) {
        const float* y = label.data() + i * dim;
        const float* x = input.data() + i * inDim;
        // Interpolating baselines pass through the low-res samples: every r-th input sample.
        std::vector<float> low;
        for (size_t k = 0; k < dim / size_t(spec.scale); ++k) low.push_back(lowStored ? x[k] : x[k * size_t(spec.scale)]);
        const std::vector<float> ownEst = lowStored ? upsample(low, spec.scale, dim, Baseline::Spline) : std::vector<float>(x, x + dim);
        const std::vector<float> sinc = upsample(low, spec.scale, dim, Baseline::Sinc);
        ownSnr += snrDb(y, ownEst.data(), dim);
        ownLsd += lsdStandard(y, ownEst.data(), dim, spec.rate, spec.scale).all;
        sincSnr += snrDb(y, sinc.data(), dim);
        sincLsd += lsdStandard(y, sinc.data(), dim, spec.rate, spec.scale).all;
    }
    nlohmann::ordered_json j;
    j[own] = {{"snr_db", ownSnr / double(n)}, {"lsd_db", ownLsd / double(n)}};
    if (own != "sinc") j["sinc"] = {{"snr_db", sincSnr / double(n)}, {"lsd_db", sincLsd / double(n)}};
    j["patches"] = n;
    j["split"] = toString(split);
    writeFileAtomically((std::filesystem::path(runDir) / "baselines.json").string(), j.dump(1));
}

}  // namespace srlab
