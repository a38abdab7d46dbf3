// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs/DistEnv.h"

#include <cerrno>
#include <cstdlib>

#include "util/Error.h"

namespace srlab {
namespace {

int intVar(const char* name, int fallback, int lo, int hi) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    errno = 0;
    const long x = std::strtol(v, &end, 10);
    if (errno || *end || x < lo || x > hi)
        throw Error(name, std::string("'") + v + "' is not a whole number in [" + std::to_string(lo) + ", " +
                              std::to_string(hi) + "]");
    return int(x);
}

}  // namespace

DistEnv distEnvFromEnvironment() {
    DistEnv e;
    e.world = intVar("WORLD_SIZE", 1, 1, 65536);
    if (e.world == 1) return e;
    e.rank = intVar("RANK", -1, 0, e.world - 1);
    if (e.rank < 0) throw Error("RANK", "is not set, but WORLD_SIZE is " + std::to_string(e.world));
    e.localRank = intVar("LOCAL_RANK", e.rank, 0, e.world - 1);
    e.localWorld = intVar("LOCAL_WORLD_SIZE", 1, 1, e.world);
    e.masterPort = intVar("MASTER_PORT", 29500, 1, 65535);
    if (const char* a = std::getenv("MASTER_ADDR"); a && *a) e.masterAddr = a;
    return e;
}

}  // namespace srlab
