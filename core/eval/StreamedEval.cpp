// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/StreamedEval.h"

#include <cmath>

#include "audio/AudioStream.h"
#include "audio/Resampler.h"
#include "metrics/MetricStream.h"
#include "util/Error.h"

namespace srlab {
namespace {

class BaselineMethodStream final : public MethodStream {
public:
    BaselineMethodStream(Baseline b, int scale) : s_(b, scale) {}
    void push(const float* low, size_t m, const SampleSink& out) override { s_.push(low, m, out); }
    void finish(size_t n, const SampleSink& out) override { s_.finish(n, out); }

private:
    BaselineStream s_;
};

// The target-rate signal of a file as a stream: resampled, cropped to a multiple of the scale
// (toTargetRate's signal), and with the degradation's gain. `limit` (when known) is the
// cropped length; otherwise the last scale - 1 samples are held back until the end.
size_t streamTarget(const std::string& file, int rate, int scale, double gainDb, size_t limit, const SampleSink& sink,
                    const CancelToken& cancel) {
    AudioReader reader(file);
    StreamResampler resampler(reader.rate(), rate);
    const float g = float(std::pow(10.0, gainDb / 20.0));
    const size_t s = size_t(scale);
    std::vector<float> held, block(65536);  // held: resampled, not yet sent
    size_t sent = 0;
    auto send = [&](size_t k) {
        if (gainDb != 0)
            for (size_t i = 0; i < k; ++i) held[i] *= g;  // as degrade() scales the reference
        if (k) sink(held.data(), k);
        sent += k;
        held.erase(held.begin(), held.begin() + long(k));
    };
    size_t produced = 0;
    const SampleSink take = [&](const float* x, size_t n) {
        produced += n;
        // The second pass knows the length: a file that has grown since the first is not scored.
        if (limit != size_t(-1) && produced >= limit + s)
            throw Error(file, "changed while it was being evaluated (it grew between two reads)");
        held.insert(held.end(), x, x + n);
        send(limit == size_t(-1) ? held.size() - std::min(held.size(), s - 1) : std::min(held.size(), limit - sent));
    };
    for (size_t got; (got = reader.read(block.data(), block.size())) > 0;) {
        cancel.throwIfCancelled();
        resampler.push(block.data(), got, take);
    }
    resampler.finish(take);
    if (limit == size_t(-1)) {
        const size_t total = sent + held.size();
        send(total - total % s - sent);
    } else if (sent < limit) {
        throw Error(file, "changed while it was being evaluated (it shrank between two reads)");
    }
    return sent;
}

}  // namespace

std::unique_ptr<MethodStream> baselineStream(Baseline b, int scale) { return std::make_unique<BaselineMethodStream>(b, scale); }

std::vector<EvalRow> evaluateStreamed(const std::string& file, int rate, int scale, const Degradation& d,
                                      const std::vector<Method>& methods, size_t minLength, const CancelToken& cancel,
                                      const std::function<void(double)>& onProgress, bool visqol) {
    bool silent = true;
    ReferencePass peak(rate);
    const size_t n = streamTarget(file, rate, scale, d.gainDb, size_t(-1), [&](const float* x, size_t k) {
        for (size_t i = 0; i < k && silent; ++i) silent = x[i] == 0.0f;
        peak.push(x, k);
    }, cancel);
    if (n < minLength)
        throw Error(file, "too short to evaluate (under " + std::to_string(minLength) + " samples at the target rate)");
    if (silent) throw Error(file, "digital silence: SNR and LSD against a silent reference are undefined");
    const ReferencePeaks top = peak.finish(n);

    MetricStream metrics(n, rate, scale, methods.size(), top, visqol);
    DegradeStream degrade(n, rate, scale, d);
    std::vector<std::unique_ptr<MethodStream>> streams;
    std::vector<SampleSink> estimates;
    for (size_t k = 0; k < methods.size(); ++k) {
        streams.push_back(methodStreamFor(methods[k], file, rate, scale, n, cancel));
        estimates.push_back([&metrics, k](const float* y, size_t m) { metrics.pushEstimate(k, y, m); });
    }
    const SampleSink low = [&](const float* x, size_t m) {
        for (size_t k = 0; k < streams.size(); ++k) streams[k]->push(x, m, estimates[k]);
    };
    size_t sent = 0, told = 0;
    streamTarget(file, rate, scale, d.gainDb, n, [&](const float* x, size_t k) {
        metrics.pushReference(x, k);
        degrade.push(x, k, low);
        sent += k;
        if (sent - told >= size_t(rate) * 5) {
            onProgress(double(sent) / double(n));
            told = sent;
        }
    }, cancel);
    degrade.finish(low);
    for (size_t k = 0; k < streams.size(); ++k) streams[k]->finish(n, estimates[k]);
    const auto sets = metrics.finish();
    std::vector<EvalRow> rows;
    for (size_t k = 0; k < methods.size(); ++k) rows.push_back({file, methods[k].name, sets[k]});
    return rows;
}

}  // namespace srlab
