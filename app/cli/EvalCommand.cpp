// SPDX-License-Identifier: GPL-3.0-or-later
// `srlab eval`: per-file and mean metrics of trained models beside the baselines, on audio files
// or on the held-back source files of a dataset split (with that dataset's rate, r and filter).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <fstream>

#include "cli/Commands.h"
#include "cli/TerminalProgress.h"
#include "dataset/PairBuilder.h"
#include "dataset/StreamedDataset.h"
#include "eval/ExternalOutput.h"
#include "eval/LowBandMethod.h"
#include "infer/ModelUpsampler.h"
#include "eval/Evaluator.h"
#include "util/AtomicFile.h"
#include "dataset/PairSpec.h"
#include "util/Error.h"

namespace srlab::cli {
namespace {

struct EvalOptions {
    std::vector<std::string> inputs, baselines{"spline"}, checkpoints, outputs;
    int rate = 16000, scale = 4, threads = 0;
    bool noVisqol = false;
    std::string filter = "cheby", degradations, csv, json, split = "test", device = "auto", lowBand = "input";
};

void runEval(EvalOptions o) {
    std::vector<std::string> inputs;
    for (const auto& in : o.inputs) {
        if ((in.size() > 3 && in.substr(in.size() - 3) == ".h5") || looksLikeStreamedDataset(in)) {
            const auto opened = openDataset(in);
            const PatchDataset& reader = *opened;
            const auto& spec = reader.info().spec;
            o.rate = spec.rate;
            o.scale = spec.scale;
            o.filter = spec.degrade.empty() ? toString(spec.filter) : "cheby";  // a zoo dataset: the published filter
            auto files = splitSourceFiles(reader.manifestJson(), parseSplit(o.split));
            if (files.empty()) throw Error(in, "has no source files in the " + o.split + " split");
            inputs.insert(inputs.end(), files.begin(), files.end());
        } else {
            inputs.push_back(in);
        }
    }
    if (o.scale < 1 || o.scale > 16) throw Error("--scale", "must be between 1 and 16");
    if (o.rate < 1000) throw Error("--rate", "must be at least 1000 Hz");
    checkScaleFitsRate(o.rate, o.scale, "--scale");
    // --filter: one way of making the low-res input; --degradations: a matrix of them.
    const std::vector<Degradation> cases =
        o.degradations.empty() ? std::vector<Degradation>{Degradation::parse(o.filter)} : loadDegradationMatrix(o.degradations);
    std::vector<Method> methods;
    for (const auto& b : o.baselines) methods.push_back(baselineMethod(b, o.scale));
    for (const auto& c : o.checkpoints) {
        auto model = std::make_shared<ModelUpsampler>(c, o.device, o.threads);
        const auto& m = model->config();
        if (m.rate != o.rate || m.scale != o.scale)
            throw Error(c, "is a " + std::to_string(m.rate) + " Hz r=" + std::to_string(m.scale) +
                               " model; the evaluation is at " + std::to_string(o.rate) + " Hz r=" + std::to_string(o.scale));
        std::string name = m.arch + "/" + m.preset;
        for (const auto& other : methods)
            if (other.name == name) name += " (" + c + ")";  // two checkpoints of one preset
        // Low-band consistency is applied here, per method, so `both` scores one loaded model twice.
        model->setLowBand(false);
        const Method raw = modelMethod(model, name);
        if (o.lowBand != "model") methods.push_back(withLowBand(raw, o.scale, model->lowRate()));
        if (o.lowBand != "input") {
            methods.push_back(raw);
            if (o.lowBand == "both") methods.back().name += " (model's low band)";
        }
    }
    const auto files = collectAudioFiles(inputs);
    if (files.empty()) throw Error("--input", "no audio files found");
    // Other systems' outputs, matched to the truth files by name (docs/reference.md §6.4).
    const auto notes = std::make_shared<OutputNotes>();
    for (const auto& spec : o.outputs) {
        const size_t eq = spec.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
            throw Error("--outputs", "'" + spec + "' is not NAME=FOLDER_OR_FILE");
        const std::string name = spec.substr(0, eq), where = spec.substr(eq + 1);
        if (!std::filesystem::exists(where)) throw Error(where, "does not exist (--outputs " + name + ")");
        if (!std::filesystem::is_directory(where) && files.size() > 1)
            throw Error(where, "is one file, for " + std::to_string(files.size()) + " truth files: give a folder of outputs named as the truth files");
        for (const auto& m : methods)
            if (m.name == name) throw Error("--outputs", "the name '" + name + "' is already taken by another method");
        methods.push_back(externalMethod(name, where, notes));
    }
    for (const auto* out : {&o.csv, &o.json})
        if (!out->empty()) checkWritableDir(*out);
    TerminalProgress progress("files");
    EvalMatrix m = evaluateMatrix(files, o.rate, o.scale, cases, methods, o.threads, progress, interruptToken(),
                                  EvalMode::Auto, !o.noVisqol);
    progress.finish();
    if (o.degradations.empty()) {
        const EvalTable& t = m.cases.front();
        std::fputs(t.toText().c_str(), stdout);
        if (!o.csv.empty()) writeFileAtomically(o.csv, t.toCsv());
        if (!o.json.empty()) writeFileAtomically(o.json, t.toJson());
    } else {
        std::fputs(m.toText().c_str(), stdout);
        if (!o.csv.empty()) writeFileAtomically(o.csv, m.toCsv());
        if (!o.json.empty()) writeFileAtomically(o.json, m.toJson());
    }
    // One line per output file (a matrix lines each up once per case: the same figures).
    std::vector<std::string> said;
    for (const auto& line : notes->lines())
        if (std::find(said.begin(), said.end(), line) == said.end()) {
            said.push_back(line);
            std::fprintf(stdout, "%s\n", line.c_str());
        }
    if (m.cases.front().rows.empty()) throw Error("--input", "no file could be evaluated");
}

}  // namespace

void addEvalCommand(CLI::App& root) {
    auto o = std::make_shared<EvalOptions>();
    CLI::App* e = root.add_subcommand("eval", "Metrics of models and baselines on high-res files (docs/reference.md §2)");
    e->add_option("--input", o->inputs,
                  "Audio files or folders, or a dataset, .h5 or streamed .json (its --split source files)")
        ->required();
    e->add_option("--checkpoint", o->checkpoints, "Trained model checkpoint (repeatable)");
    e->add_option("--outputs", o->outputs,
                  "NAME=FOLDER_OR_FILE: another system's outputs, matched to the truth files by name, resampled, "
                  "their delay (+-50 ms) and length lined up, scored beside the rest (repeatable)");
    e->add_option("--split", o->split, "Split of a dataset input: train, val, test")->capture_default_str();
    e->add_option("--device", o->device, "Model device: auto, cpu, cuda")->capture_default_str();
    e->add_option("--rate", o->rate, "Target (high) rate in Hz")->capture_default_str();
    e->add_option("--scale", o->scale, "Upsampling factor r")->capture_default_str();
    e->add_option("--filter", o->filter,
                  "How the low-res input is made: cheby, sinc, none, or any degradation such as ellip:8/min or "
                  "soxr+mp3:0.5 (docs/reference.md §6)")
        ->capture_default_str();
    e->add_option("--degradations", o->degradations,
                  "Robustness matrix: DEFAULT (filter families x orders, resamplers, codecs x qualities) or a file "
                  "of degradations, one per line; prints one row per case and the mean (docs/reference.md §6)");
    e->add_flag("--no-visqol", o->noVisqol,
                "Leave ViSQOL out (its column reads nan): it costs more than every other metric together, "
                "about 0.1 s per second of audio per method on one core at 48 kHz");
    e->add_option("--baseline", o->baselines, "Baselines to score: spline, linear, sinc (repeatable)")
        ->capture_default_str();
    e->add_option("--low-band", o->lowBand,
                  "Models' low band: input (keep the input's own band below its edge), model (the network's "
                  "output as is) or both (each model scored both ways)")
        ->check(CLI::IsMember({"input", "model", "both"}))
        ->capture_default_str();
    e->add_option("--threads", o->threads, "Worker threads (0 = all cores)");
    e->add_option("--csv", o->csv, "Write the table as CSV");
    e->add_option("--json", o->json, "Write the table as JSON");
    e->callback([o] { runEval(*o); });
}

}  // namespace srlab::cli
