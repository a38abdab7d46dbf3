// SPDX-License-Identifier: GPL-3.0-or-later
// `srlab eval`: per-file and mean metrics of baselines (and, later, models) on real files.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>

#include "cli/Commands.h"
#include "cli/TerminalProgress.h"
#include "dataset/PairBuilder.h"
#include "infer/Evaluator.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab::cli {
namespace {

struct EvalOptions {
    std::vector<std::string> inputs, baselines{"spline"};
    int rate = 16000, scale = 4, threads = 0;
    std::string filter = "cheby", csv, json;
};

void runEval(const EvalOptions& o) {
    if (o.scale < 1 || o.scale > 16) throw Error("--scale", "must be between 1 and 16");
    if (o.rate < 1000) throw Error("--rate", "must be at least 1000 Hz");
    const DecimFilter filter = parseDecimFilter(o.filter);
    std::vector<Method> methods;
    for (const auto& b : o.baselines) methods.push_back(baselineMethod(b, o.scale));
    const auto files = collectAudioFiles(o.inputs);
    if (files.empty()) throw Error("--input", "no audio files found");
    for (const auto* out : {&o.csv, &o.json})
        if (!out->empty()) checkWritableDir(*out);
    TerminalProgress progress("files");
    EvalTable t = evaluateFiles(files, o.rate, o.scale, filter, methods, o.threads, progress, interruptToken());
    progress.finish();
    std::fputs(t.toText().c_str(), stdout);
    if (!o.csv.empty()) writeFileAtomically(o.csv, t.toCsv());
    if (!o.json.empty()) writeFileAtomically(o.json, t.toJson());
    if (t.rows.empty()) throw Error("--input", "no file could be evaluated");
}

}  // namespace

void addEvalCommand(CLI::App& root) {
    auto o = std::make_shared<EvalOptions>();
    CLI::App* e = root.add_subcommand("eval", "Metrics of baselines on high-res files (SPEC §2)");
    e->add_option("--input", o->inputs, "Audio files or folders")->required();
    e->add_option("--rate", o->rate, "Target (high) rate in Hz")->capture_default_str();
    e->add_option("--scale", o->scale, "Upsampling factor r")->capture_default_str();
    e->add_option("--filter", o->filter, "Decimation filter: cheby, sinc, none")->capture_default_str();
    e->add_option("--baseline", o->baselines, "Baselines to score: spline, linear, sinc (repeatable)")
        ->capture_default_str();
    e->add_option("--threads", o->threads, "Worker threads (0 = all cores)");
    e->add_option("--csv", o->csv, "Write the table as CSV");
    e->add_option("--json", o->json, "Write the table as JSON");
    e->callback([o] { runEval(*o); });
}

}  // namespace srlab::cli
