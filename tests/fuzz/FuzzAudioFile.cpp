// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as an audio file. Reading must give samples or srlab::Error, never
// a crash, a hang or a sanitizer report.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "audio/AudioFile.h"
#include "util/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/srlab-fuzz-" + std::to_string(getpid()) + ".wav";
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    try {
        int rate = 0;
        auto x = srlab::readMono(path, &rate);
        if (rate <= 0) __builtin_trap();  // a successful read always has a rate
    } catch (const srlab::Error&) {
    }
    return 0;
}
