// SPDX-License-Identifier: GPL-3.0-or-later
// Compare & Listen's MUSHRA test (compare/Mushra.h, docs/reference.md §9): the anchors are made
// from the ground truth on a job, written beside the comparison's versions, and loaded into the
// player after them; the ratings are appended to the workspace's mushra/results.csv and every
// session there is summarised on a job. GUI thread, except the jobs' bodies.
#include <QDir>
#include <QPushButton>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ComparePage.h"
#include "MushraPanel.h"
#include "PlayerBar.h"
#include "audio/Player.h"
#include "util/AtomicFile.h"
#include "util/Error.h"

namespace srlab {

MushraPanel* ComparePage::mushra() {
    if (!mushra_) {
        mushra_ = new MushraPanel(player_->player(), this);
        mushra_->setWindowFlag(Qt::Window);
        mushra_->resize(900, 420);
        connect(mushra_, &MushraPanel::startWanted, this, [this] { startMushra(); });
        connect(mushra_, &MushraPanel::finished, this, [this](std::vector<MushraRating> r) { saveMushra(std::move(r)); });
        mushra_->setComparison(comparison_);
    }
    return mushra_;
}

void ComparePage::startMushra() {
    const Comparison c = comparison_;
    if (!c.hasTruth || c.versions.empty()) return;
    struct Anchors {
        Samples lp35, lp70;
    };
    const std::string dir = c.versions[0].audio->path().empty() ? std::string()
                                                                  : std::filesystem::path(c.versions[0].audio->path()).parent_path().string();
    mushra_->showSummary("making the 3.5 and 7 kHz anchors...");
    mushraJob_.start<Anchors>(
        [truth = c.versions[0].audio, rate = c.rate, dir](JobContext& ctx) {
            const auto at = [&](const char* name) { return dir.empty() ? std::string() : dir + "/" + name; };
            return Anchors{makeMushraAnchor(*truth, rate, 3500, at("anchor-3500.f32"), ctx.cancel()),
                           makeMushraAnchor(*truth, rate, 7000, at("anchor-7000.f32"), ctx.cancel())};
        },
        [this, c](Anchors a) {
            if (comparison_.path != c.path || comparison_.versions.size() != c.versions.size()) return;  // moved on
            // The player holds the versions, then the anchors; the bar's own buttons stay on the versions.
            std::vector<Samples> all;
            for (const auto& v : c.versions) all.push_back(v.audio);
            const int n = int(all.size());
            all.push_back(a.lp35);
            all.push_back(a.lp70);
            player_->player().load(std::move(all), c.rate);
            std::vector<std::string> names{kMushraReference, kMushraAnchor35, kMushraAnchor70};
            std::vector<int> index{c.truthIndex(), n, n + 1};
            for (int v : mushra_->chosen()) {
                names.push_back(c.versions[size_t(v)].name);
                index.push_back(v);
            }
            mushra_->begin(names, index, c.truthIndex(), spreadExcerpts(c.frames, c.rate, mushra_->excerptCount(), 10.0),
                           c.path, c.rate);
        },
        [this](const JobFailure& f) { mushra_->showSummary(f.cancelled ? "cancelled" : "cannot make the anchors: " + f.message); });
}

void ComparePage::saveMushra(std::vector<MushraRating> ratings) {
    struct Saved {
        std::string summary, where;
    };
    mushraJob_.start<Saved>(
        [ratings = std::move(ratings), dir = resultsDir_.toStdString()](JobContext&) {
            std::vector<MushraRating> all;
            std::string where = "not kept (no workspace)";
            if (!dir.empty()) {
                const std::string path = dir + "/results.csv";
                std::string text = mushraCsvHeader(), target = path, note;
                if (std::filesystem::exists(path)) {
                    std::ifstream in(path, std::ios::binary);
                    std::ostringstream ss;
                    ss << in.rdbuf();
                    try {
                        all = parseMushraCsv(ss.str(), path);
                        text = ss.str();
                    } catch (const Error& e) {
                        // A results file that does not parse is left as it is; these ratings go
                        // beside it, so neither is lost.
                        target = dir + "/results-" + std::to_string(std::time(nullptr)) + ".csv";
                        note = " (" + std::string(e.what()) + ")";
                    }
                }
                std::error_code ec;
                std::filesystem::create_directories(dir, ec);
                if (ec) throw Error(dir, "cannot create the results folder (" + ec.message() + ")");
                if (!text.empty() && text.back() != '\n') text += '\n';
                writeFileAtomically(target, text + mushraCsvRows(ratings));
                where = "added to " + target + note;
            }
            all.insert(all.end(), ratings.begin(), ratings.end());
            return Saved{summariseMushra(all).toText(), where};
        },
        [this](Saved s) { mushra_->showSummary(QString::fromStdString("ratings " + s.where + "\n" + s.summary)); },
        [this](const JobFailure& f) { mushra_->showSummary("the ratings were not saved: " + f.message); });
}

}  // namespace srlab
