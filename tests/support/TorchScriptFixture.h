// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// TorchScript modules for tests, written by this build's libtorch (so both builds read them),
// behind a torch-free header that Qt tests can include.
#include <string>

namespace srlab::test {

// A module whose forward is `forwardSource` (TorchScript: "def forward(self, x):\n    ..."),
// with the int attributes sample_rate and scale (docs/reference.md §4.2).
void writeTorchScript(const std::string& path, const std::string& forwardSource, int rate, int scale);

}  // namespace srlab::test
