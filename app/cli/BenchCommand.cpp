// SPDX-License-Identifier: GPL-3.0-or-later
// `srlab bench build`: times a real dataset build and reports throughput and peak memory.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "audio/AudioFile.h"
#include "cli/Commands.h"
#include "train/ModelBench.h"
#include "runs/ModelConfig.h"
#include <thread>
#include "cli/TerminalProgress.h"
#include "dataset/PairBuilder.h"
#include "dataset/PatchDataset.h"
#include "train/BatchLoader.h"
#include <chrono>
#include "util/Error.h"

namespace srlab::cli {
namespace {

struct BenchOptions {
    std::vector<std::string> inputs;
    PairSpec spec;
    std::string filter = "cheby", baseline = "spline", out;
};

double peakRssMb() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

void runBenchBuild(BenchOptions& o) {
    o.spec.filter = parseDecimFilter(o.filter);
    o.spec.baseline = parseBaseline(o.baseline);
    BuildInputs in;
    in.files = collectAudioFiles(o.inputs);
    double audioSeconds = 0;
    for (const auto& f : in.files) {
        const AudioInfo info = probeAudio(f);
        audioSeconds += double(info.frames) / info.rate;
    }
    const std::string out = o.out.empty()
        ? (std::filesystem::temp_directory_path() / ("srlab-bench-" + std::to_string(getpid()) + ".h5")).string()
        : o.out;
    NullProgress quiet;
    BuildReport rep = buildPairs(o.spec, in, out, quiet, interruptToken());
    const double mb = double(std::filesystem::file_size(out)) / 1e6;
    if (o.out.empty()) std::filesystem::remove(out);
    const size_t patches = rep.patches[0] + rep.patches[1] + rep.patches[2];
    std::printf("bench build: %zu files, %.1f min of audio -> %zu patches (%.0f MB)\n", in.files.size(),
                audioSeconds / 60, patches, mb);
    std::printf("  rate %d, scale %d, filter %s, baseline %s, dim %d, stride %d, threads %u%s%s\n", o.spec.rate,
                o.spec.scale, o.filter.c_str(), o.baseline.c_str(), o.spec.dim, o.spec.stride,
                o.spec.threads ? unsigned(o.spec.threads) : std::thread::hardware_concurrency(),
                o.spec.degrade.empty() ? "" : ", degradation ", o.spec.degrade.c_str());
    std::printf("  wall %.2f s, %.0fx real time, peak RSS %.0f MB\n", rep.wallSeconds,
                audioSeconds / rep.wallSeconds, peakRssMb());
}

struct ModelBenchOptions {
    std::vector<std::string> models;  // arch/preset
    int rate = 16000, dim = 8192, batch = 16, threads = 0;
    bool noTraining = false, bf16 = false;
};

void runBenchModels(const ModelBenchOptions& o) {
    std::vector<std::pair<std::string, std::string>> todo;
    if (o.models.empty()) {
        for (const auto& a : modelArchs())
            for (const auto& p : modelPresets(a))
                if (p != "published" && p != "published-dropout") todo.emplace_back(a, p);
    } else {
        for (const auto& m : o.models) {
            auto slash = m.find('/');
            if (slash == std::string::npos) throw Error("--model", "'" + m + "' is not ARCH/PRESET");
            todo.emplace_back(m.substr(0, slash), m.substr(slash + 1));
        }
    }
    std::printf("%d Hz, patch %d, batch %d, %d thread(s)%s\n", o.rate, o.dim, o.batch,
                o.threads > 0 ? o.threads : int(std::thread::hardware_concurrency()), o.bf16 ? ", bfloat16 inference" : "");
    std::printf("%-24s %12s %14s %12s %14s\n", "model", "parameters", "train steps/s", "RTF (infer)", "forward ms");
    for (const auto& [arch, preset] : todo) {
        auto r = benchModel(arch, preset, o.rate, o.dim, o.batch, o.threads, !o.noTraining, o.bf16);
        std::printf("%-24s %12lld %14.2f %12.4f %14.1f\n", (arch + "/" + preset).c_str(), (long long)r.parameters,
                    r.trainStepsPerS, r.realTimeFactor, r.forwardMs);
        std::fflush(stdout);
    }
}

struct LoaderBenchOptions {
    std::string dataset;
    int loaders = 2, batch = 16, batches = 50;
};

// The loader alone: training batches of epoch 0 as fast as the loader threads make them, and
// the CPU time each item costs (what sizes the loader threads a device's step needs).
void runBenchLoader(const LoaderBenchOptions& o) {
    const auto data = openDataset(o.dataset);
    const size_t n = data->count(Split::Train);
    const size_t batches = std::min(size_t(o.batches), n / size_t(o.batch));
    if (batches == 0) throw Error(o.dataset, "has fewer training items than one batch");
    auto cpu = [] {
        rusage u{};
        getrusage(RUSAGE_SELF, &u);
        return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    };
    const double cpu0 = cpu();
    const auto t0 = std::chrono::steady_clock::now();
    {
        BatchLoader loader(*data, Split::Train, o.batch, epochOrder(n, 0, 0), 0, batches, 0, o.loaders);
        torch::Tensor x, y;
        while (loader.next(x, y)) {
        }
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double items = double(batches) * o.batch;
    std::printf("bench loader: %s (%s), %zu batches of %d, %d loader thread(s)\n", o.dataset.c_str(),
                data->streamed() ? "streamed" : "HDF5", batches, o.batch, o.loaders);
    std::printf("  %.0f items/s (%.0f samples/s of %d Hz audio), %.2f ms of CPU per item\n", items / wall,
                items * data->info().spec.dim / wall, data->info().spec.rate, 1e3 * (cpu() - cpu0) / items);
}

}  // namespace

void addBenchCommand(CLI::App& root) {
    CLI::App* bench = root.add_subcommand("bench", "Benchmarks that print figures");
    bench->require_subcommand(1);
    auto o = std::make_shared<BenchOptions>();
    o->spec.rate = 44100;
    CLI::App* b = bench->add_subcommand("build", "Time a dataset build (wall time, x real time, peak memory)");
    b->add_option("--input", o->inputs, "Audio files or folders")->required();
    b->add_option("--rate", o->spec.rate)->capture_default_str();
    b->add_option("--scale", o->spec.scale)->capture_default_str();
    b->add_option("--filter", o->filter)->capture_default_str();
    b->add_option("--baseline", o->baseline)->capture_default_str();
    b->add_option("--dim", o->spec.dim)->capture_default_str();
    b->add_option("--stride", o->spec.stride)->capture_default_str();
    b->add_option("--threads", o->spec.threads)->capture_default_str();
    b->add_option("--degrade", o->spec.degrade, "Degradation zoo, as dataset build's --degrade");
    b->add_option("--out", o->out, "Keep the dataset here (default: a temp file, removed)");
    b->callback([o] { runBenchBuild(*o); });

    auto m = std::make_shared<ModelBenchOptions>();
    CLI::App* mb = bench->add_subcommand("models", "Training steps/s, inference real-time factor, forward latency");
    mb->add_option("--model", m->models, "ARCH/PRESET (repeatable; default: every non-published preset)");
    mb->add_option("--rate", m->rate)->capture_default_str();
    mb->add_option("--dim", m->dim, "Patch length in samples")->capture_default_str();
    mb->add_option("--batch", m->batch)->capture_default_str();
    mb->add_option("--threads", m->threads, "0 = all cores")->capture_default_str();
    mb->add_flag("--no-training", m->noTraining, "Inference figures only");
    mb->add_flag("--bf16", m->bf16, "Inference in bfloat16 (U-Net models)");
    mb->callback([m] { runBenchModels(*m); });

    auto l = std::make_shared<LoaderBenchOptions>();
    CLI::App* lb = bench->add_subcommand("loader", "Items/s a dataset's loader makes, and CPU time per item");
    lb->add_option("dataset", l->dataset, "Dataset (.h5 or streamed .json)")->required();
    lb->add_option("--loaders", l->loaders, "Loader threads")->capture_default_str();
    lb->add_option("--batch", l->batch)->capture_default_str();
    lb->add_option("--batches", l->batches)->capture_default_str();
    lb->callback([l] { runBenchLoader(*l); });
}

}  // namespace srlab::cli
