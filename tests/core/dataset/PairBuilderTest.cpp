// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/PairBuilder.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "audio/AudioFile.h"
#include "compare/PatchComparison.h"
#include "dataset/DatasetStats.h"
#include "dataset/PairFile.h"
#include "dataset/PairMaker.h"
#include "support/TestSupport.h"
#include "util/Error.h"
#include "util/Hash.h"

namespace srlab {
using namespace test;

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

// Ten 1.5 s files at 22.05 kHz (resampled to 16 kHz by the builder) plus bad ones.
std::vector<std::string> makeCorpus(const TempDir& d, bool withBad) {
    std::vector<std::string> files;
    for (int i = 0; i < 10; ++i) {
        const std::string p = d / ("clip" + std::to_string(i) + ".wav");
        writeMonoWav(p, chirp(100 + 50 * i, 9000, 22050, 33075, 0.4), 22050);
        files.push_back(p);
    }
    if (withBad) {
        std::ofstream(d / "text.wav") << "not audio";
        writeMonoWav(d / "short.wav", sine(300, 16000, 1000), 16000);
        files.push_back(d / "text.wav");
        files.push_back(d / "short.wav");
    }
    return files;
}

// Two builds hold the same model inputs in every split (2048-sample patches).
void expectSameInputs(const PairFileReader& ra, const PairFileReader& rb) {
    for (Split s : kSplits) {
        ASSERT_EQ(ra.count(s), rb.count(s));
        std::vector<float> x(ra.count(s) * 2048), y(x.size());
        ra.read(s, 0, ra.count(s), x.data(), nullptr);
        rb.read(s, 0, rb.count(s), y.data(), nullptr);
        EXPECT_EQ(x, y);
    }
}

}  // namespace

TEST(PairBuilder, WritesTheLayoutAndSkipsBadFilesWithReasons) {
    TempDir d;
    BuildInputs in;
    in.files = collectAudioFiles({d.str()});
    EXPECT_TRUE(in.files.empty());
    makeCorpus(d, true);
    in.files = collectAudioFiles({d.str()});
    ASSERT_EQ(in.files.size(), 12u);
    NullProgress quiet;
    CancelToken cancel;
    const PairSpec spec = smallSpec();
    const BuildReport rep = buildPairs(spec, in, d / "out.h5", quiet, cancel);
    EXPECT_EQ(rep.used(), 10u);
    EXPECT_EQ(rep.skipped(), 2u);
    for (const auto& s : rep.sources) {
        if (s.path.find("text.wav") != std::string::npos) EXPECT_NE(s.reason.find("not a readable audio file"), std::string::npos);
        if (s.path.find("short.wav") != std::string::npos) EXPECT_NE(s.reason.find("shorter than one patch"), std::string::npos);
        if (s.used) EXPECT_EQ(s.sha256.size(), 64u);
    }
    PairFileReader r(d / "out.h5");
    EXPECT_EQ(r.info().spec.toJson(), spec.toJson());
    // 1.5 s at 16 kHz = 24000 samples -> (24000 - 2048) / 1024 + 1 = 22 patches per file.
    size_t total = 0;
    std::set<int32_t> seen[3];
    for (Split s : kSplits) {
        total += r.count(s);
        const auto src = r.sources(s);
        seen[size_t(s)] = std::set<int32_t>(src.begin(), src.end());
    }
    EXPECT_EQ(total, 220u);
    for (int a = 0; a < 3; ++a)  // split by file: no source in two splits
        for (int b = a + 1; b < 3; ++b)
            for (int32_t x : seen[a]) EXPECT_FALSE(seen[b].count(x));
    // Patch 3 of the first train file equals the chain run on the whole file, at its offset.
    const auto off = r.offsets(Split::Train);
    const auto src = r.sources(Split::Train);
    std::vector<float> data(2048), label(2048);
    r.read(Split::Train, 3, 1, data.data(), label.data());
    int rate = 0;
    const auto mono = readMono(rep.sources[size_t(src[3])].path, &rate);
    const Pair p = makePair(mono, rate, spec);
    for (size_t i = 0; i < 2048; i += 97) {
        EXPECT_EQ(label[i], p.label[size_t(off[3]) + i]);
        EXPECT_EQ(data[i], p.input[size_t(off[3]) + i]);
    }
    const auto manifest = nlohmann::json::parse(r.manifestJson());
    EXPECT_EQ(manifest["sources"].size(), 12u);
    NullProgress q2;
    const DatasetStats st = computeDatasetStats(r, 100, q2, cancel);
    EXPECT_EQ(st.splits[0].nonFinite, 0u);
    EXPECT_GT(st.splits[0].bands.size(), 3u);
}

TEST(PairBuilder, SameResultWhateverTheThreadCount) {
    TempDir d;
    BuildInputs in;
    in.files = makeCorpus(d, false);
    NullProgress quiet;
    CancelToken cancel;
    PairSpec a = smallSpec(), b = smallSpec();
    a.threads = 1;
    b.threads = 3;
    buildPairs(a, in, d / "a.h5", quiet, cancel);
    buildPairs(b, in, d / "b.h5", quiet, cancel);
    PairFileReader ra(d / "a.h5"), rb(d / "b.h5");
    expectSameInputs(ra, rb);
}

// The zoo gives each file its own chain, recorded in the manifest and shown with each patch;
// the same seed rebuilds the same bytes, another seed other chains; the fixed filter is kept
// where no zoo is asked for.
TEST(PairBuilder, TheDegradationZooIsRecordedPerFileAndReproducible) {
    TempDir d;
    BuildInputs in;
    in.files = makeCorpus(d, false);
    NullProgress quiet;
    CancelToken cancel;
    PairSpec a = smallSpec();
    a.degrade = "zoo,codec=0.5";
    PairSpec b = a, c = a;
    b.threads = 1;  // also another thread count
    c.seed = 99;
    buildPairs(a, in, d / "a.h5", quiet, cancel);
    buildPairs(b, in, d / "b.h5", quiet, cancel);
    buildPairs(c, in, d / "c.h5", quiet, cancel);
    PairFileReader ra(d / "a.h5"), rb(d / "b.h5"), rc(d / "c.h5");
    EXPECT_EQ(ra.info().spec.degrade, "zoo,codec=0.5");
    auto chains = [](const PairFileReader& r) {
        std::map<std::string, std::string> out;
        const auto manifest = nlohmann::json::parse(r.manifestJson());
        for (const auto& e : manifest.at("sources"))
            out[e.at("path").get<std::string>()] = e.value("degradation", "");
        return out;
    };
    const auto ca = chains(ra), cc = chains(rc);
    ASSERT_EQ(ca.size(), 10u);
    std::set<std::string> distinct;
    for (const auto& [path, chain] : ca) {
        SCOPED_TRACE(path);
        EXPECT_EQ(Degradation::parse(chain).toString(), chain);
        distinct.insert(chain);
    }
    EXPECT_GE(distinct.size(), 8u);
    EXPECT_EQ(chains(rb), ca);
    EXPECT_NE(cc, ca);
    expectSameInputs(ra, rb);
    // A patch's input is its file's chain applied: rebuild one file's pair by hand.
    const auto src = ra.sources(Split::Train);
    const auto manifest = nlohmann::json::parse(ra.manifestJson()).at("sources");
    const std::string file = manifest.at(size_t(src[0])).at("path");
    int inRate = 0;
    const auto mono = readMono(file, &inRate);
    const Pair p = makePair(mono, inRate, a, std::stoull(sha256File(file).substr(0, 16), nullptr, 16));
    EXPECT_EQ(p.degradation, ca.at(file));
    std::vector<float> label(2048), input(2048);
    ra.read(Split::Train, 0, 1, input.data(), label.data());
    const auto off = size_t(ra.offsets(Split::Train)[0]);
    for (size_t i = 0; i < 2048; i += 97) {
        EXPECT_FLOAT_EQ(input[i], p.input[off + i]);
        EXPECT_FLOAT_EQ(label[i], p.label[off + i]);
    }
    // Without a zoo every file names the fixed filter's chain.
    PairSpec plain = smallSpec();
    buildPairs(plain, in, d / "p.h5", quiet, cancel);
    for (const auto& [path, chain] : chains(PairFileReader(d / "p.h5"))) EXPECT_EQ(chain, "cheby");
    PairSpec bad = smallSpec();
    bad.degrade = "zoo,colour=red";
    EXPECT_THROW(buildPairs(bad, in, d / "bad.h5", quiet, cancel), Error);
}

// per=patch: every patch its own chain, recorded in patch order and shown with the patch; the
// patches are the chains applied to their stretch of the file; any thread count, the same bytes.
TEST(PairBuilder, PerPatchChainsAreRecordedAndReproducible) {
    TempDir d;
    BuildInputs in;
    in.files = makeCorpus(d, true);  // the short file becomes a skip with its reason
    NullProgress quiet;
    CancelToken cancel;
    PairSpec a = smallSpec();
    a.degrade = "zoo,codec=0.3,per=patch";
    PairSpec b = a;
    b.threads = 1;
    const auto report = buildPairs(a, in, d / "a.h5", quiet, cancel);
    buildPairs(b, in, d / "b.h5", quiet, cancel);
    PairFileReader ra(d / "a.h5"), rb(d / "b.h5");
    expectSameInputs(ra, rb);
    EXPECT_EQ(report.used(), 10u);
    const auto sources = nlohmann::json::parse(ra.manifestJson()).at("sources");
    std::set<std::string> distinct;
    for (const auto& e : sources) {
        if (!e.at("used").get<bool>()) continue;
        EXPECT_EQ(e.at("degradation"), "per patch");
        const auto per = e.at("patch_degradations");
        ASSERT_EQ(per.size(), e.at("patches").get<size_t>());
        for (const auto& c : per) distinct.insert(c.get<std::string>());
    }
    EXPECT_GE(distinct.size(), 30u);  // 10 files x 4 patches, nearly all different
    // The third patch of the first training file, rebuilt by hand, and its chain as browsed.
    const auto src = ra.sources(Split::Train);
    const auto off = ra.offsets(Split::Train);
    size_t index = 0;
    while (index < src.size() && !(src[index] == src[0] && off[index] == 2 * a.stride)) ++index;
    ASSERT_LT(index, src.size());
    const std::string file = sources.at(size_t(src[0])).at("path");
    int inRate = 0;
    const auto mono = readMono(file, &inRate);
    const auto patches = makePatchPairs(toTargetRate(mono, inRate, a.rate, a.scale), a,
                                        std::stoull(sha256File(file).substr(0, 16), nullptr, 16));
    ASSERT_GT(patches.size(), 2u);
    std::vector<float> label(2048), input(2048);
    ra.read(Split::Train, index, 1, input.data(), label.data());
    EXPECT_EQ(input, patches[2].input);
    EXPECT_EQ(label, patches[2].label);
    const auto browsed = loadPatch(d / "a.h5", Split::Train, index);
    EXPECT_EQ(browsed.degradation, patches[2].degradation);
    EXPECT_EQ(browsed.degradation, sources.at(size_t(src[0])).at("patch_degradations").at(2));
    EXPECT_NE(patches[1].degradation, patches[2].degradation);
}

TEST(PairBuilder, NoneBaselineStoresLowResPatchesAndLowResInputHasNoLabel) {
    TempDir d;
    BuildInputs in;
    in.files = makeCorpus(d, false);
    NullProgress quiet;
    CancelToken cancel;
    PairSpec s = smallSpec();
    s.baseline = Baseline::None;
    buildPairs(s, in, d / "none.h5", quiet, cancel);
    PairFileReader r(d / "none.h5");
    EXPECT_EQ(r.info().inputDim, 512);
    // Real low-res input: 4 kHz files, labels absent, data interpolated to 16 kHz.
    TempDir lo;
    for (int i = 0; i < 3; ++i) writeMonoWav(lo / ("l" + std::to_string(i) + ".wav"), sine(300, 4000, 8000), 4000);
    PairSpec l = smallSpec();
    l.lowResInput = true;
    BuildInputs li;
    li.files = collectAudioFiles({lo.str()});
    buildPairs(l, li, d / "lo.h5", quiet, cancel);
    PairFileReader rl(d / "lo.h5");
    EXPECT_FALSE(rl.info().hasLabel);
    std::vector<float> x(2048), y(2048);
    EXPECT_THROW(rl.read(Split::Train, 0, 1, x.data(), y.data()), Error);
}

TEST(PairBuilder, FailureOrCancelLeavesNoFile) {
    TempDir d;
    std::ofstream(d / "bad.wav") << "junk";
    BuildInputs in;
    in.files = {d / "bad.wav"};
    NullProgress quiet;
    CancelToken cancel;
    EXPECT_THROW(buildPairs(smallSpec(), in, d / "out.h5", quiet, cancel), Error);
    EXPECT_FALSE(std::filesystem::exists(d / "out.h5"));
    in.files = makeCorpus(d, false);
    cancel.cancel();
    EXPECT_THROW(buildPairs(smallSpec(), in, d / "out.h5", quiet, cancel), Cancelled);
    EXPECT_FALSE(std::filesystem::exists(d / "out.h5"));
    size_t leftovers = 0;
    for (const auto& e : std::filesystem::directory_iterator(d.str())) leftovers += e.path().extension() != ".wav";
    EXPECT_EQ(leftovers, 0u);
}

TEST(PairFileReader, RejectsFilesThatAreNotOurs) {
    TempDir d;
    std::ofstream(d / "x.h5") << "plain text";
    EXPECT_THROW(PairFileReader(d / "x.h5"), Error);
    const CommandResult py = run("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + (d / "other.h5") +
                                 "', 'w'); f['data'] = [1, 2, 3]\"");
    ASSERT_EQ(py.code, 0) << py.output;
    auto refusal = [](const std::string& path) -> std::string {
        try {
            PairFileReader r(path);
        } catch (const Error& e) {
            return e.what();
        }
        return "accepted";
    };
    // h5py's default layout has no metadata checksums: refused before HDF5 parses it.
    EXPECT_NE(refusal(d / "other.h5").find("metadata has no checksums"), std::string::npos) << refusal(d / "other.h5");
    const CommandResult latest = run("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + (d / "latest.h5") +
                                     "', 'w', libver='latest'); f['data'] = [1, 2, 3]\"");
    ASSERT_EQ(latest.code, 0) << latest.output;
    EXPECT_NE(refusal(d / "latest.h5").find("missing attribute 'format'"), std::string::npos) << refusal(d / "latest.h5");
    // Found by FuzzDataset: a damaged global heap (where variable-length strings live) hung
    // libhdf5. Such strings are refused before they are read.
    const CommandResult vlen = run("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + (d / "vlen.h5") +
                                   "', 'w', libver='latest'); f.attrs['format'] = 'srlab-pairs'\"");
    ASSERT_EQ(vlen.code, 0) << vlen.output;
    EXPECT_NE(refusal(d / "vlen.h5").find("variable-length string"), std::string::npos) << refusal(d / "vlen.h5");
}

}  // namespace srlab
