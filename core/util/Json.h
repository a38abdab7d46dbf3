// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// JSON as SRLab's readers parse it. nlohmann converts a float to an int field with a plain
// cast, which is undefined for floats outside the int's range (the fuzzer found
// {"rate": 1.7e44}). So after parsing, whole-valued floats become integers and any number
// beyond +-1e15 is refused; what remains converts safely.
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "util/Error.h"

namespace srlab {

inline void tameNumbers(nlohmann::json& j) {
    if (j.is_structured()) {
        for (auto& v : j) tameNumbers(v);
    } else if (j.is_number_float()) {
        const double v = j.get<double>();
        if (!(std::abs(v) <= 1e15)) throw Error("JSON", "number " + j.dump() + " is out of range");
        if (v == std::floor(v)) j = static_cast<int64_t>(v);
    } else if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(1e15)) {
        throw Error("JSON", "number " + j.dump() + " is out of range");
    } else if (j.is_number_integer() && std::llabs(j.get<int64_t>()) > int64_t(1e15)) {
        throw Error("JSON", "number " + j.dump() + " is out of range");
    }
}

// An nlohmann error as a user reads it: without the library's "[json.exception.type_error.302] "
// tag, which names its own internals, not the file's problem.
inline std::string jsonProblem(const nlohmann::json::exception& e) {
    std::string w = e.what();
    if (w.rfind("[json.exception.", 0) == 0) {
        const size_t end = w.find("] ");
        if (end != std::string::npos) w.erase(0, end + 2);
    }
    return w;
}

// Throws nlohmann::json::exception for syntax errors, Error for numbers out of range.
inline nlohmann::json parseJson(const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text);
    tameNumbers(j);
    return j;
}

}  // namespace srlab
