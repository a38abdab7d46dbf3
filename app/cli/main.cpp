// SPDX-License-Identifier: GPL-3.0-or-later
// srlab: the headless face of SRLab. Every subcommand calls the same core code as the GUI.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/Commands.h"
#include "cli/TerminalProgress.h"
#include "srlab/Version.h"
#include "util/Error.h"

int main(int argc, char** argv) {
    CLI::App app{"SRLab: audio super-resolution workbench (command line)", "srlab"};
    app.set_version_flag("--version", std::string("srlab ") + srlab::kVersion);
    app.require_subcommand(1);
    app.footer("Licence: GPL-3.0-or-later. See `srlab COMMAND --help` for each command.");
    srlab::cli::addDatasetCommand(app);
    srlab::cli::addEvalCommand(app);
    srlab::cli::addTrainCommand(app);
    srlab::cli::addUpsampleCommand(app);
    srlab::cli::addBenchCommand(app);
    srlab::cli::addMushraCommand(app);
    srlab::cli::installInterruptHandler();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const srlab::cli::ExitCode& e) {
        return e.code;
    } catch (const srlab::Cancelled&) {
        std::fprintf(stderr, "srlab: cancelled; nothing was written\n");
        return 130;
    } catch (const srlab::Error& e) {
        std::fprintf(stderr, "srlab: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        // A library's message that no layer reworded: its first line only, never a stack trace.
        const std::string what = e.what();
        std::fprintf(stderr, "srlab: unexpected error: %s\n", what.substr(0, what.find('\n')).c_str());
        return 1;
    }
    return 0;
}
