// SPDX-License-Identifier: GPL-3.0-or-later
#include "infer/ModelUpsampler.h"

#include <cmath>
#include <mutex>
#include <thread>

#include "audio/Resampler.h"
#include "dsp/Interpolate.h"
#include "eval/LowBandMethod.h"
#include "model/Nets.h"
#include "train/Checkpoint.h"
#include "train/ChunkedInference.h"
#include "util/Error.h"
#include "util/ThreadPool.h"

namespace srlab {

struct ModelUpsampler::Impl {
    std::string checkpoint;
    std::shared_ptr<SrNet> net;
    torch::Device device{torch::kCPU};
    ChunkPlan plan;
    int batch = 4;
    int threads = 1;  // CPU threads a run uses
    bool lowBand = true;
    LowBandEdge edge;  // edgeHz 0: detected per signal

    // (m, 1, T) baseline chunks -> estimates on the CPU.
    torch::ScalarType dtype = torch::kFloat;
    // libtorch's errors never reach the user raw: they become one line naming the checkpoint.
    torch::Tensor forward(const torch::Tensor& x) const {
        torch::NoGradGuard noGrad;
        try {
            return net->infer(x.to(device, dtype)).to(torch::kCPU, torch::kFloat).contiguous();
        } catch (const c10::Error& e) {
            throw Error(checkpoint, "the model failed on a chunk of " + std::to_string(x.size(-1)) + " samples: " +
                                        firstLine(e.what_without_backtrace()));
        }
    }
    static std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
};

ModelUpsampler::ModelUpsampler(const std::string& checkpoint, const std::string& device, int threads)
    : d_(std::make_unique<Impl>()) {
    d_->threads = threads > 0 ? threads : poolThreads();
    torch::set_num_threads(d_->threads);
    d_->checkpoint = checkpoint;
    try {
        d_->net = loadModel(checkpoint);
    } catch (const c10::Error& e) {
        throw Error(checkpoint, std::string("cannot load checkpoint: ") + e.what_without_backtrace());
    }
    if (device == "cuda" && !torch::cuda::is_available()) throw Error("device", "CUDA was requested but is not available");
    if (device != "cpu" && torch::cuda::is_available()) d_->device = torch::kCUDA;
    d_->net->to(d_->device);
    d_->net->eval();
    setChunking(0, 0);
}

ModelUpsampler::~ModelUpsampler() = default;
const ModelConfig& ModelUpsampler::config() const { return d_->net->config(); }
const std::string& ModelUpsampler::checkpoint() const { return d_->checkpoint; }
ChunkPlan ModelUpsampler::chunking() const { return d_->plan; }

void ModelUpsampler::setPrecision(const std::string& precision) {
    if (precision == "fp32") {
        d_->dtype = torch::kFloat;
    } else if (precision == "bf16") {
        if (config().isSpectral() || config().arch == "torchscript")
            throw Error("--precision", "bf16 is for SRLab's U-Net models; spectral and TorchScript models run in fp32");
        d_->dtype = torch::kBFloat16;
    } else {
        throw Error("--precision", "must be fp32 or bf16");
    }
    d_->net->to(d_->dtype);
}

void ModelUpsampler::setLowBand(bool keepInput, double edgeHz) {
    d_->lowBand = keepInput;
    d_->edge = edgeHz > 0 ? lowBandEdgeAt(edgeHz, lowRate()) : LowBandEdge{};
}

bool ModelUpsampler::keepsLowBand() const { return d_->lowBand; }

void ModelUpsampler::setChunking(size_t chunk, size_t overlap) {
    const size_t mult = size_t(config().multiple());
    if (chunk == 0) {
        chunk = config().defaultChunking().chunk;
        if (overlap == 0) overlap = config().defaultChunking().overlap;
    }
    chunk = (chunk + mult - 1) / mult * mult;
    if (overlap == 0) overlap = chunk / 4;
    if (overlap * 2 > chunk) throw Error("chunking", "overlap must be at most half the chunk length");
    d_->plan = {chunk, overlap};
}

std::vector<float> ModelUpsampler::runSinglePass(const std::vector<float>& low, size_t n) const {
    auto x = splineUpsample(low, config().scale, n);
    // Zero-padded to at least the chunk length, as run() pads its last chunk: the model always
    // sees the length it was trained on, so inputs shorter than its window (or its STFT) work.
    const size_t mult = size_t(config().multiple());
    const size_t padded = std::max(d_->plan.chunk, (n + mult - 1) / mult * mult);
    auto t = torch::zeros({1, 1, int64_t(padded)});
    std::copy(x.begin(), x.end(), t.data_ptr<float>());
    auto y = d_->forward(t);
    std::vector<float> out(y.data_ptr<float>(), y.data_ptr<float>() + n);
    if (!d_->lowBand) return out;
    const size_t probe = std::min(low.size(), size_t(std::ceil(LowBandStream::kProbeSeconds * lowRate())));
    const LowBandEdge e = d_->edge.edgeHz > 0 ? d_->edge : detectLowBandEdge(low.data(), probe, lowRate());
    return keepLowBand(low, config().scale, lowRate(), out, e);
}

namespace {

// The model from low-rate samples: the spline baseline streamed into the chunked network.
class ModelStream final : public MethodStream {
public:
    ModelStream(ChunkForward forward, const ModelConfig& c, ChunkPlan plan, size_t batch, bool cpu, int threads,
                const CancelToken* cancel)
        : spline_(c.scale), chunks_(std::move(forward), plan, batch, cpu, threads, cancel) {}
    void push(const float* low, size_t m, const SampleSink& out) override {
        spline_.push(low, m, [&](const float* x, size_t n) { chunks_.push(x, n, out); });
    }
    void finish(size_t n, const SampleSink& out) override {
        spline_.finish(n, [&](const float* x, size_t k) { chunks_.push(x, k, out); });
        chunks_.finish(out);
    }

private:
    SplineStream spline_;
    ChunkedStream chunks_;
};

// A model's stream that keeps the model alive (a Method may go before its streams do).
class OwningStream final : public MethodStream {
public:
    OwningStream(std::shared_ptr<const ModelUpsampler> model, std::unique_ptr<MethodStream> s)
        : model_(std::move(model)), s_(std::move(s)) {}
    void push(const float* low, size_t m, const SampleSink& out) override { s_->push(low, m, out); }
    void finish(size_t n, const SampleSink& out) override { s_->finish(n, out); }

private:
    std::shared_ptr<const ModelUpsampler> model_;
    std::unique_ptr<MethodStream> s_;
};

}  // namespace

std::unique_ptr<MethodStream> ModelUpsampler::stream(const CancelToken* cancel) const {
    auto s = std::make_unique<ModelStream>([this](const torch::Tensor& t) { return d_->forward(t); }, config(), d_->plan,
                                           size_t(d_->batch), d_->device.is_cpu(), d_->threads, cancel);
    if (!d_->lowBand) return s;
    return std::make_unique<LowBandStream>(std::move(s), config().scale, lowRate(), d_->edge);
}

std::vector<float> ModelUpsampler::run(const std::vector<float>& low, size_t n, const CancelToken* cancel) const {
    // Through the stream: no whole-signal copy of the interpolated input (as large as the output).
    std::vector<float> y;
    y.reserve(n);
    const SampleSink append = [&y](const float* s, size_t k) { y.insert(y.end(), s, s + k); };
    const auto s = stream(cancel);
    s->push(low.data(), low.size(), append);
    s->finish(n, append);
    return y;
}

size_t ModelUpsampler::upsample(AudioSource& source, const SampleSink& sink, ProgressSink* progress,
                                const CancelToken* cancel) const {
    const int inRate = source.rate();
    if (inRate < 1000) throw Error("upsample", "input rate " + std::to_string(inRate) + " Hz is below 1 kHz: not audio to upsample");
    const auto outLength = [&](size_t in) { return size_t(std::llround(double(in) * config().rate / double(inRate))); };
    const double expected = double(std::max(0LL, source.framesHint())) / double(inRate);  // seconds
    // The chain: resampler -> model (spline -> chunks) -> sink.
    const auto model = stream(cancel);
    StreamResampler resampler(inRate, lowRate());
    size_t emitted = 0, limit = size_t(-1);
    const SampleSink out = [&](const float* y, size_t n) {
        n = std::min(n, limit - emitted);
        if (n) sink(y, n);
        emitted += n;
        if (progress) {
            const double done = double(emitted) / config().rate;
            progress->progress(done, std::max(expected, done), "upsampling");
        }
    };
    const SampleSink toModel = [&](const float* low, size_t n) { model->push(low, n, out); };
    std::vector<float> block(65536);
    size_t frames = 0;
    for (size_t got; (got = source.read(block.data(), block.size())) > 0;) {
        if (cancel) cancel->throwIfCancelled();
        frames += got;
        resampler.push(block.data(), got, toModel);
    }
    const size_t n = outLength(frames);
    if (frames == 0 || n == 0) throw Error("upsample", "the input has no samples");
    // An input shorter than a few low-rate samples is zero-padded to that, and the output cut
    // back to n: any length works, down to one sample.
    const size_t minIn = size_t(std::ceil(4.0 * double(inRate) / lowRate()));
    if (frames < minIn) {
        const std::vector<float> zeros(minIn - frames, 0.0f);
        resampler.push(zeros.data(), zeros.size(), toModel);
    }
    resampler.finish(toModel);
    const size_t nIn = outLength(std::max(frames, minIn));
    limit = n;
    model->finish(std::max(n, nIn), out);
    return emitted;
}

std::vector<float> ModelUpsampler::upsample(const std::vector<float>& audio, int inRate, ProgressSink* progress,
                                            const CancelToken* cancel) const {
    VectorSource source(audio, inRate);
    std::vector<float> y;
    y.reserve(size_t(std::llround(double(audio.size()) * config().rate / std::max(1, inRate))));
    upsample(source, [&y](const float* s, size_t n) { y.insert(y.end(), s, s + n); }, progress, cancel);
    return y;
}

Method modelMethod(std::shared_ptr<const ModelUpsampler> model, const std::string& name) {
    return {name,
            [model](const std::vector<float>& low, size_t n, const CancelToken& cancel) { return model->run(low, n, &cancel); },
            [model](const CancelToken& cancel) -> std::unique_ptr<MethodStream> {
                return std::make_unique<OwningStream>(model, model->stream(&cancel));
            },
            {}};
}

}  // namespace srlab
