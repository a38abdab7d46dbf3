// SPDX-License-Identifier: GPL-3.0-or-later
// `srlab dataset build` and `srlab dataset inspect`.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/Commands.h"
#include "cli/TerminalProgress.h"
#include "dataset/DatasetStats.h"
#include "dataset/PairBuilder.h"
#include "dataset/PatchDataset.h"
#include "dataset/StreamedDataset.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab::cli {
namespace {

struct BuildOptions {
    std::vector<std::string> inputs;
    std::string trainList, valList, testList, out, from, split = "0.8,0.1,0.1", filter = "cheby",
                                                  baseline = "spline", report;
    PairSpec spec;
    bool quiet = false;
};

std::array<double, 3> parseSplitFractions(const std::string& text) {
    std::array<double, 3> f{};
    std::stringstream ss(text);
    std::string part;
    int i = 0;
    while (std::getline(ss, part, ',')) {
        if (i >= 3) throw Error("--split", "expects three fractions like 0.8,0.1,0.1");
        try {
            f[size_t(i++)] = std::stod(part);
        } catch (const std::exception&) {
            throw Error("--split", "'" + part + "' is not a number");
        }
    }
    if (i != 3) throw Error("--split", "expects three fractions like 0.8,0.1,0.1");
    return f;
}

// A streamed dataset written out as an HDF5 file of its items, read nominally.
void runConvert(const BuildOptions& o) {
    if (isStreamedDatasetName(o.out)) throw Error("--out", "converting with --from writes an HDF5 file (.h5)");
    const auto src = openDataset(o.from);
    checkWritableDir(o.out);
    TerminalProgress progress("items", o.quiet);
    const BuildReport rep = convertToPairs(*src, o.out, progress, interruptToken());
    progress.finish();
    std::printf("wrote %s in %.1f s: patches train %zu, val %zu, test %zu\n", o.out.c_str(), rep.wallSeconds,
                rep.patches[0], rep.patches[1], rep.patches[2]);
}

void runBuild(BuildOptions& o) {
    if (!o.from.empty()) {
        if (!o.inputs.empty() || !o.trainList.empty() || !o.valList.empty() || !o.testList.empty())
            throw Error("srlab dataset build", "--from converts a dataset; it takes no --input or lists");
        return runConvert(o);
    }
    o.spec.filter = parseDecimFilter(o.filter);
    o.spec.baseline = parseBaseline(o.baseline);
    o.spec.split = parseSplitFractions(o.split);
    o.spec.validate();
    BuildInputs in;
    const bool lists = !o.trainList.empty() || !o.valList.empty() || !o.testList.empty();
    if (lists == !o.inputs.empty())
        throw Error("srlab dataset build", "give either --input or --train-list/--val-list/--test-list");
    if (lists) {
        in.useLists = true;
        const std::string* names[3] = {&o.trainList, &o.valList, &o.testList};
        for (size_t s = 0; s < 3; ++s)
            if (!names[s]->empty()) in.lists[s] = readFileList(*names[s]);
    } else {
        in.files = collectAudioFiles(o.inputs);
    }
    checkWritableDir(o.out);
    TerminalProgress progress("files", o.quiet);
    BuildReport rep = buildDataset(o.spec, in, o.out, progress, interruptToken());
    progress.finish();
    if (isStreamedDatasetName(o.out))
        std::printf("wrote %s (streamed, %.1f kB) in %.1f s: indexed in %.1f s, hashed in %.1f s\n", o.out.c_str(),
                    double(std::filesystem::file_size(o.out)) / 1e3, rep.wallSeconds, rep.wallSeconds - rep.hashSeconds,
                    rep.hashSeconds);
    else
        std::printf("wrote %s in %.1f s\n", o.out.c_str(), rep.wallSeconds);
    // Hours of audio: the sources' length (patches overlap by dim - stride).
    std::printf("  %-6s %7s %9s %8s\n", "split", "files", "patches", "hours");
    size_t downmixed = 0, resampled = 0;
    // Real low-res input is kept at the low rate; everything else is made the target rate.
    const int sourceRate = o.spec.lowResInput ? int(std::lround(o.spec.lowRate())) : o.spec.rate;
    for (Split s : kSplits) {
        size_t files = 0;
        double seconds = 0;
        for (const auto& r : rep.sources)
            if (r.used && r.split == s) {
                ++files;
                seconds += r.seconds;
            }
        std::printf("  %-6s %7zu %9zu %8.3f\n", toString(s), files, rep.patches[size_t(s)], seconds / 3600.0);
    }
    for (const auto& r : rep.sources) {
        downmixed += r.used && r.channels > 1;
        resampled += r.used && r.rate != sourceRate;
    }
    if (downmixed || resampled)
        std::printf("  sources: %zu averaged to mono, %zu resampled to %d Hz\n", downmixed, resampled, sourceRate);
    std::printf("  files used %zu, skipped %zu\n", rep.used(), rep.skipped());
    for (const auto& r : rep.sources)
        if (!r.used) std::printf("  skipped %s: %s\n", r.path.c_str(), r.reason.c_str());
    if (!o.report.empty()) writeFileAtomically(o.report, rep.toJson());
}

int runInspect(const std::string& path, size_t maxPatches, const std::string& jsonOut) {
    const auto opened = openDataset(path);
    const PatchDataset& reader = *opened;
    const PairFileInfo& info = reader.info();
    const PairSpec& s = info.spec;
    TerminalProgress progress("patches");
    DatasetStats st = computeDatasetStats(reader, maxPatches, progress, interruptToken());
    progress.finish();
    std::fputs(describeDataset(reader, st, maxPatches).c_str(), stdout);
    size_t bad = 0;
    for (Split sp : kSplits) bad += st.splits[size_t(sp)].nonFinite;
    if (!jsonOut.empty()) {
        nlohmann::ordered_json j;
        j["path"] = path;
        j["spec"] = nlohmann::json::parse(s.toJson());
        j["tool_version"] = info.toolVersion;
        for (Split sp : kSplits) {
            const SplitStats& x = st.splits[size_t(sp)];
            nlohmann::ordered_json js{{"files", x.sources}, {"patches", x.patches}, {"hours", x.hours},
                                      {"non_finite", x.nonFinite}};
            for (const BandStats& b : x.bands) {
                auto five = [](const FiveNumber& f) { return std::vector<double>{f.min, f.q1, f.median, f.q3, f.max}; };
                js["bands"].push_back({{"lo_hz", b.loHz}, {"hi_hz", b.hiHz}, {"input_db", five(b.inputDb)},
                                       {"label_db", five(b.labelDb)}});
            }
            j["splits"][toString(sp)] = js;
        }
        writeFileAtomically(jsonOut, j.dump(1));
    }
    if (bad) {
        std::fprintf(stderr, "srlab: error: %s: %zu patches hold NaN or Inf\n", path.c_str(), bad);
        return 1;
    }
    return 0;
}

}  // namespace

void addDatasetCommand(CLI::App& root) {
    CLI::App* ds = root.add_subcommand("dataset", "Build and inspect low/high pair datasets (HDF5, or streamed from the audio)");
    ds->require_subcommand(1);

    auto o = std::make_shared<BuildOptions>();
    CLI::App* b = ds->add_subcommand("build", "Build a dataset of low/high pairs from audio files (docs/reference.md §1)");
    b->add_option("--input", o->inputs, "Audio files or folders (searched recursively)");
    b->add_option("--train-list", o->trainList, "File list for the train split (instead of --input)");
    b->add_option("--val-list", o->valList, "File list for the val split");
    b->add_option("--test-list", o->testList, "File list for the test split");
    b->add_option("--out", o->out,
                  "Output: NAME.h5 stores every patch (HDF5); NAME.json makes a streamed dataset, an index of the "
                  "audio from which training cuts and degrades items as it reads them (docs/reference.md §1.8)")
        ->required();
    b->add_option("--from", o->from, "Convert this streamed dataset (.json) into the HDF5 file --out");
    b->add_option("--rate", o->spec.rate, "Target (high) sample rate in Hz")->capture_default_str();
    b->add_option("--scale", o->spec.scale, "Upsampling factor r")->capture_default_str();
    b->add_option("--filter", o->filter, "Decimation filter: cheby, sinc, none")->capture_default_str();
    b->add_option("--baseline", o->baseline, "Model input: spline, linear, sinc, or none (low-res patches)")
        ->capture_default_str();
    b->add_option("--dim", o->spec.dim, "Patch length at the target rate")->capture_default_str();
    b->add_option("--stride", o->spec.stride, "Hop between patches")->capture_default_str();
    b->add_option("--split", o->split, "Train,val,test fractions (by file)")->capture_default_str();
    b->add_option("--seed", o->spec.seed, "Seed of the split and of the degradation zoo")->capture_default_str();
    b->add_option("--degrade", o->spec.degrade,
                  "Degradation zoo: each file's low-res side through its own seeded random chain (low-pass family, "
                  "order, cutoff, phase; optional gain, noise, MP3/Opus/Vorbis), recorded per file: 'zoo' or e.g. "
                  "'zoo,codec=0.5,noise=0,filters=butter|ellip'; ',per=patch' draws a chain per patch instead "
                  "(docs/reference.md §6.2; default: --filter alone)");
    b->add_flag("--low-res-input", o->spec.lowResInput, "Inputs are real low-res audio (no labels)");
    b->add_flag("--pad-short", o->spec.padShort, "Zero-pad files shorter than one patch (default: skip)");
    b->add_option("--threads", o->spec.threads, "Worker threads (0 = all cores)")->capture_default_str();
    b->add_option("--report", o->report, "Write the per-file report as JSON");
    b->add_flag("--quiet", o->quiet, "No progress line");
    b->callback([o] { runBuild(*o); });

    auto ipath = std::make_shared<std::string>();
    auto imax = std::make_shared<size_t>(kInspectPatches);
    auto ijson = std::make_shared<std::string>();
    CLI::App* i = ds->add_subcommand("inspect", "Counts, parameters, band-energy statistics and a finiteness check");
    i->add_option("file", *ipath, "Dataset (.h5 or streamed .json)")->required();
    i->add_option("--max-patches", *imax, "Patches sampled per split for statistics")->capture_default_str();
    i->add_option("--json", *ijson, "Also write the statistics as JSON");
    i->callback([=] {
        if (int rc = runInspect(*ipath, *imax, *ijson)) throw CLI::RuntimeError(rc);
    });

    auto fpath = std::make_shared<std::string>();
    auto fsplit = std::make_shared<std::string>("test");
    CLI::App* f = ds->add_subcommand("files", "List the source files of one split (from the manifest)");
    f->add_option("file", *fpath, "Dataset (.h5 or streamed .json)")->required();
    f->add_option("--split", *fsplit, "train, val or test")->capture_default_str();
    f->callback([=] {
        for (const auto& s : splitSourceFiles(readDatasetManifest(*fpath), parseSplit(*fsplit))) std::printf("%s\n", s.c_str());
    });
}

}  // namespace srlab::cli
