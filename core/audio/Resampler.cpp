// SPDX-License-Identifier: GPL-3.0-or-later
#include "audio/Resampler.h"

#include <soxr.h>

#include <cmath>

#include "util/Error.h"

namespace srlab {

std::vector<float> resample(const std::vector<float>& x, double inRate, double outRate,
                            ResampleQuality q) {
    if (inRate <= 0 || outRate <= 0) throw Error("resample", "sample rates must be positive");
    if (inRate == outRate || x.empty()) return x;
    const size_t outLen = size_t(std::llround(double(x.size()) * outRate / inRate));
    if (outLen == 0) return {};  // shorter than one output sample (libsoxr needs a buffer)
    std::vector<float> y(outLen);
    soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t qs = soxr_quality_spec(q == ResampleQuality::VeryHigh ? SOXR_VHQ : SOXR_HQ, 0);
    soxr_runtime_spec_t rt = soxr_runtime_spec(1);  // callers parallelise over files
    size_t done = 0;
    soxr_error_t err = soxr_oneshot(inRate, outRate, 1, x.data(), x.size(), nullptr, y.data(),
                                    y.size(), &done, &io, &qs, &rt);
    if (err) throw Error("resample", std::string("libsoxr failed: ") + err);
    y.resize(done);
    y.resize(outLen, 0.0f);
    return y;
}

}  // namespace srlab
