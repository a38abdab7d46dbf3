// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/AtomicFile.h"

#include <fstream>

#include "support/TestSupport.h"
#include "util/Error.h"
#include "util/Hash.h"

namespace srlab {
using test::TempDir;

TEST(AtomicFile, NothingUnderFinalNameUntilCommit) {
    TempDir d;
    const std::string final = d / "out.bin";
    std::string temp;
    {
        AtomicFile f(final);
        temp = f.tempPath();
        std::ofstream(temp) << "data";
        EXPECT_FALSE(std::filesystem::exists(final));
    }  // no commit: abandoned
    EXPECT_FALSE(std::filesystem::exists(final));
    EXPECT_FALSE(std::filesystem::exists(temp));
    {
        AtomicFile f(final);
        std::ofstream(f.tempPath()) << "data";
        f.commit();
    }
    EXPECT_TRUE(std::filesystem::exists(final));
}

TEST(AtomicFile, MissingFolderIsNamed) {
    TempDir d;
    try {
        AtomicFile f(d / "no/such/dir/out.h5");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
    }
}

TEST(Hash, Sha256OfKnownContent) {
    TempDir d;
    std::ofstream(d / "abc") << "abc";
    EXPECT_EQ(sha256File(d / "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_THROW(sha256File(d / "missing"), Error);
}

}  // namespace srlab
