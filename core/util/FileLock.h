// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// An exclusive advisory lock (flock) on a file, held for the object's lifetime: one writer per
// run folder, across processes and within one. The kernel releases it when the holder dies
// (kill -9 included), so a crashed run never leaves a stale lock and stays resumable.
//
// Threads: construct and destroy on one thread; the lock belongs to the process.
#include <string>

namespace srlab {

class FileLock {
public:
    // Takes the lock on `path` (created if missing) without waiting; throws Error naming
    // `subject` when another holder has it ("is in use by process N": `what` says for what).
    FileLock(const std::string& path, const std::string& subject, const std::string& what);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace srlab
