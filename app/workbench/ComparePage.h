// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Compare & Listen: one file's versions as stacked spectrograms (plus a difference pane),
// their metrics, and the A/B player. The load is core's staged CompareSession run as a job;
// each stage is drawn the moment it arrives (see CompareSession.h for the order). Zoomed
// detail is made by core's spectrogram producer, one job per pane. GUI thread only.
#include <QWidget>
#include <memory>

#include "JobRunner.h"
#include "SpectrogramGroup.h"
#include "compare/CompareSession.h"
#include "compare/Mushra.h"

class QCheckBox;
class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace srlab {

struct ModelConfig;

struct ModelCache;
class SpectrogramGroup;
class MetricsTable;
class AbxPanel;
class MushraPanel;
class PlayerBar;

class ComparePage : public QWidget {
    Q_OBJECT
public:
    explicit ComparePage(QWidget* parent = nullptr);
    ~ComparePage() override;
    void openFile(const QString& path);
    // Opens with these settings (a dataset's rate, scale and filter) and shows [t0, t1) seconds
    // first (a patch's place in its file); the model makes that range first too.
    void openAt(const QString& path, int rate, int scale, const QString& filter, double t0, double t1);
    // Two or more checkpoints (of one run or several) side by side: they become one entry of the
    // model menu, and each joins the next loads as its own version, named by run and checkpoint.
    // The first sets the scale. Picking another entry in the menu ends it.
    void compareCheckpoints(const QStringList& checkpoints);
    QStringList checkpointsCompared() const;  // of the model menu's entry picked
    void resetZoom();  // the whole file in every pane
    // Where comparisons keep their versions on disk (the workspace's .srlab-cache/compare): one
    // comparison's at a time, reused when the same file and settings are opened again. Empty:
    // in memory.
    void setCacheRoot(const QString& dir) { cacheRoot_ = dir; }
    // Where MUSHRA results go (the workspace's mushra/): results.csv, every session appended.
    // Empty: they are summarised but not kept.
    void setResultsDir(const QString& dir) { resultsDir_ = dir; }
    // Another system's output of the open file as a version (named after the file unless given),
    // lined up with it (docs/reference.md §6.4); the comparison reloads. Opening another file
    // drops them.
    void addOutputVersion(const QString& file, const QString& name = {});
    void chooseOutputVersion();  // File > Add version from file...: a file dialog, then the above
    // The MUSHRA test's window (made on first use; its Start makes the anchors on a job).
    MushraPanel* mushra();
    // Adds a trained model (checkpoint folder) to the model menu and selects it: the next
    // load shows its super-res version, at the model's rate and scale.
    void setModel(const QString& checkpoint);
    bool busy() const { return load_.running() || modelProbe_.running(); }
    SpectrogramGroup* spectrograms() const { return group_; }
    PlayerBar* player() const { return player_; }
    MetricsTable* metricsTable() const { return metrics_; }
    AbxPanel* abx() const { return abx_; }
    const Comparison& comparison() const { return comparison_; }
    QString header() const;  // the file line: path, rate, scale, length, notes
    // File > Export. A version's audio (WAV or FLAC by extension, written atomically on a job;
    // exported() follows), the metrics table as CSV, the panes as PNG. False with a message
    // box when there is nothing to export or the file cannot be written.
    void exportVersion(int index, const QString& path);
    bool exportMetrics(const QString& path);
    bool exportPanes(const QString& path);
    int superResIndex() const;  // the model's version, or -1
    QString figureTitle() const;  // the exported figure's title: file, settings, checkpoints

Q_SIGNALS:
    // A stage of the load is on screen: "truth", "versions" (every baseline's pane; also
    // panesShown), "model (view)", "metrics", "model" (the whole file), "model metrics".
    void stageShown(const QString& stage);
    void panesShown(const QString& path);  // every version's spectrogram is on screen
    void loaded(const QString& path);      // and the metrics (and model version) are in
    void failed(const QString& message);  // empty when the user cancelled
    void modelRefused(const QString& message);  // its checkpoint failed to load; the rest goes on
    void exported(const QString& path, const QString& error);  // error empty: written


private:
    friend class PageEvents;
    // The session's stages, on the GUI thread.
    void showVersion(size_t i, const Version& v, const PaneData& pane);
    void showVersions(const Comparison& c);
    void showDifference(const PaneData& pane, std::vector<Samples> sources);
    void showModelVersion(size_t k, const Version& v, const PaneData& pane, bool complete);
    void showMetrics(const Comparison& c);
    void finish();
    void fail(const JobFailure& f);
    void makeDetail(int pane, double t0, double t1, int columns);
    JobRunner& detailJob(int pane);
    void addModelPickers();  // the menu's "checkpoint..." and "TorchScript model..." entries
    void modelChosen();
    void useModelConfig(const ModelConfig& cfg);
    int modelEntry(const QStringList& checkpoints);
    // MUSHRA (CompareMushra.cpp): the anchors made on a job, then the test; the ratings
    // appended to results.csv and every session's summarised on a job.
    void startMushra();
    void saveMushra(std::vector<MushraRating> ratings);

    QComboBox *rate_, *filter_, *model_;
    QCheckBox* lowBand_;  // low-band consistency of the model versions
    QString lastFilter_;  // the degradation text the shown comparison was made with
    int modelRate_ = 0, modelScale_ = 0;  // the first checkpoint's (CompareSettings::modelRate)
    bool unreadable_ = false;  // the last load failed because the file cannot be read
    QSpinBox* scale_;
    QDoubleSpinBox* windowMs_;
    QLabel *file_, *note_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    SpectrogramGroup* group_;
    MetricsTable* metrics_;
    PlayerBar* player_;
    AbxPanel* abx_;
    MushraPanel* mushra_ = nullptr;
    std::vector<std::pair<QString, QString>> outputs_;  // other systems' outputs: name, file
    QString resultsDir_;
    Comparison comparison_;  // what is shown: the stages that have arrived
    QString path_;
    double viewFrom_ = -1, viewTo_ = -1;  // a range to show once the panes arrive (openAt)
    // The signals behind each pane (two for the difference pane: version minus truth), for
    // zoomed detail; index = pane.
    QString cacheRoot_;
    std::vector<bool> panesBegun_;  // per version pane: drawn at least in part
    bool versionsShown_ = false;    // every baseline is there (the model's view may come before)
    std::vector<std::vector<Samples>> paneSources_;
    PaneData differencePane_;
    std::vector<Samples> differenceSources_;
    bool hasDifference_ = false;
    std::shared_ptr<ModelCache> models_;  // the last model loaded, reused across files
    JobRunner load_, export_, mushraJob_, modelProbe_;
    std::vector<std::unique_ptr<JobRunner>> detailJobs_;  // one per pane
};

}  // namespace srlab
