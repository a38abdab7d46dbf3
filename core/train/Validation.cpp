// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/Validation.h"

#include "metrics/Metrics.h"
#include "train/BatchLoader.h"
#include "train/DataParallel.h"

namespace srlab {

Validation validate(SrNet& net, const PairFileReader& reader, const TrainConfig& cfg, const LossSpec& loss,
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


}  // namespace srlab
