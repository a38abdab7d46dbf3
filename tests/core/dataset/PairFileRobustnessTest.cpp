// SPDX-License-Identifier: GPL-3.0-or-later
// The dataset reader against damaged and hostile files: every input the fuzzers ever found
// (tests/fuzz/regressions/FuzzDataset) is refused with a message, and the storage checks refuse
// what libhdf5 would otherwise size gigabyte allocations from, before anything is read.
#include <hdf5.h>

#include <filesystem>
#include <vector>

#include "dataset/PairFile.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;

namespace {

// Opens and reads like training and the Datasets page do (FuzzDataset's sequence).
void readAll(const std::string& path) {
    const PairFileReader r(path);
    const auto& info = r.info();
    std::vector<float> input(size_t(info.inputDim)), label(size_t(info.spec.dim));
    for (Split s : kSplits) {
        const size_t n = r.count(s);
        if (n == 0) continue;
        r.read(s, 0, 1, input.data(), info.hasLabel ? label.data() : nullptr);
        r.read(s, n - 1, 1, input.data(), info.hasLabel ? label.data() : nullptr);
        r.sources(s);
        r.offsets(s);
    }
    r.manifestJson();
}

std::string errorOf(const std::string& path) {
    try {
        readAll(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// A valid 16-patch dataset of 64-sample patches.
void writeSmall(const std::string& path) {
    PairSpec spec;
    spec.rate = 16000;
    spec.scale = 4;
    spec.dim = 64;
    spec.stride = 64;
    PairFileWriter w(path, spec);
    std::vector<float> x(64, 0.25f);
    for (int i = 0; i < 16; ++i)
        for (Split s : kSplits) w.append(s, x.data(), x.data(), 0, 64 * i);
    w.finish(R"({"sources": []})");
}

// Replaces `name` with a dataset of the same shape made with `dcpl` (and `type`).
void replaceDataset(const std::string& path, const char* name, hid_t type, hid_t dcpl) {
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    const hid_t old = H5Dopen2(f, name, H5P_DEFAULT);
    const hid_t oldSpace = H5Dget_space(old);
    hsize_t dims[3] = {};
    const int rank = H5Sget_simple_extent_dims(oldSpace, dims, nullptr);
    H5Sclose(oldSpace);
    H5Dclose(old);
    // Chunked: extendible along the patches, as SRLab writes them (chunks may exceed the size).
    hsize_t maxDims[3] = {dims[0], dims[1], dims[2]};
    if (H5Pget_layout(dcpl) == H5D_CHUNKED) maxDims[0] = H5S_UNLIMITED;
    const hid_t space = H5Screate_simple(rank, dims, maxDims);
    ASSERT_GE(H5Ldelete(f, name, H5P_DEFAULT), 0);
    const hid_t ds = H5Dcreate2(f, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ASSERT_GE(ds, 0);
    H5Dclose(ds);
    H5Sclose(space);
    H5Fclose(f);
}

}  // namespace

TEST(PairFileRobustness, EveryFuzzFindingIsRefusedWithAMessage) {
    const std::filesystem::path dir = SRLAB_FUZZ_REGRESSIONS "/FuzzDataset";
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        ++n;
        const std::string err = errorOf(e.path().string());
        EXPECT_NE(err.find(e.path().string() + ": "), std::string::npos) << e.path() << ": " << err;
    }
    EXPECT_GE(n, 1u);
}

// The input FuzzDataset found: train/offset's chunk index claims 2,863,311,428 bytes in a
// 115 kB file, and libhdf5 allocated that much inside H5Dread. Refused before reading.
TEST(PairFileRobustness, ChunkIndexClaimingMoreThanTheFileIsRefusedBeforeReading) {
    const std::string f = SRLAB_FUZZ_REGRESSIONS "/FuzzDataset/oom-chunk-index-7d2c013b";
    try {
        PairFileReader r(f);
        FAIL() << "opened";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("dataset 'train/offset' declares 2863311428 bytes of storage"), std::string::npos)
            << e.what();
    }
}

TEST(PairFileRobustness, AValidFileReads) {
    TempDir d;
    writeSmall(d / "ok.h5");
    EXPECT_EQ(errorOf(d / "ok.h5"), "");
}

TEST(PairFileRobustness, FilteredDatasetsAreRefused) {
    TempDir d;
    writeSmall(d / "gz.h5");
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[3] = {4, 64, 1};
    H5Pset_chunk(dcpl, 3, chunk);
    H5Pset_deflate(dcpl, 6);
    replaceDataset(d / "gz.h5", "train/data", H5T_IEEE_F32LE, dcpl);
    H5Pclose(dcpl);
    EXPECT_NE(errorOf(d / "gz.h5").find("dataset 'train/data' is compressed or filtered"), std::string::npos)
        << errorOf(d / "gz.h5");
}

TEST(PairFileRobustness, HugeChunksAreRefused) {
    TempDir d;
    writeSmall(d / "chunk.h5");
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk[3] = {1u << 20, 64, 1};  // 256 MiB chunks over 16 patches
    H5Pset_chunk(dcpl, 3, chunk);
    replaceDataset(d / "chunk.h5", "val/data", H5T_IEEE_F32LE, dcpl);
    H5Pclose(dcpl);
    EXPECT_NE(errorOf(d / "chunk.h5").find("dataset 'val/data' has chunks of 268435456 bytes"), std::string::npos)
        << errorOf(d / "chunk.h5");
}

TEST(PairFileRobustness, WrongElementTypesAreRefused) {
    TempDir d;
    writeSmall(d / "f64.h5");
    replaceDataset(d / "f64.h5", "test/data", H5T_IEEE_F64LE, H5P_DEFAULT);
    EXPECT_NE(errorOf(d / "f64.h5").find("dataset 'test/data' has the wrong type (expected 4-byte floats)"), std::string::npos)
        << errorOf(d / "f64.h5");
    writeSmall(d / "i16.h5");
    replaceDataset(d / "i16.h5", "train/offset", H5T_STD_I16LE, H5P_DEFAULT);
    EXPECT_NE(errorOf(d / "i16.h5").find("dataset 'train/offset' has the wrong type (expected 8-byte integers)"),
              std::string::npos)
        << errorOf(d / "i16.h5");
}

}  // namespace srlab
