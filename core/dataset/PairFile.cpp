// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/PairFile.h"

#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "dataset/Hdf5.h"
#include "srlab/Version.h"
#include "util/Error.h"

namespace srlab {
namespace {

// 2: written with the 1.8+ file format, whose metadata (superblock, object headers, chunk
// indexes) carries checksums, so a damaged file is refused by HDF5 instead of misread.
constexpr int kFormatVersion = 2;

struct SplitSink {
    Hid group, data, label, source, offset;
    size_t written = 0;
    std::vector<float> bufData, bufLabel;
    std::vector<int32_t> bufSource;
    std::vector<int64_t> bufOffset;
};

Hid createExtendible(hid_t group, const char* name, hid_t type, int rank, hsize_t width, hsize_t chunkRows) {
    hsize_t dims[3] = {0, width, 1}, maxd[3] = {H5S_UNLIMITED, width, 1}, chunk[3] = {chunkRows, width, 1};
    Hid space(H5Screate_simple(rank, dims, maxd), H5Sclose);
    Hid plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    H5Pset_chunk(plist.get(), rank, chunk);
    return Hid(H5Dcreate2(group, name, type, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT), H5Dclose);
}

// Appends `rows` rows to an extendible dataset (rank 1 or 3).
bool appendRows(hid_t ds, hid_t memType, size_t at, size_t rows, hsize_t width, int rank, const void* buf) {
    hsize_t newDims[3] = {hsize_t(at + rows), width, 1};
    if (H5Dset_extent(ds, newDims) < 0) return false;
    Hid fspace(H5Dget_space(ds), H5Sclose);
    hsize_t start[3] = {hsize_t(at), 0, 0}, count[3] = {hsize_t(rows), width, 1};
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    Hid mspace(H5Screate_simple(rank, count, nullptr), H5Sclose);
    return H5Dwrite(ds, memType, mspace.get(), fspace.get(), H5P_DEFAULT, buf) >= 0;
}

}  // namespace

// ---------------------------------------------------------------- writer

struct PairFileWriter::Impl {
    std::string path;
    PairSpec spec;
    Hid file;
    std::array<SplitSink, 3> sinks;
    size_t block = 32;  // patches per write, also the chunk height

    void flush(Split s) {
        SplitSink& k = sinks[size_t(s)];
        const size_t rows = k.bufSource.size();
        if (!rows) return;
        bool ok = appendRows(k.data.get(), H5T_NATIVE_FLOAT, k.written, rows, hsize_t(spec.inputDim()), 3, k.bufData.data()) &&
                  appendRows(k.source.get(), H5T_NATIVE_INT32, k.written, rows, 1, 1, k.bufSource.data()) &&
                  appendRows(k.offset.get(), H5T_NATIVE_INT64, k.written, rows, 1, 1, k.bufOffset.data());
        if (ok && k.label.ok())
            ok = appendRows(k.label.get(), H5T_NATIVE_FLOAT, k.written, rows, hsize_t(spec.dim), 3, k.bufLabel.data());
        if (!ok) throw Error(path, "HDF5 write failed (disk full or not writable?)");
        k.written += rows;
        k.bufData.clear();
        k.bufLabel.clear();
        k.bufSource.clear();
        k.bufOffset.clear();
    }
};

PairFileWriter::PairFileWriter(const std::string& path, const PairSpec& spec) : d_(new Impl) {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    silenceHdf5();
    d_->path = path;
    d_->spec = spec;
    // Chunks of about 1 MB and at most 64 patches: a random batch read touches little beyond
    // its patches, and a small dataset stays small (a chunk is allocated whole).
    d_->block = std::clamp<size_t>((1u << 20) / (sizeof(float) * size_t(spec.dim)), 1, 64);
    Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
    d_->file = Hid(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
    if (!d_->file.ok()) throw Error(path, "cannot create HDF5 file");
    const hid_t f = d_->file.get();
    attrString(f, "format", "srlab-pairs");
    attrScalar(f, "format_version", H5T_NATIVE_INT, kFormatVersion);
    attrString(f, "tool_version", kVersion);
    attrString(f, "spec", spec.toJson());
    attrScalar(f, "rate", H5T_NATIVE_INT, spec.rate);
    attrScalar(f, "scale", H5T_NATIVE_INT, spec.scale);
    attrScalar(f, "dim", H5T_NATIVE_INT, spec.dim);
    attrScalar(f, "stride", H5T_NATIVE_INT, spec.stride);
    attrScalar(f, "seed", H5T_NATIVE_UINT64, spec.seed);
    attrString(f, "filter", toString(spec.filter));
    attrString(f, "baseline", toString(spec.baseline));
    attrScalar(f, "low_res_input", H5T_NATIVE_INT, int(spec.lowResInput));
    for (Split s : kSplits) {
        SplitSink& k = d_->sinks[size_t(s)];
        k.group = Hid(H5Gcreate2(f, toString(s), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
        k.data = createExtendible(k.group.get(), "data", H5T_IEEE_F32LE, 3, hsize_t(spec.inputDim()), d_->block);
        if (!spec.lowResInput)
            k.label = createExtendible(k.group.get(), "label", H5T_IEEE_F32LE, 3, hsize_t(spec.dim), d_->block);
        k.source = createExtendible(k.group.get(), "source", H5T_STD_I32LE, 1, 1, 1024);
        k.offset = createExtendible(k.group.get(), "offset", H5T_STD_I64LE, 1, 1, 1024);
        if (!k.group.ok() || !k.data.ok() || !k.source.ok() || !k.offset.ok())
            throw Error(path, "cannot create datasets");
    }
}

PairFileWriter::~PairFileWriter() {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    d_.reset();
}

void PairFileWriter::append(Split split, const float* label, const float* input, int32_t source, int64_t offset) {
    SplitSink& k = d_->sinks[size_t(split)];
    k.bufData.insert(k.bufData.end(), input, input + d_->spec.inputDim());
    if (k.label.ok()) {
        if (!label) throw Error(d_->path, "label missing for a labelled dataset");
        k.bufLabel.insert(k.bufLabel.end(), label, label + d_->spec.dim);
    }
    k.bufSource.push_back(source);
    k.bufOffset.push_back(offset);
    if (k.bufSource.size() >= d_->block) {
        std::lock_guard<std::recursive_mutex> lock(h5Lock());
        d_->flush(split);
    }
}

size_t PairFileWriter::count(Split split) const {
    const SplitSink& k = d_->sinks[size_t(split)];
    return k.written + k.bufSource.size();
}

void PairFileWriter::finish(const std::string& manifestJson) {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    for (Split s : kSplits) d_->flush(s);
    writeStringDataset(d_->file.get(), "manifest", manifestJson);
    for (auto& k : d_->sinks) k = SplitSink{};
    if (H5Fflush(d_->file.get(), H5F_SCOPE_GLOBAL) < 0) throw Error(d_->path, "flush failed (disk full?)");
    d_->file.reset();
}

// ---------------------------------------------------------------- reader

struct PairFileReader::Impl {
    std::string path;
    uintmax_t bytes = 0;  // the file's size: bounds every length the file claims
    Hid file;
    PairFileInfo info;
    std::array<Hid, 3> data, label;
};

namespace {

// Refuses, before HDF5 parses anything, files without checksummed metadata (superblock version
// 0 or 1): HDF5 trusts such metadata, and a damaged file can crash it rather than fail.
void checkSuperblock(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "cannot open (missing or unreadable)");
    char head[9] = {};
    in.read(head, sizeof head);
    static const char kSignature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    if (in.gcount() < 9 || std::memcmp(head, kSignature, 8) != 0)
        throw Error(path, "not an HDF5 file (or truncated)");
    if (static_cast<unsigned char>(head[8]) < 2)
        throw Error(path, "HDF5 file is not an SRLab pair dataset of format " + std::to_string(kFormatVersion) +
                              " (its metadata has no checksums: written by other software, or by SRLab before "
                              "format 2; rebuild it with `srlab dataset build`)");
}

}  // namespace

PairFileReader::PairFileReader(const std::string& path) : d_(new Impl) {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    silenceHdf5();
    d_->path = path;
    checkSuperblock(path);
    std::error_code ec;
    d_->bytes = std::filesystem::file_size(path, ec);
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw Error(path, "not an HDF5 file (or missing, unreadable or truncated)");
    d_->file = Hid(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!d_->file.ok()) throw Error(path, "cannot open HDF5 file (truncated or damaged?)");
    const hid_t f = d_->file.get();
    if (readAttrString(f, "format", path, d_->bytes) != "srlab-pairs") throw Error(path, "HDF5 file is not an SRLab pair dataset");
    PairFileInfo& in = d_->info;
    in.toolVersion = readAttrString(f, "tool_version", path, d_->bytes);
    try {
        in.spec = PairSpec::fromJson(readAttrString(f, "spec", path, d_->bytes));
    } catch (const Error& e) {
        throw Error(path, std::string("bad build settings: ") + e.what());
    }
    in.hasLabel = !in.spec.lowResInput;
    in.inputDim = in.spec.inputDim();
    for (Split s : kSplits) {
        const std::string g = toString(s);
        // width 0: a 1-D index of `indexBytes`-byte integers; else (n, width, 1) float32.
        auto open = [&](const std::string& name, hsize_t width, size_t indexBytes = 0) {
            const std::string full = g + "/" + name;
            if (H5Lexists(f, g.c_str(), H5P_DEFAULT) <= 0 || H5Lexists(f, full.c_str(), H5P_DEFAULT) <= 0)
                throw Error(path, "missing dataset '" + full + "'");
            Hid ds(H5Dopen2(f, full.c_str(), H5P_DEFAULT), H5Dclose);
            Hid space(H5Dget_space(ds.get()), H5Sclose);
            const int rank = H5Sget_simple_extent_ndims(space.get());
            hsize_t dims[3] = {0, 0, 0};
            if (rank != (width ? 3 : 1) || H5Sget_simple_extent_dims(space.get(), dims, nullptr) < 0 ||
                (width && (dims[1] != width || dims[2] != 1)))
                throw Error(path, "dataset '" + full + "' has the wrong shape (expected (n, " +
                                      std::to_string(width) + ", 1))");
            // Every size libhdf5 will allocate from is checked against the file first.
            checkStorage(ds.get(), width ? H5T_FLOAT : H5T_INTEGER, width ? sizeof(float) : indexBytes,
                         "dataset '" + full + "'", path, d_->bytes);
            return std::make_pair(std::move(ds), size_t(dims[0]));
        };
        auto [data, n] = open("data", hsize_t(in.inputDim));
        in.counts[size_t(s)] = n;
        d_->data[size_t(s)] = std::move(data);
        if (in.hasLabel) {
            auto [label, nl] = open("label", hsize_t(in.spec.dim));
            if (nl != n) throw Error(path, "'" + g + "/label' and '" + g + "/data' differ in length");
            d_->label[size_t(s)] = std::move(label);
        }
        if (open("source", 0, sizeof(int32_t)).second != n) throw Error(path, "'" + g + "/source' has the wrong length");
        if (open("offset", 0, sizeof(int64_t)).second != n) throw Error(path, "'" + g + "/offset' has the wrong length");
    }
}

PairFileReader::~PairFileReader() {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    d_.reset();
}

const PairFileInfo& PairFileReader::info() const { return d_->info; }
const std::string& PairFileReader::path() const { return d_->path; }

void PairFileReader::read(Split s, size_t first, size_t n, float* input, float* label, int) const {
    if (first + n > count(s)) throw Error(d_->path, "patch range past the end of split '" + std::string(toString(s)) + "'");
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    auto rd = [&](hid_t ds, hsize_t width, float* dst) {
        Hid fspace(H5Dget_space(ds), H5Sclose);
        hsize_t start[3] = {hsize_t(first), 0, 0}, cnt[3] = {hsize_t(n), width, 1};
        H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
        Hid mspace(H5Screate_simple(3, cnt, nullptr), H5Sclose);
        if (H5Dread(ds, H5T_NATIVE_FLOAT, mspace.get(), fspace.get(), H5P_DEFAULT, dst) < 0)
            throw Error(d_->path, "read failed in split '" + std::string(toString(s)) + "' (damaged file?)");
    };
    if (n == 0) return;
    if (input) rd(d_->data[size_t(s)].get(), hsize_t(d_->info.inputDim), input);
    if (label) {
        if (!d_->info.hasLabel) throw Error(d_->path, "dataset has no labels (built from low-res input)");
        rd(d_->label[size_t(s)].get(), hsize_t(d_->info.spec.dim), label);
    }
}

namespace {
template <typename T>
std::vector<T> readIndex(hid_t f, const std::string& name, hid_t type, size_t n, const std::string& path) {
    std::vector<T> v(n);
    if (!n) return v;
    Hid ds(H5Dopen2(f, name.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.ok() || H5Dread(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        throw Error(path, "cannot read '" + name + "'");
    return v;
}
}  // namespace

std::vector<int32_t> PairFileReader::sources(Split s) const {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    return readIndex<int32_t>(d_->file.get(), std::string(toString(s)) + "/source", H5T_NATIVE_INT32, count(s), d_->path);
}

std::vector<int64_t> PairFileReader::offsets(Split s) const {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    return readIndex<int64_t>(d_->file.get(), std::string(toString(s)) + "/offset", H5T_NATIVE_INT64, count(s), d_->path);
}

std::string PairFileReader::manifestJson() const {
    std::lock_guard<std::recursive_mutex> lock(h5Lock());
    const hid_t f = d_->file.get();
    if (H5Lexists(f, "manifest", H5P_DEFAULT) <= 0) throw Error(d_->path, "missing dataset 'manifest'");
    Hid ds(H5Dopen2(f, "manifest", H5P_DEFAULT), H5Dclose);
    if (!ds.ok()) throw Error(d_->path, "cannot read the manifest");
    return readFixedString(ds.get(), false, "dataset 'manifest'", d_->path, d_->bytes);
}

}  // namespace srlab
