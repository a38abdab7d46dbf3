// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <string>

namespace srlab {
// SHA-256 of a file's bytes as lower-case hex; throws Error naming the file.
std::string sha256File(const std::string& path);
}  // namespace srlab
