// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/AtomicFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "util/Error.h"

namespace fs = std::filesystem;

namespace srlab {
namespace {

std::string parentOf(const std::string& path) {
    fs::path p = fs::absolute(path).parent_path();
    return p.empty() ? std::string(".") : p.string();
}

}  // namespace

void fsyncPath(const std::string& path, bool directory) {
    int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void checkWritableDir(const std::string& path) {
    const std::string dir = parentOf(path);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error(path, "folder " + dir + " does not exist");
    if (::access(dir.c_str(), W_OK) != 0)
        throw Error(path, "folder " + dir + " is not writable: " + std::strerror(errno));
    if (fs::is_directory(path, ec)) throw Error(path, "is a folder, expected a file name");
}

AtomicFile::AtomicFile(std::string finalPath) : final_(std::move(finalPath)) {
    checkWritableDir(final_);
    std::random_device rd;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp-%08x", rd());
    fs::path p(final_);
    temp_ = (fs::absolute(p).parent_path() / ("." + p.filename().string() + suffix)).string();
}

AtomicFile::~AtomicFile() {
    if (!committed_) {
        std::error_code ec;
        fs::remove(temp_, ec);
    }
}

void AtomicFile::commit() {
    fsyncPath(temp_, false);
    if (std::rename(temp_.c_str(), final_.c_str()) != 0)
        throw Error(final_, std::string("cannot move finished file into place: ") +
                                std::strerror(errno));
    committed_ = true;
    fsyncPath(parentOf(final_), true);
}

void writeFileAtomically(const std::string& path, const std::string& text) {
    AtomicFile f(path);
    {
        std::ofstream o(f.tempPath());
        o << text;
        if (!o.flush()) throw Error(path, "write failed");
    }
    f.commit();
}

}  // namespace srlab
