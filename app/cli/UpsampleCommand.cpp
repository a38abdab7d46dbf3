// SPDX-License-Identifier: GPL-3.0-or-later
// `srlab upsample`: files of any length through a trained model (docs/reference.md §4), streamed
// from the input file to the output file: memory does not grow with the length.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "audio/AudioFile.h"
#include "audio/AudioStream.h"
#include "cli/Commands.h"
#include "cli/TerminalProgress.h"
#include "dataset/PairBuilder.h"
#include "dsp/Bandwidth.h"
#include "runs/DefaultModels.h"
#include "infer/ModelUpsampler.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab::cli {
namespace fs = std::filesystem;
namespace {

struct UpsampleOptions {
    std::string checkpoint, out, device = "auto", format = "wav", precision = "fp32", lowBand = "input";
    std::vector<std::string> inputs;
    size_t chunk = 0, overlap = 0;
    int threads = 0;
    bool autoPick = false;
};

std::string kHz(double hz) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f kHz", hz / 1000);
    return b;
}

// One input and an --out with an extension names a file (writeAudio judges the format).
bool namesAFile(const std::string& p) { return fs::path(p).has_extension() && !fs::is_directory(p); }

void runUpsample(const UpsampleOptions& o) {
    const auto files = collectAudioFiles(o.inputs);
    if (files.empty()) throw Error("--in", "no audio files found");
    if (o.format != "wav" && o.format != "flac") throw Error("--format", "must be wav or flac");
    const bool toFile = files.size() == 1 && namesAFile(o.out);
    if (toFile) {
        checkWritableDir(o.out);
    } else {
        std::error_code ec;
        fs::create_directories(o.out, ec);
        if (ec) throw Error(o.out, "cannot create the output folder (" + ec.message() + ")");
    }

    std::string checkpoint = o.checkpoint;
    std::unique_ptr<ModelUpsampler> model;
    int modelFor = 0;
    TerminalProgress progress("s");
    for (const auto& file : files) {
        AudioReader reader(file);
        const int rate = reader.rate();
        // What the file holds, whatever its container rate (docs/reference.md §5).
        const Bandwidth bw = estimateBandwidthOfFile(file);
        progress.note(file + ": content up to " + kHz(bw.fullBand ? bw.nyquistHz : bw.cutoffHz) +
                      (bw.fullBand ? " (full band at " + std::to_string(rate) + " Hz)"
                                   : " (a band edge: " + std::to_string(int(std::lround(bw.edgeDropDb))) +
                                         " dB down past it, in a " + std::to_string(rate) + " Hz file)"));
        // --auto picks the model by the content's rate (an MP3 with nothing above 5.5 kHz in a
        // 44.1 kHz file is 11 kHz audio); otherwise by the container's. --checkpoint wins.
        const int pickRate = o.autoPick ? int(std::lround(bw.contentRate())) : rate;
        if (o.checkpoint.empty() && pickRate != modelFor) {
            checkpoint = defaultModelFor(pickRate);
            model.reset();
            modelFor = pickRate;
        }
        if (!model) {
            model = std::make_unique<ModelUpsampler>(checkpoint, o.device, o.threads);
            model->setChunking(o.chunk, o.overlap);
            model->setPrecision(o.precision);
            progress.note("model: " + checkpoint);
        }
        // A file whose content already reaches past the model's input band would lose it: the
        // model starts from its low rate. --auto leaves such a file alone; otherwise it is said.
        const double contentTop = bw.fullBand ? bw.nyquistHz : bw.cutoffHz;
        if (contentTop > 1.15 * model->lowRate() / 2 && rate >= model->config().rate) {
            const std::string why = "content up to " + kHz(contentTop) + " already reaches past the model's " +
                                    kHz(model->lowRate() / 2) + " input band";
            if (o.autoPick) {
                progress.note(file + ": not upsampled: " + why + " (it is already full-band for this model)");
                continue;
            }
            progress.note(file + ": note: " + why + "; it is cut to that first (--auto skips such files)");
        }
        // Low-band consistency: the input's band below the file's own band edge is kept as it is;
        // a file with no edge has it detected from its first 30 s (docs/reference.md §4.1).
        model->setLowBand(o.lowBand == "input", bw.fullBand ? 0.0 : bw.cutoffHz);
        const std::string dest = toFile ? o.out : (fs::path(o.out) / (fs::path(file).stem().string() + "." + o.format)).string();
        // The output appears under its name only once complete (an error or Ctrl-C leaves none).
        AudioWriter writer(dest, model->config().rate);
        try {
            model->upsample(reader, [&writer](const float* y, size_t n) { writer.write(y, n); }, &progress,
                            &interruptToken());
        } catch (const Error& e) {
            if (e.subject() == file || e.subject() == dest) throw;
            throw Error(file, e.what());
        }
        writer.commit();
        progress.note(file + " -> " + dest + " (" + std::to_string(rate) + " -> " +
                      std::to_string(model->config().rate) + " Hz)");
    }
    progress.finish();
}

}  // namespace

void addUpsampleCommand(CLI::App& root) {
    auto o = std::make_shared<UpsampleOptions>();
    CLI::App* u = root.add_subcommand("upsample", "Super-resolve audio files with a trained model (docs/reference.md §4)");
    u->add_option("--checkpoint", o->checkpoint,
                  "Checkpoint folder or its model.pt (default: the shipped model for the input rate)");
    u->add_option("--in", o->inputs, "Audio files or folders")->required();
    u->add_option("--out", o->out, "Output file (one input) or folder")->required();
    u->add_option("--format", o->format, "Output format in a folder: wav (float) or flac (24-bit)")->capture_default_str();
    u->add_option("--device", o->device, "auto, cpu or cuda")->capture_default_str();
    u->add_option("--threads", o->threads, "CPU threads (0 = all cores)");
    u->add_option("--precision", o->precision, "fp32, or bf16 for U-Net models (faster on AVX512-BF16 CPUs)")
        ->capture_default_str();
    u->add_option("--chunk", o->chunk, "Chunk length in output samples (0 = the training patch length)");
    u->add_option("--overlap", o->overlap, "Crossfaded overlap between chunks (0 = a quarter chunk)");
    u->add_option("--low-band", o->lowBand,
                  "input: keep the input's own band below its edge, take only the band above from the model "
                  "(low-band consistency); model: the network's output as is")
        ->check(CLI::IsMember({"input", "model"}))
        ->capture_default_str();
    u->add_flag("--auto", o->autoPick,
                "Pick the shipped model from each file's detected bandwidth, not its container rate, and skip "
                "files that are already full-band (docs/reference.md §5); --checkpoint still wins");
    u->callback([o] { runUpsample(*o); });
}

}  // namespace srlab::cli
