// SPDX-License-Identifier: GPL-3.0-or-later
// The listening strip while a tiny run trains: snapshots appear, the step slider follows the
// newest, and the player switches among truth, baseline, this step and another step with the
// keys Compare uses.
#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <functional>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "ListeningStrip.h"
#include "PlayerBar.h"
#include "WidgetTestSupport.h"
#include "runs/Snapshots.h"
#include "runs/TrainConfig.h"
#include "support/TestSupport.h"
#include "train/Trainer.h"

namespace srlab {
using namespace test;

TEST(ListeningStrip, FollowsSnapshotsWhileARunTrainsAndSwitchesBetweenSteps) {
    app();
    TempDir d;
    const auto built = buildToneDataset(d.str());
    ASSERT_EQ(built.code, 0) << built.output;
    TrainConfig c;
    c.dataset = d / "set.h5";
    c.model = makeModelConfig("audiounet", "tiny");
    c.batch = 4;
    c.epochs = 4;
    c.stepsPerEpoch = 3;
    c.valItems = 4;
    c.threads = 1;
    c.snapshotSeconds = 0.25;
    createRun(d / "run", c);

    ListeningStrip strip;
    strip.resize(900, 500);
    strip.show();
    strip.setRun(QString::fromStdString(d / "run"));
    EXPECT_EQ(strip.clipCount(), 3);
    EXPECT_EQ(strip.shownStep(), -1);  // nothing before the first validation

    std::vector<qint64> shown;
    QObject::connect(&strip, &ListeningStrip::shown, [&](qint64 s) { shown.push_back(s); });
    // Trains the run on a thread while the strip refreshes, as the Training page does when its
    // follower reports; `during` checks the strip between refreshes.
    auto trainFollowing = [&](const std::function<void()>& during) {
        std::atomic<bool> done{false};
        std::thread trainer([&] {
            TrainEvents quiet;
            TrainControl control;
            trainRun(d / "run", quiet, control);
            done = true;
        });
        while (!done) {
            strip.refresh();
            app().processEvents(QEventLoop::AllEvents, 20);
            during();
        }
        trainer.join();
    };
    trainFollowing([] {});
    strip.refresh();
    ASSERT_TRUE(waitFor([&] { return strip.shownStep() == 12; }));
    ASSERT_FALSE(shown.empty());
    for (size_t i = 1; i < shown.size(); ++i) EXPECT_GT(shown[i], shown[i - 1]);  // it followed, forward
    EXPECT_EQ(strip.versionNames(), (QStringList{"ground truth", "spline", "step 12"}));

    // Versus another step: a fourth version, and the keys pick versions as in Compare.
    strip.selectVersus(3);  // the versus menu lists steps newest first: 9, 6, 3
    ASSERT_TRUE(waitFor([&] { return strip.versionNames().size() == 4; }));
    EXPECT_EQ(strip.versionNames()[3], "step 3");
    EXPECT_EQ(strip.player()->player().versionCount(), 4);
    QTest::keyClick(&strip, Qt::Key_4);
    EXPECT_EQ(strip.player()->player().selected(), 3);
    QTest::keyClick(&strip, Qt::Key_2);
    EXPECT_EQ(strip.player()->player().selected(), 1);
    // An earlier step on the slider stays there while the run goes on (only the newest
    // follows): the run is resumed for two more epochs, and its new snapshots arrive meanwhile.
    strip.selectStep(1);
    ASSERT_TRUE(waitFor([&] { return strip.shownStep() == 6; }));
    {
        std::ifstream in(d / "run/config.json");
        auto j = nlohmann::json::parse(in);
        j["epochs"] = 6;
        writeText(d / "run/config.json", j.dump(2));
    }
    trainFollowing([&] { EXPECT_EQ(strip.shownStep(), 6); });
    strip.refresh();
    app().processEvents();
    EXPECT_EQ(readSnapshotIndex(d / "run").steps.size(), 6u);  // steps 15 and 18 arrived
    EXPECT_EQ(strip.shownStep(), 6);
}

}  // namespace srlab
