// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Shared by the Compare & Listen widget tests: the shipped models, waiting for a load to end,
// and checkpoints of a run made from the shipped speech model.
#include <QString>
#include <filesystem>
#include <string>

#include "ComparePage.h"
#include "WidgetTestSupport.h"
#include "support/TestSupport.h"

namespace srlab::test {

inline const QString kSpeechModel = QString(SRLAB_SOURCE_DIR) + "/resources/models/speech-16k-x4";
inline const QString kMusicModel = QString(SRLAB_SOURCE_DIR) + "/resources/models/music-44k-x4";

// Waits until the page's load (if any) has ended.
inline bool settle(ComparePage& page) { return waitFor([&] { return !page.busy(); }); }

inline bool load(ComparePage& page, const std::string& file) {
    page.openFile(QString::fromStdString(file));
    return settle(page);
}

// A copy of the speech model as a checkpoint of a run: DIR/RUN/checkpoints/NAME.
inline QString checkpointOf(const TempDir& d, const std::string& run, const std::string& name) {
    const std::string dir = d / (run + "/checkpoints/" + name);
    std::filesystem::create_directories(dir);
    for (const char* f : {"model.pt", "model.json"})
        std::filesystem::copy_file((kSpeechModel + "/" + f).toStdString(), dir + "/" + f);
    return QString::fromStdString(dir);
}

}  // namespace srlab::test
