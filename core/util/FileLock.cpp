// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/FileLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "util/Error.h"

namespace srlab {

FileLock::FileLock(const std::string& path, const std::string& subject, const std::string& what) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(subject, "cannot create " + path + " (" + std::strerror(errno) + ")");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        char pid[32] = {};
        const ssize_t got = ::pread(fd_, pid, sizeof pid - 1, 0);
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK) {
            const std::string holder = got > 0 ? std::string(pid, size_t(got)) : std::string("?");
            throw Error(subject, "is " + what + " by another process (pid " + holder.substr(0, holder.find('\n')) +
                                     "); wait for it to end or stop it");
        }
        throw Error(subject, std::string("cannot lock (") + std::strerror(err) + ")");
    }
    // Who holds it, for the message above (informational; the lock is the flock).
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) (void)::pwrite(fd_, me.data(), me.size(), 0);
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace srlab
