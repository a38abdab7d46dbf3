// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Write-to-temp-then-rename, so a crash or cancel never leaves a half file under the final
// name. Usage: AtomicFile f(final); write to f.tempPath(); f.commit(). The destructor removes
// the temp file if commit() was never reached.
#include <string>

namespace srlab {

class AtomicFile {
public:
    explicit AtomicFile(std::string finalPath);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& tempPath() const { return temp_; }
    const std::string& finalPath() const { return final_; }
    // fsync the temp file, rename over the final name, fsync the directory.
    void commit();

private:
    std::string final_, temp_;
    bool committed_ = false;
};

// Writes `text` to `path` through an AtomicFile; throws Error naming the file on failure.
void writeFileAtomically(const std::string& path, const std::string& text);

// Flushes a file's (or a folder's entries') data to the disk; best effort.
void fsyncPath(const std::string& path, bool directory);

// Throws Error naming the folder when a file cannot be created next to `path`.
void checkWritableDir(const std::string& path);

}  // namespace srlab
