// SPDX-License-Identifier: GPL-3.0-or-later
// `srlab mushra`: the summary of MUSHRA results (docs/reference.md §9) from one or more
// results.csv files, as Compare & Listen shows it: post-screening, then each condition's mean
// with its 95 % confidence interval; --csv writes that table.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/Commands.h"
#include "compare/Mushra.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab::cli {

void addMushraCommand(CLI::App& root) {
    struct Options {
        std::vector<std::string> files;
        std::string csv;
    };
    auto o = std::make_shared<Options>();
    CLI::App* m = root.add_subcommand("mushra", "Summarise MUSHRA listening-test results (a workspace's mushra/results.csv)");
    m->add_option("files", o->files, "Results files (CSV written by Compare & Listen's MUSHRA test)")->required();
    m->add_option("--csv", o->csv, "Write the summary as CSV: condition,n,mean,ci95");
    m->callback([o] {
        std::vector<MushraRating> rows;
        for (const auto& f : o->files) {
            std::ifstream in(f, std::ios::binary);
            if (!in) throw Error(f, "cannot be read");
            std::ostringstream ss;
            ss << in.rdbuf();
            const auto r = parseMushraCsv(ss.str(), f);
            rows.insert(rows.end(), r.begin(), r.end());
        }
        if (rows.empty()) throw Error(o->files.front(), "holds no ratings");
        const MushraSummary s = summariseMushra(rows);
        std::fputs(s.toText().c_str(), stdout);
        if (!o->csv.empty()) {
            std::string out = "condition,n,mean,ci95\n";
            for (const auto& st : s.stats)
                out += "\"" + st.condition + "\"," + std::to_string(st.n) + "," + std::to_string(st.mean) + "," +
                       std::to_string(st.ci95) + "\n";
            writeFileAtomically(o->csv, out);
        }
    });
}

}  // namespace srlab::cli
