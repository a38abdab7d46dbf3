// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Each subcommand registers itself on the root CLI11 app and runs through the callback it sets.
namespace CLI {
class App;
}

namespace srlab::cli {
void addDatasetCommand(CLI::App& root);
void addEvalCommand(CLI::App& root);
void addBenchCommand(CLI::App& root);
}  // namespace srlab::cli
