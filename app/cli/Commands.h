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
void addTrainCommand(CLI::App& root);
void addUpsampleCommand(CLI::App& root);
void addMushraCommand(CLI::App& root);

// Thrown by a command that ends on purpose with a non-zero status (a stopped run: 130).
struct ExitCode {
    int code;
};
}  // namespace srlab::cli
