// SPDX-License-Identifier: GPL-3.0-or-later
#include <cmath>

#include "runs/MetricsCsv.h"
#include "runs/RunFolder.h"
#include "support/TestSupport.h"

namespace srlab {

// A damaged metrics.csv (a crash mid-row, a disk error, an editor) must not take the Training
// page down: std::stoll threw on such rows before. Rows that parse are kept, others skipped.
TEST(RunFolder, DamagedMetricsRowsAreSkipped) {
    test::TempDir d;
    test::writeText(d / "metrics.csv", std::string(kMetricsCsvHeader) +
                                           "1,0,0.5,0.25,,,\n"
                                           "2,0,1.0,0.20,0.3,12.5,1.1\n"
                                           "x,0,1.0,0.20\n"
                                           "99999999999999999999999,0,1,1\n"
                                           "3,-1,1,1\n"
                                           "4,0,1.5,0.1\n"
                                           "5,0,2.0,0.\n"
                                           "6,0,2.5,0.1,,,,900,1.5,512,0.0003,2.5\n"
                                           "7,0,2.5,0.1,,,,900,1.5,512,0.0003,2.5,1\n"
                                           "8,0,2.0,0.");
    const auto rows = readRunMetrics(d.str());
    ASSERT_EQ(rows.size(), 6u);  // the 13-cell row is not one of ours
    EXPECT_EQ(rows[4].step, 6);
    EXPECT_EQ(rows[4].memMiB, 512);
    EXPECT_EQ(rows[4].lr, 0.0003);
    EXPECT_EQ(rows[4].gradNorm, 2.5);
    EXPECT_TRUE(std::isnan(rows[3].gradNorm));  // rows of earlier SRLab have none
    EXPECT_EQ(rows[1].step, 2);
    EXPECT_TRUE(rows[1].hasVal());
    EXPECT_FALSE(rows[0].hasVal());
    EXPECT_EQ(rows[2].step, 4);
    EXPECT_EQ(rows[3].step, 5);  // "0." parses: a row cut inside a number is still a number
    test::writeText(d / "status.json", "[1, 2]");
    EXPECT_EQ(readRunStatus(d.str()).state, RunState::Unknown);
}

}  // namespace srlab
