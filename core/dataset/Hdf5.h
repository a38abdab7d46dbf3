// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The HDF5 plumbing under PairFile (not a public interface): the library lock, handles that
// close themselves, and string attributes and datasets the way SRLab stores them.
#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <string>

namespace srlab {

// libhdf5 (Debian's serial build) is not thread-safe: every call holds this.
std::recursive_mutex& h5Lock();

// Before any other HDF5 call: errors come back as exceptions, not stderr stacks, and there is
// no atexit clean-up (see Hdf5.cpp).
void silenceHdf5();

class Hid {
public:
    Hid() = default;
    Hid(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    Hid(Hid&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
    Hid& operator=(Hid&& o) noexcept {
        reset();
        id_ = o.id_;
        close_ = o.close_;
        o.id_ = -1;
        return *this;
    }
    ~Hid() { reset(); }
    void reset() {
        if (id_ >= 0 && close_) close_(id_);
        id_ = -1;
    }
    hid_t get() const { return id_; }
    bool ok() const { return id_ >= 0; }

private:
    hid_t id_ = -1;
    herr_t (*close_)(hid_t) = nullptr;
};

template <typename T>
void attrScalar(hid_t loc, const char* name, hid_t type, T value) {
    Hid space(H5Screate(H5S_SCALAR), H5Sclose);
    Hid attr(H5Acreate2(loc, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    H5Awrite(attr.get(), type, &value);
}

// Fixed-length UTF-8 strings, as attributes or scalar datasets. Reading refuses
// variable-length strings and lengths beyond `fileBytes` (the file's size).
Hid fixedString(size_t bytes);
void attrString(hid_t loc, const char* name, const std::string& value);
void writeStringDataset(hid_t loc, const char* name, const std::string& value);
std::string readFixedString(hid_t obj, bool attribute, const std::string& what, const std::string& path,
                            uintmax_t fileBytes);
std::string readAttrString(hid_t loc, const char* name, const std::string& path, uintmax_t fileBytes);

// Before any read of a numeric dataset: its type must be `cls` of `typeSize` bytes, unfiltered,
// contiguous, compact or chunked in chunks of at most kMaxChunkBytes, and the storage its header
// and chunk index declare must fit the file (`fileBytes`). libhdf5 sizes its buffers from those
// declarations, so a damaged file would otherwise make it allocate gigabytes (FuzzDataset found a
// 115 kB file whose chunk index claims 2.9 GB). `what` names the dataset in errors.
constexpr double kMaxChunkBytes = 64.0 * 1024 * 1024;
void checkStorage(hid_t ds, H5T_class_t cls, size_t typeSize, const std::string& what, const std::string& path,
                  uintmax_t fileBytes);

}  // namespace srlab
