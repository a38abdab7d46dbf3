// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// `srlab train --nproc N`: N local worker processes as ranks of one data-parallel run.
#include <string>

namespace srlab::cli {

// Starts N copies of this srlab (`train --resume RUN_DIR`) as ranks 0..N-1 on this machine,
// with torchrun's variables and a free loopback port, and waits for them. Ctrl-C reaches them
// all (and a SIGINT/SIGTERM sent to this process alone is forwarded), so they stop together
// with a checkpoint. If a rank fails or is killed, the others are told to stop and killed if
// they have not ended within a bounded time; the run folder keeps its last checkpoint.
// Returns normally when every rank finished; throws ExitCode{130} when stopped, and Error
// naming the run folder and the rank when one failed.
void launchLocalRanks(const std::string& runDir, int nproc);

}  // namespace srlab::cli
