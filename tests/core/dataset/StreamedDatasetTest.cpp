// SPDX-License-Identifier: GPL-3.0-or-later
// Streamed datasets: their items against the HDF5 builder's, epoch draws, conversion to HDF5,
// and every way a source can go wrong under them.
#include "dataset/StreamedDataset.h"

#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "dataset/PairFile.h"
#include "dataset/SourceWindow.h"
#include "support/TestSupport.h"
#include "util/Error.h"

namespace srlab {
using namespace test;
namespace fs = std::filesystem;

namespace {

PairSpec smallSpec() {
    PairSpec s;
    s.rate = 16000;
    s.scale = 4;
    s.dim = 2048;
    s.stride = 1024;
    s.split = {0.6, 0.2, 0.2};
    return s;
}

// Ten files of 1.5 s at `rate` (music-like: a chirp over noise).
std::vector<std::string> makeCorpus(const TempDir& d, int rate) {
    std::vector<std::string> files;
    for (int i = 0; i < 10; ++i) {
        const std::string p = fs::absolute(d / ("clip" + std::to_string(i) + ".wav")).string();
        auto x = chirp(100 + 50 * i, 0.45 * rate, rate, size_t(rate * 3 / 2), 0.4);
        const auto n = noise(x.size(), unsigned(i + 1), 0.05);
        for (size_t k = 0; k < x.size(); ++k) x[k] += n[k];
        writeMonoWav(p, x, rate);
        files.push_back(p);
    }
    return files;
}

struct Items {
    std::vector<float> input, label;
};
Items readAll(const PatchDataset& d, Split s, int epoch = kNominal) {
    Items it;
    const size_t n = d.count(s);
    it.input.resize(n * size_t(d.info().inputDim));
    it.label.resize(n * size_t(d.info().spec.dim));
    d.read(s, 0, n, it.input.data(), it.label.data(), epoch);
    return it;
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    EXPECT_EQ(a.size(), b.size());
    double m = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::fabs(double(a[i]) - b[i]));
    return m;
}

// fn throws srlab::Error whose message holds every one of `parts`.
template <class F>
void expectErrorMentions(F fn, const std::vector<std::string>& parts) {
    try {
        fn();
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << " lacks " << p;
    }
}

BuildReport build(const PairSpec& spec, const std::vector<std::string>& files, const std::string& out) {
    NullProgress quiet;
    BuildInputs in;
    in.files = files;
    return buildDataset(spec, in, out, quiet, CancelToken());
}

}  // namespace

// At the target rate with a chain per patch, a nominal item is the HDF5 builder's patch, bit for
// bit, in every split: the same window, chain and arithmetic.
TEST(StreamedDataset, NominalItemsAreThePerPatchBuildersPatches) {
    TempDir d;
    const auto files = makeCorpus(d, 16000);
    PairSpec spec = smallSpec();
    spec.degrade = "zoo,per=patch";
    build(spec, files, d / "pairs.h5");
    const auto index = build(spec, files, d / "pairs.json");
    EXPECT_LT(fs::file_size(d / "pairs.json"), 16u * 1024);
    const PairFileReader h5(d / "pairs.h5");
    const StreamedDataset st(d / "pairs.json");
    for (Split s : kSplits) {
        ASSERT_EQ(st.count(s), h5.count(s)) << toString(s);
        ASSERT_GT(st.count(s), 0u);
        EXPECT_EQ(st.sources(s), h5.sources(s));
        EXPECT_EQ(st.offsets(s), h5.offsets(s));
        const Items a = readAll(st, s), b = readAll(h5, s);
        EXPECT_EQ(a.input, b.input) << toString(s);
        EXPECT_EQ(a.label, b.label) << toString(s);
    }
}

// From 44.1 kHz sources through the whole-file chain (a fixed Chebyshev filter): the streamed
// item resamples and filters only its window, and matches the whole-file build closely.
TEST(StreamedDataset, ResampledWindowsMatchTheWholeFileBuild) {
    TempDir d;
    const auto files = makeCorpus(d, 44100);
    const PairSpec spec = smallSpec();
    build(spec, files, d / "pairs.h5");
    build(spec, files, d / "pairs.json");
    const PairFileReader h5(d / "pairs.h5");
    const StreamedDataset st(d / "pairs.json");
    for (Split s : kSplits) {
        ASSERT_EQ(st.count(s), h5.count(s));
        const Items a = readAll(st, s), b = readAll(h5, s);
        EXPECT_LT(maxAbsDiff(a.label, b.label), 1e-5) << toString(s);
        EXPECT_LT(maxAbsDiff(a.input, b.input), 1e-4) << toString(s);
    }
}

// A stretch read on its own equals the same stretch of the whole file resampled, at its very
// edges too, for rates whose grids meet rarely (44.1k -> 16k: every 441 input samples).
TEST(StreamedDataset, AWindowEqualsTheWholeFileResampled) {
    TempDir d;
    const std::string f = fs::absolute(d / "long.wav").string();
    writeMonoWav(f, chirp(50, 20000, 44100, 441000, 0.5), 44100);
    PairSpec spec = smallSpec();
    const auto whole = resample(readAudio(f).samples, 44100, 16000);
    const size_t n = targetFramesOf(441000, 44100, spec);
    for (size_t start : {size_t(0), size_t(1), size_t(4099), size_t(77777), n - 3000}) {
        const size_t end = std::min(n, start + 3000);
        const auto w = readTargetWindow(f, stampOf(f), 44100, 441000, n, 16000, start, end);
        ASSERT_EQ(w.size(), end - start);
        double m = 0;
        for (size_t i = 0; i < w.size(); ++i) m = std::max(m, std::fabs(double(w[i]) - whole[start + i]));
        EXPECT_LT(m, 1e-6) << "window at " << start;
    }
    // Past a short source's end: zeros (its padding to one patch).
    const auto tail = readTargetWindow(f, stampOf(f), 44100, 441000, n, 16000, n - 10, n + 10);
    EXPECT_EQ(tail[15], 0.0f);
    EXPECT_NE(tail[5], 0.0f);
}

// Training items move and get fresh chains per epoch, drawn from (seed, epoch, item): the same
// epoch reads the same, another epoch differently; validation and test never change.
TEST(StreamedDataset, EpochsDrawFreshCropsAndChainsReproducibly) {
    TempDir d;
    const auto files = makeCorpus(d, 16000);
    PairSpec spec = smallSpec();
    spec.degrade = "zoo";
    build(spec, files, d / "z.json");
    const StreamedDataset st(d / "z.json");
    const Items e0 = readAll(st, Split::Train, 0), e0again = readAll(st, Split::Train, 0);
    const Items e1 = readAll(st, Split::Train, 1), nominal = readAll(st, Split::Train);
    EXPECT_EQ(e0.input, e0again.input);
    EXPECT_EQ(e0.label, e0again.label);
    EXPECT_NE(e0.label, e1.label);  // crops moved
    EXPECT_NE(e0.input, e1.input);
    EXPECT_NE(e0.label, nominal.label);
    const size_t dim = size_t(spec.dim), n = st.count(Split::Train);
    size_t moved = 0;
    for (size_t i = 0; i < n; ++i)
        moved += !std::equal(e0.label.begin() + long(i * dim), e0.label.begin() + long((i + 1) * dim),
                             e1.label.begin() + long(i * dim));
    EXPECT_GT(moved, n * 3 / 4);
    // A single item read alone equals itself read within a range.
    std::vector<float> in(dim), lab(dim);
    st.read(Split::Train, 5, 1, in.data(), lab.data(), 1);
    EXPECT_TRUE(std::equal(lab.begin(), lab.end(), e1.label.begin() + long(5 * dim)));
    EXPECT_EQ(readAll(st, Split::Val, 3).input, readAll(st, Split::Val).input);
    EXPECT_EQ(readAll(st, Split::Test, 7).label, readAll(st, Split::Test).label);
}

// `srlab dataset build --from`: the HDF5 file holds the streamed dataset's nominal items and its
// source list.
TEST(StreamedDataset, ConvertsToAnHdf5FileOfItsNominalItems) {
    TempDir d;
    const auto files = makeCorpus(d, 22050);
    PairSpec spec = smallSpec();
    spec.degrade = "zoo";
    build(spec, files, d / "s.json");
    const StreamedDataset st(d / "s.json");
    NullProgress quiet;
    convertToPairs(st, d / "s.h5", quiet, CancelToken());
    const auto h5 = openDataset(d / "s.h5");
    EXPECT_FALSE(h5->streamed());
    for (Split s : kSplits) {
        ASSERT_EQ(h5->count(s), st.count(s));
        const Items a = readAll(st, s), b = readAll(*h5, s);
        EXPECT_EQ(a.input, b.input);
        EXPECT_EQ(a.label, b.label);
        EXPECT_EQ(h5->offsets(s), st.offsets(s));
    }
    const auto m = nlohmann::json::parse(h5->manifestJson());
    EXPECT_EQ(m.at("sources").size(), files.size());
    EXPECT_EQ(m.at("sources")[0].at("path").get<std::string>(), files[0]);
}

// A missing source, a changed one and a damaged index are each named; a source whose time
// changed but whose bytes did not is accepted.
TEST(StreamedDataset, AMissingOrChangedSourceIsNamed) {
    TempDir d;
    const auto files = makeCorpus(d, 16000);
    build(smallSpec(), files, d / "s.json");
    const std::string index = d / "s.json";
    // Touched only: a new time, the same bytes.
    ::utime(files[3].c_str(), nullptr);
    EXPECT_NO_THROW(StreamedDataset{index});

    const std::string saved = readBytes(files[3]);
    std::string changed = saved;
    changed[changed.size() - 1] ^= 0x40;  // same size, one sample differs
    std::ofstream(files[3], std::ios::binary | std::ios::trunc) << changed;
    expectErrorMentions([&] { StreamedDataset{index}; }, {files[3], "changed", "SHA-256"});
    std::ofstream(files[3], std::ios::binary | std::ios::trunc) << saved;
    EXPECT_NO_THROW(StreamedDataset{index});

    fs::rename(files[3], files[3] + ".moved");
    expectErrorMentions([&] { StreamedDataset{index}; }, {files[3], "missing"});
    expectErrorMentions([&] { openDataset(index); }, {files[3], "missing"});
    fs::rename(files[3] + ".moved", files[3]);

    auto j = nlohmann::json::parse(readBytes(index));
    j["sources"][0]["patches"] = 999;
    writeText(d / "bad.json", j.dump());
    expectErrorMentions([&] { StreamedDataset{d / "bad.json"}; }, {"bad.json", "damaged", "999"});
    writeText(d / "other.json", "{\"format\": \"something else\"}");
    expectErrorMentions([&] { openDataset(d / "other.json"); }, {"other.json", "not an SRLab streamed dataset"});
    writeText(d / "broken.json", "{\"format\": \"srlab-streamed\", ");
    expectErrorMentions([&] { openDataset(d / "broken.json"); }, {"broken.json"});
}

// A source truncated or rewritten while the dataset is open is named when an item is read from it.
TEST(StreamedDataset, ASourceTruncatedUnderAnOpenDatasetIsNamedWhenRead) {
    TempDir d;
    const auto files = makeCorpus(d, 16000);
    build(smallSpec(), files, d / "s.json");
    const StreamedDataset st(d / "s.json");
    const auto sources = st.sources(Split::Train);
    const auto m = nlohmann::json::parse(st.manifestJson());
    const std::string victim = m.at("sources").at(size_t(sources.back())).at("path");
    // Cut to half its length: a WAV whose data ends before its header says.
    fs::resize_file(victim, fs::file_size(victim) / 2);
    std::vector<float> in(2048), lab(2048);
    expectErrorMentions([&] { st.read(Split::Train, st.count(Split::Train) - 1, 1, in.data(), lab.data(), 0); },
                        {victim, "changed"});
    expectErrorMentions([&] { StreamedDataset{d / "s.json"}; }, {victim});
}

// Real low-res input has no labels to stream, and a build with nothing usable leaves no file.
TEST(StreamedDataset, RefusesWhatItCannotStream) {
    TempDir d;
    const auto files = makeCorpus(d, 16000);
    PairSpec spec = smallSpec();
    spec.lowResInput = true;
    expectErrorMentions([&] { build(spec, files, d / "lr.json"); }, {"lr.json", "low-res"});
    EXPECT_FALSE(fs::exists(d / "lr.json"));
    writeMonoWav(d / "tiny.wav", sine(300, 16000, 100), 16000);
    expectErrorMentions([&] { build(smallSpec(), {d / "tiny.wav"}, d / "t.json"); }, {"t.json", "no input file"});
    EXPECT_FALSE(fs::exists(d / "t.json"));
}

}  // namespace srlab
