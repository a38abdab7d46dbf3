// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/Hdf5.h"

#include <cmath>

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
    if (!attribute) checkStorage(obj, H5T_STRING, size, what, path, fileBytes);
    Hid mtype = fixedString(size);
    H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));  // HDF5 does not convert between charsets
    std::string out(size, '\0');
    const herr_t rc = attribute ? H5Aread(obj, mtype.get(), out.data())
                                : H5Dread(obj, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
    if (rc < 0) throw Error(path, "cannot read " + what);
    out.resize(std::min(out.size(), out.find('\0')));
    return out;
}


namespace {
double product(const hsize_t* v, int n) {
    double p = 1;
    for (int i = 0; i < n; ++i) p *= double(v[i]);
    return p;
}
std::string bytesText(double b) { return std::to_string((unsigned long long)b) + " bytes"; }
}  // namespace

void checkStorage(hid_t ds, H5T_class_t cls, size_t typeSize, const std::string& what, const std::string& path,
                  uintmax_t fileBytes) {
    Hid type(H5Dget_type(ds), H5Tclose);
    if (!type.ok() || H5Tget_class(type.get()) != cls || H5Tget_size(type.get()) != typeSize)
        throw Error(path, what + " has the wrong type (expected " + std::to_string(typeSize) + "-byte " +
                              (cls == H5T_FLOAT ? "floats" : cls == H5T_INTEGER ? "integers" : "strings") + ")");
    Hid dcpl(H5Dget_create_plist(ds), H5Pclose);
    Hid space(H5Dget_space(ds), H5Sclose);
    if (!dcpl.ok() || !space.ok()) throw Error(path, "cannot read the layout of " + what + " (damaged?)");
    if (H5Pget_nfilters(dcpl.get()) != 0)
        throw Error(path, what + " is compressed or filtered; SRLab stores patches unfiltered (rebuild it with "
                                 "`srlab dataset build`, or h5repack it without filters)");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    hsize_t dims[H5S_MAX_RANK] = {};
    if (rank < 0 || H5Sget_simple_extent_dims(space.get(), dims, nullptr) < 0)
        throw Error(path, "cannot read the shape of " + what + " (damaged?)");
    const double nominal = product(dims, rank) * double(typeSize);
    if (nominal > double(fileBytes))
        throw Error(path, what + " claims " + bytesText(nominal) + ", more than the file's " +
                              bytesText(double(fileBytes)) + " can hold (damaged?)");
    // The sum of the stored sizes the layout or chunk index declares (no data is read).
    const double stored = double(H5Dget_storage_size(ds));
    if (stored > double(fileBytes))
        throw Error(path, what + " declares " + bytesText(stored) + " of storage in a file of " +
                              bytesText(double(fileBytes)) + " (damaged?)");
    const H5D_layout_t layout = H5Pget_layout(dcpl.get());
    if (layout == H5D_CHUNKED) {
        hsize_t chunk[H5S_MAX_RANK] = {};
        if (H5Pget_chunk(dcpl.get(), H5S_MAX_RANK, chunk) != rank)
            throw Error(path, what + " has a chunk shape that does not match its rank (damaged?)");
        const double chunkBytes = product(chunk, rank) * double(typeSize);
        if (chunkBytes <= 0 || chunkBytes > kMaxChunkBytes)
            throw Error(path, what + " has chunks of " + bytesText(chunkBytes) + " (at most " +
                                  bytesText(kMaxChunkBytes) + " are read)");
        // SRLab writes every chunk, unfiltered, at its nominal size. Anything else is damage,
        // and libhdf5 must not see it: a chunk never written reads as the fill value, whose
        // stored size it trusts, and a short chunk is copied out at its nominal size.
        double expected = 1;
        for (int i = 0; i < rank; ++i) expected *= std::ceil(double(dims[i]) / double(chunk[i]));
        hsize_t chunks = 0;
        if (H5Dget_num_chunks(ds, space.get(), &chunks) < 0) throw Error(path, "cannot read the chunk index of " + what + " (damaged?)");
        if (double(chunks) != expected || stored != double(chunks) * chunkBytes)
            throw Error(path, what + "'s chunk index declares " + std::to_string(chunks) + " chunks and " +
                                  bytesText(stored) + " where its shape needs " + std::to_string((unsigned long long)expected) +
                                  " chunks of " + bytesText(chunkBytes) + " (damaged?)");
    } else if (layout != H5D_CONTIGUOUS && layout != H5D_COMPACT) {
        throw Error(path, what + " has a storage layout SRLab does not read (virtual or external)");
    } else if (stored != nominal) {
        // Unfiltered data is stored at exactly its nominal size; libhdf5 copies a compact
        // dataset's nominal size out of a buffer of its stored size, and fills unwritten
        // contiguous data from a fill value whose size it trusts.
        throw Error(path, what + " declares " + bytesText(stored) + " of storage for " + bytesText(nominal) + " of data (damaged?)");
    }
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
