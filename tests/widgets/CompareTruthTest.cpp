// SPDX-License-Identifier: GPL-3.0-or-later
// Compare & Listen keeps telling the truth as a new user drives it: long checkpoint names do not
// widen the window, a target rate left by another comparison does not hide a model, a corrected
// setting after an error loads, a file at a model's input rate is its low-res input, the reason a
// model was not used is shown whole, and exports say what they show.
#include <gtest/gtest.h>

#include <QApplication>
#include <QCheckBox>
#include <QDropEvent>
#include <QMimeData>
#include <QUrl>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <algorithm>
#include <cmath>
#include <complex>
#include <filesystem>
#include <fstream>
#include <optional>

#include "AbxPanel.h"
#include "audio/AudioFile.h"
#include "audio/Resampler.h"
#include "CompareTestSupport.h"
#include "ComparePage.h"
#include "MainWindow.h"
#include "PlayerBar.h"
#include "SpectrogramGroup.h"
#include "WidgetTestSupport.h"
#include "support/TestSupport.h"
#include "support/TorchScriptFixture.h"

namespace srlab {
using namespace test;
namespace fs = std::filesystem;

namespace {
void typeFilter(ComparePage& page, const QString& text) {
    QLineEdit* edit = nullptr;
    for (auto* c : page.findChildren<QComboBox*>())
        if (c->isEditable()) edit = c->lineEdit();
    ASSERT_NE(edit, nullptr);
    edit->setText(text);
    Q_EMIT edit->editingFinished();
}
}  // namespace

// Versions replaced (a new file, a model joining) leave the player bar at once: before, the old
// buttons stayed in its layout until the event loop deleted them, and a window laid out in
// between was as wide as both sets (the intermittent 1,740 px of the test below).
TEST(CompareTruth, ReplacedVersionButtonsLeaveThePlayerBarAtOnce) {
    app();
    PlayerBar bar;
    Comparison c;
    c.rate = 16000;
    c.frames = 1600;
    for (int i = 0; i < 6; ++i) {
        Version v;
        v.name = "spectral-tiny-20261206-0123456789-a-very-long-run-name-indeed/epoch-000" + std::to_string(i);
        v.audio = makeSamples(std::vector<float>(1600, 0.0f));
        v.rms = 0.1;
        c.versions.push_back(v);
    }
    bar.setComparison(c);
    settleLayouts();
    const int once = bar.minimumSizeHint().width();
    for (int k = 0; k < 3; ++k) bar.setComparison(c);  // no event loop in between
    settleLayouts();
    EXPECT_EQ(bar.minimumSizeHint().width(), once);
    int shown = 0;
    for (auto* b : bar.findChildren<QPushButton*>()) shown += b->isVisibleTo(&bar) && b->isCheckable();
    EXPECT_EQ(shown, 6);
}

// Long run names in the player's buttons, the ABX menus and the model menu leave the window's
// smallest size within a laptop's 1366x768; the names show their distinguishing ends.
TEST(CompareTruth, LongCheckpointNamesDoNotWidenTheWindow) {
    app();
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    const std::string run = "spectral-tiny-20261206-0123456789-a-very-long-run-name-indeed";
    MainWindow w;
    w.resize(1366, 728);
    w.show();
    ComparePage* page = w.comparePage();
    page->compareCheckpoints({checkpointOf(d, run, "epoch-0001"), checkpointOf(d, run, "best")});
    page->openFile(QString::fromStdString(d / "speech.wav"));
    ASSERT_TRUE(settle(*page));
    ASSERT_EQ(page->superResIndex() >= 0, true) << page->header().toStdString();
    w.showPage("compare");
    settleLayouts();
    const QSize min = w.minimumSizeHint();
    // What makes the window wide, should it be: the widest visible widgets by minimum width.
    const auto widest = [&] {
        std::vector<std::pair<int, std::string>> all;
        for (auto* c : w.findChildren<QWidget*>())
            if (c->isVisible())
                all.emplace_back(c->minimumSizeHint().width(),
                                 std::string(c->metaObject()->className()) + " '" + c->objectName().toStdString() + "'");
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        std::string s;
        for (size_t i = 0; i < std::min<size_t>(12, all.size()); ++i) s += "\n  " + std::to_string(all[i].first) + " " + all[i].second;
        return s;
    };
    EXPECT_LE(min.width(), 1366) << min.width() << "x" << min.height() << widest();
    EXPECT_LE(min.height(), 768 - 40) << min.width() << "x" << min.height();
    // The buttons name each version; cut, they keep the checkpoint's name at the end.
    bool best = false;
    for (auto* b : page->player()->findChildren<QPushButton*>()) best |= b->text().endsWith("/best");
    EXPECT_TRUE(best);
    for (auto* c : page->abx()->findChildren<QComboBox*>()) {
        EXPECT_TRUE(c->itemText(c->count() - 1).endsWith("/best")) << c->itemText(c->count() - 1).toStdString();
        EXPECT_TRUE(c->itemData(c->count() - 1, Qt::ToolTipRole).toString().contains(QString::fromStdString(run)));
        // Wide enough for what it shows: "B" names which super-res version, not "super-re".
        EXPECT_GE(c->width(), c->fontMetrics().horizontalAdvance(c->currentText())) << c->currentText().toStdString();
    }
}

// A dataset's patch opened at 44.1 kHz, then two speech checkpoints heard on a 16 kHz file: the
// stale target goes, both checkpoints are compared, and the menu says so.
TEST(CompareTruth, CheckpointsAreNotHiddenByATargetRateLeftFromBefore) {
    app();
    TempDir d;
    writeMonoWav(d / "song.wav", chirp(100, 18000, 44100, 44100 * 2), 44100);
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    ComparePage page;
    page.openAt(QString::fromStdString(d / "song.wav"), 44100, 4, "cheby", 0, 1);
    ASSERT_TRUE(settle(page));
    ASSERT_EQ(page.comparison().rate, 44100);
    page.compareCheckpoints({checkpointOf(d, "run", "epoch-0001"), checkpointOf(d, "run", "best")});
    page.openFile(QString::fromStdString(d / "speech.wav"));
    ASSERT_TRUE(settle(page));
    EXPECT_EQ(page.comparison().rate, 16000);  // the file's own, not the dataset's 44.1 kHz
    int models = 0;
    for (const auto& v : page.comparison().versions) models += v.name.rfind("super-res", 0) == 0 && v.audio;
    EXPECT_EQ(models, 2) << page.header().toStdString();
    EXPECT_EQ(page.checkpointsCompared().size(), 2);
    auto* menu = page.findChild<QComboBox*>("model");
    ASSERT_NE(menu, nullptr);
    EXPECT_TRUE(menu->currentText().startsWith("2 checkpoints")) << menu->currentText().toStdString();
}

// A filter chain that does not parse, then a valid one: the file loads with it. A scale that
// does not fit the file's rate, then one that does: the same.
TEST(CompareTruth, ACorrectedSettingAfterAnErrorLoads) {
    app();
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    writeMonoWav(d / "odd.wav", chirp(100, 5000, 11025, 11025 * 2), 11025);
    ComparePage page;
    page.openFile(QString::fromStdString(d / "speech.wav"));
    ASSERT_TRUE(settle(page));
    typeFilter(page, "no-such-filter:9");
    ASSERT_TRUE(settle(page));
    EXPECT_TRUE(page.header().startsWith("error")) << page.header().toStdString();
    EXPECT_EQ(page.spectrograms()->paneCount(), 0);
    typeFilter(page, "sinc");
    ASSERT_TRUE(settle(page));
    EXPECT_FALSE(page.header().startsWith("error")) << page.header().toStdString();
    EXPECT_GT(page.spectrograms()->paneCount(), 0);

    page.openFile(QString::fromStdString(d / "odd.wav"));  // 11025 Hz is not a multiple of x4
    ASSERT_TRUE(settle(page));
    EXPECT_TRUE(page.header().startsWith("error")) << page.header().toStdString();
    page.findChild<QSpinBox*>()->setValue(3);  // 11025 / 3 = 3675 Hz
    ASSERT_TRUE(settle(page));
    EXPECT_FALSE(page.header().startsWith("error")) << page.header().toStdString();
    EXPECT_EQ(page.comparison().rate, 11025);
    EXPECT_EQ(page.comparison().scale, 3);
}

// An 11025 Hz song with the 44.1 kHz x4 music model picked and the target left at "file's rate":
// the file is that model's low-res input, so it is upsampled to 44.1 kHz (no ground truth).
TEST(CompareTruth, AFileAtAModelsInputRateIsItsLowResInput) {
    app();
    TempDir d;
    writeMonoWav(d / "low.wav", chirp(100, 5000, 11025, 11025 * 2), 11025);
    ComparePage page;
    page.setModel(kMusicModel);
    page.openFile(QString::fromStdString(d / "low.wav"));
    ASSERT_TRUE(settle(page));
    EXPECT_FALSE(page.header().startsWith("error")) << page.header().toStdString();
    EXPECT_EQ(page.comparison().rate, 44100);
    EXPECT_FALSE(page.comparison().hasTruth);
    EXPECT_GE(page.superResIndex(), 0) << page.header().toStdString();
    // At another scale than the model's, a 22050 Hz file is not its input: it keeps its truth.
    writeMonoWav(d / "half.wav", chirp(100, 9000, 22050, 22050 * 2), 22050);
    page.findChild<QSpinBox*>()->setValue(2);
    page.openFile(QString::fromStdString(d / "half.wav"));
    ASSERT_TRUE(settle(page));
    EXPECT_EQ(page.comparison().rate, 22050);
    EXPECT_TRUE(page.comparison().hasTruth);
}

// Why the model was not used is on a line of its own, wrapped, whole.
TEST(CompareTruth, TheModelNotUsedReasonIsShownWhole) {
    app();
    TempDir d;
    writeMonoWav(d / "song.wav", chirp(100, 18000, 44100, 44100 * 2), 44100);
    ComparePage page;
    page.resize(1366, 700);
    page.show();
    page.setModel(kSpeechModel);
    page.openFile(QString::fromStdString(d / "song.wav"));
    ASSERT_TRUE(settle(page));
    settleLayouts();
    auto* note = page.findChild<QLabel*>("modelNote");
    ASSERT_NE(note, nullptr);
    EXPECT_TRUE(note->isVisible());
    EXPECT_TRUE(note->wordWrap());
    EXPECT_TRUE(note->text().contains("16000 Hz")) << note->text().toStdString();
    EXPECT_TRUE(note->text().contains("pick that target rate to resample it")) << note->text().toStdString();
    EXPECT_LE(note->heightForWidth(note->width()), note->height());  // every line fits
    // Two checkpoints refused: each says why, on its own line.
    page.compareCheckpoints({checkpointOf(d, "run", "epoch-0001"), checkpointOf(d, "run", "best")});
    ASSERT_TRUE(settle(page));
    EXPECT_EQ(note->text().count("model not used"), 2) << note->text().toStdString();
    page.setModel(kSpeechModel);  // a file it fits: the note goes
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    page.openFile(QString::fromStdString(d / "speech.wav"));
    ASSERT_TRUE(settle(page));
    EXPECT_FALSE(note->isVisible());
}

// The metrics CSV names the file, rate, scale, chain and checkpoint on every row; the figure has
// a title and the difference panes' colour scale.
TEST(CompareTruth, ExportsSayWhatTheyShow) {
    app();
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    ComparePage page;
    page.resize(1366, 900);
    page.show();
    page.setModel(kSpeechModel);
    typeFilter(page, "sinc");
    page.openFile(QString::fromStdString(d / "speech.wav"));
    ASSERT_TRUE(settle(page));
    ASSERT_GE(page.superResIndex(), 0);
    ASSERT_TRUE(page.exportMetrics(QString::fromStdString(d / "m.csv")));
    std::ifstream csv(d / "m.csv");
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line.rfind("file,rate,scale,chain,version,checkpoint,snr", 0), 0u) << line;
    int rows = 0, modelRows = 0;
    while (std::getline(csv, line)) {
        ++rows;
        EXPECT_NE(line.find("speech.wav\",16000,4,\"sinc\""), std::string::npos) << line;
        if (line.find("super-res") != std::string::npos) {
            ++modelRows;
            EXPECT_NE(line.find(kSpeechModel.toStdString()), std::string::npos) << line;
        }
    }
    EXPECT_GE(rows, 4);
    EXPECT_EQ(modelRows, 1);

    EXPECT_TRUE(page.spectrograms()->showsDifferenceScale());
    ASSERT_TRUE(page.exportPanes(QString::fromStdString(d / "p.png")));
    QImage png(QString::fromStdString(d / "p.png"));
    ASSERT_FALSE(png.isNull());
    EXPECT_TRUE(page.figureTitle().contains("speech.wav"));
    EXPECT_TRUE(page.figureTitle().contains(kSpeechModel));
    int dark = 0;  // the title's text, in the band above the panes
    for (int y = 0; y < 14; ++y)
        for (int x = 0; x < 300; ++x) dark += qGray(png.pixel(x, y)) < 100;
    EXPECT_GT(dark, 20);
    // The panes as drawn, not the controls above them: as tall as the panes and the title.
    int panes = 0;
    for (int i = 0; i < page.spectrograms()->paneCount(); ++i) panes += page.spectrograms()->pane(i)->height();
    EXPECT_GE(png.height(), panes);
    EXPECT_LT(png.height(), panes + 120);
}


namespace {
// Power of x below `hz` (Blackman-windowed DFT, every 5th bin).
double powerBelow(const std::vector<float>& x, double rate, double hz) {
    const size_t n = x.size();
    double p = 0;
    for (size_t k = 1; double(k) < hz * double(n) / rate; k += 5) {
        std::complex<double> s = 0;
        for (size_t i = 0; i < n; ++i) {
            const double t = 2 * M_PI * double(i) / double(n - 1);
            s += (0.42 - 0.5 * std::cos(t) + 0.08 * std::cos(2 * t)) * double(x[i]) *
                 std::polar(1.0, -2 * M_PI * double(k) * double(i) / double(n));
        }
        p += std::norm(s);
    }
    return p;
}
}  // namespace

// Low-band consistency is on by default and can be switched off: the model's version then keeps
// the low-res version's band below the input's edge, and off it is the network's own.
TEST(CompareTruth, TheModelKeepsTheInputsLowBandUnlessSwitchedOff) {
    app();
    SRLAB_REQUIRE_DEV_AUDIO(audio);
    ComparePage page;
    page.setModel(kSpeechModel);
    auto* keep = page.findChild<QCheckBox*>("lowBand");
    ASSERT_NE(keep, nullptr);
    EXPECT_TRUE(keep->isChecked());
    std::string file;
    for (const auto& e : fs::directory_iterator(audio + "/speech")) file = e.path().string();
    ASSERT_TRUE(load(page, file));
    // The low band's difference between the model's and the low-res (band-limited) version,
    // relative to the low-res version's, over 1 s in the middle; below 0.75 x the low Nyquist.
    const auto lowBandDifference = [&page] {
        const Comparison& c = page.comparison();
        const int sr = page.superResIndex();
        EXPECT_GE(sr, 0);
        int lowRes = -1;
        for (size_t i = 0; i < c.versions.size(); ++i)
            if (c.versions[i].name == "low-res") lowRes = int(i);
        EXPECT_GE(lowRes, 0);
        if (sr < 0 || lowRes < 0) return 1.0;
        const size_t n = size_t(c.rate), from = c.frames / 2 - n / 2;
        const auto y = c.versions[size_t(sr)].audio->copy(from, n), x = c.versions[size_t(lowRes)].audio->copy(from, n);
        std::vector<float> d(n);
        for (size_t i = 0; i < n; ++i) d[i] = y[i] - x[i];
        const double edge = 0.75 * c.rate / (2.0 * c.scale);
        return powerBelow(d, c.rate, edge) / powerBelow(x, c.rate, edge);
    };
    const double kept = lowBandDifference();
    EXPECT_LT(kept, 1e-4);
    keep->setChecked(false);
    ASSERT_TRUE(settle(page));
    const double raw = lowBandDifference();
    EXPECT_GT(raw, 10 * kept) << "kept " << kept << " raw " << raw;
    keep->setChecked(true);
    ASSERT_TRUE(settle(page));
    EXPECT_NEAR(lowBandDifference(), kept, 1e-3 * kept + 1e-12);
}

}  // namespace srlab

namespace srlab {
using namespace test;

// Another system's output as a version: lined up (another rate, a delay, a longer file) it scores
// like the truth itself; one that cannot be lined up (silent) is refused with its reason while
// the rest of the comparison stands.
TEST(CompareTruth, AnotherSystemsOutputIsAVersion) {
    app();
    TempDir d;
    const auto x = chirp(100, 6000, 16000, 16000 * 3);
    writeMonoWav(d / "song.wav", x, 16000);
    auto y = resample(x, 16000, 48000);
    y.insert(y.begin(), 240, 0.0f);  // 5 ms late
    y.resize(y.size() + 480, 0.0f);  // and 10 ms longer
    writeAudio(d / "song_other.wav", y, 48000);
    writeAudio(d / "silent.wav", std::vector<float>(y.size(), 0.0f), 48000);
    ComparePage page;
    QString refused;
    QObject::connect(&page, &ComparePage::modelRefused, [&](const QString& m) { refused = m; });
    ASSERT_TRUE(load(page, d / "song.wav"));
    const size_t before = page.comparison().versions.size();
    page.addOutputVersion(QString::fromStdString(d / "song_other.wav"));
    ASSERT_TRUE(settle(page));
    const Comparison& c = page.comparison();
    ASSERT_EQ(c.versions.size(), before + 1) << page.header().toStdString();
    EXPECT_EQ(c.versions.back().name, "song_other");
    ASSERT_TRUE(c.versions.back().hasMetrics);
    EXPECT_GT(c.versions.back().metrics.snr, 40.0);  // the truth itself, at another rate and delay
    page.addOutputVersion(QString::fromStdString(d / "silent.wav"), "silent system");
    ASSERT_TRUE(settle(page));
    EXPECT_EQ(page.comparison().versions.size(), before + 1);
    EXPECT_TRUE(refused.contains("is silent")) << refused.toStdString();
    // Another file drops them.
    writeMonoWav(d / "other.wav", x, 16000);
    ASSERT_TRUE(load(page, d / "other.wav"));
    EXPECT_EQ(page.comparison().versions.size(), before);
}

}  // namespace srlab

namespace srlab {
using namespace test;

// A file dropped on the panes of an open comparison joins it as another system's output; dropped
// elsewhere it is opened.
TEST(CompareTruth, AFileDroppedOnThePanesIsAddedAsAVersion) {
    app();
    TempDir d;
    const auto x = chirp(100, 6000, 16000, 16000 * 2);
    writeMonoWav(d / "song.wav", x, 16000);
    writeMonoWav(d / "song_sys.wav", x, 16000);
    MainWindow w;
    w.resize(1366, 728);
    w.show();
    w.openAudio(QString::fromStdString(d / "song.wav"));
    ComparePage* page = w.comparePage();
    ASSERT_TRUE(settle(*page));
    settleLayouts();
    const size_t before = page->comparison().versions.size();
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(QString::fromStdString(d / "song_sys.wav"))});
    QWidget* panes = page->spectrograms();
    const QPointF at = panes->mapTo(&w, panes->rect().center());
    // As a drag does it: enter (accepted), then the drop.
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &enter);
    QDropEvent drop(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &drop);
    ASSERT_TRUE(settle(*page));
    ASSERT_EQ(page->comparison().versions.size(), before + 1);
    EXPECT_EQ(page->comparison().versions.back().name, "song_sys");
}

// A TorchScript model from the model menu (docs/reference.md §4.2): read on a job, then the
// file opens with it as the model's version; a file that is not one is refused in words.
TEST(CompareTruth, ATorchScriptModelIsAModel) {
    app();
    TempDir d;
    writeMonoWav(d / "speech.wav", chirp(100, 7000, 16000, 16000 * 2), 16000);
    writeTorchScript(d / "hold.pt", "def forward(self, x):\n    return torch.repeat_interleave(x, 4, dim=2)\n", 16000, 4);
    ComparePage page;
    ASSERT_TRUE(load(page, d / "speech.wav"));
    EXPECT_EQ(page.superResIndex(), -1);
    page.setModel(QString::fromStdString(d / "hold.pt"));
    ASSERT_TRUE(waitFor([&] { return page.superResIndex() >= 0 && !page.busy(); }));
    const auto& v = page.comparison().versions[size_t(page.superResIndex())];
    EXPECT_NE(v.name.find("torchscript/hold"), std::string::npos) << v.name;
    EXPECT_EQ(page.comparison().rate, 16000);

    std::optional<QString> error;
    QObject::connect(&page, &ComparePage::failed, [&](const QString& why) { error = why; });
    writeText(d / "junk.pt", std::string("PK\x03\x04", 4) + "constants.pkl but not a module");
    page.setModel(QString::fromStdString(d / "junk.pt"));
    ASSERT_TRUE(waitFor([&] { return error.has_value(); }));
    EXPECT_TRUE(error->contains("junk.pt")) << error->toStdString();
    EXPECT_FALSE(error->contains('\n')) << error->toStdString();
}

}  // namespace srlab
