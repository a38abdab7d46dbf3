// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Errors that carry the file (or other object) they are about, so every message a user sees
// reads "PATH: problem".
#include <stdexcept>
#include <string>

namespace srlab {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
    Error(const std::string& subject, const std::string& problem)
        : std::runtime_error(subject.empty() ? problem : subject + ": " + problem),
          subject_(subject) {}
    const std::string& subject() const { return subject_; }
    // The message without "SUBJECT: ".
    std::string problem() const { return subject_.empty() ? what() : std::string(what()).substr(subject_.size() + 2); }

private:
    std::string subject_;
};

// Thrown when a CancelToken fires; callers clean up and report "cancelled", not a failure.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace srlab
