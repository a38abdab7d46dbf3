// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/Hdf5.h"

#include <algorithm>

#include "util/Error.h"

namespace srlab {

std::recursive_mutex& h5Lock() {
    static std::recursive_mutex mu;
    return mu;
}

// HDF5 prints its own error stacks to stderr by default; we report through exceptions.
// Before any other HDF5 call. No atexit clean-up: after a failed write (disk full) HDF5 keeps
// the file it could not close, and closing it again at exit crashes inside the library (found
// by the full-disk test). The kernel releases the file at exit anyway.
void silenceHdf5() {
    static std::once_flag once;
    std::call_once(once, [] {
        H5dont_atexit();
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    });
}

// Strings are stored fixed-length: variable-length ones live in HDF5's global heap, which has no
// checksum, and a damaged global heap hangs libhdf5 (found by FuzzDataset).
Hid fixedString(size_t bytes) {
    Hid type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), std::max<size_t>(1, bytes));
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
    H5Tset_cset(type.get(), H5T_CSET_UTF8);
    return type;
}

void attrString(hid_t loc, const char* name, const std::string& value) {
    Hid type = fixedString(value.size());
    Hid space(H5Screate(H5S_SCALAR), H5Sclose);
    Hid attr(H5Acreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    std::string padded = value;
    padded.resize(std::max<size_t>(1, value.size()), '\0');
    H5Awrite(attr.get(), type.get(), padded.data());
}

// A fixed-length string attribute or scalar dataset; `what` names it in errors.
std::string readFixedString(hid_t obj, bool attribute, const std::string& what, const std::string& path,
                            uintmax_t fileBytes) {
    Hid ftype(attribute ? H5Aget_type(obj) : H5Dget_type(obj), H5Tclose);
    if (H5Tget_class(ftype.get()) != H5T_STRING) throw Error(path, what + " is not a string");
    if (H5Tis_variable_str(ftype.get()) != 0)
        throw Error(path, what + " is a variable-length string: not written by SRLab (format 2 stores fixed-length strings)");
    const size_t size = H5Tget_size(ftype.get());
    if (size == 0 || size > fileBytes) throw Error(path, what + " has an impossible length (damaged?)");
    Hid space(attribute ? H5Aget_space(obj) : H5Dget_space(obj), H5Sclose);
    if (H5Sget_simple_extent_npoints(space.get()) != 1) throw Error(path, what + " is not a single string");
    Hid mtype = fixedString(size);
    H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));  // HDF5 does not convert between charsets
    std::string out(size, '\0');
    const herr_t rc = attribute ? H5Aread(obj, mtype.get(), out.data())
                                : H5Dread(obj, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    if (rc < 0) throw Error(path, "cannot read " + what);
    out.resize(std::min(out.size(), out.find('\0')));
    return out;
}


std::string readAttrString(hid_t loc, const char* name, const std::string& path, uintmax_t fileBytes) {
    if (H5Aexists(loc, name) <= 0) throw Error(path, std::string("missing attribute '") + name + "' (not an SRLab dataset?)");
    Hid attr(H5Aopen(loc, name, H5P_DEFAULT), H5Aclose);
    return readFixedString(attr.get(), true, std::string("attribute '") + name + "'", path, fileBytes);
}

// A UTF-8 string as a scalar dataset (h5py: f['manifest'][()].decode()).
void writeStringDataset(hid_t loc, const char* name, const std::string& value) {
    Hid type = fixedString(value.size());
    Hid space(H5Screate(H5S_SCALAR), H5Sclose);
    Hid ds(H5Dcreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    std::string padded = value;
    padded.resize(std::max<size_t>(1, value.size()), '\0');
    if (!ds.ok() || H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()) < 0)
        throw Error("manifest", "cannot write");
}

}  // namespace srlab
