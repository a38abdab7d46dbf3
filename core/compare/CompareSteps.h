// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The stages runCompare (compare/CompareSession.h) is made of, for its own files alone: the
// versions made from the file, with the cache folder they live in (CompareVersions.cpp), and a
// model's versions (CompareModelRun.cpp). Each runs on the thread that calls it; what it hands to
// the shared pool it waits for.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audio/AudioStream.h"
#include "compare/CompareMetrics.h"
#include "compare/CompareSession.h"
#include "compare/Comparison.h"
#include "dsp/DisplaySpectrogram.h"
#include "util/CancelToken.h"

namespace srlab::compare_steps {

constexpr size_t kBlock = size_t(1) << 18;  // samples per piece of every stream

// What the view keeps: everything but the low-rate signal.
Comparison shown(const Comparison& c);
// Version `name` from the cache folder when a finished file of it is there, else made by `make`.
Samples cached(const CompareRequest& r, const std::string& name, const std::function<void(SampleWriter&)>& make);
// Reads `x` in blocks of kBlock, passing each to `sink`.
void forBlocks(const SampleBuffer& x, const CancelToken& cancel, const SampleSink& sink);
DisplaySpectrogram overviewOf(const SampleBuffer& x, int rate, const CompareRequest& r, int threads = 0);
// "low-res" and the baselines the settings name (not yet made).
std::vector<Version> baselineVersions(const Comparison& c, const CompareSettings& s);

// The truth (when the file has one) and the low-rate signal; in one pass with the baselines
// where the chain streams.
void readVersions(Comparison& c, const CompareRequest& r, CompareEvents& events, const CancelToken& cancel);
// Low-res and the baselines readVersions did not make, in parallel.
void makeBaselines(Comparison& c, const CompareRequest& r, CompareEvents& events, const CancelToken& cancel);
// The difference pane of version `of` against the truth.
void tellDifference(const Comparison& c, size_t of, const CompareRequest& r, CompareEvents& events);

std::string versionName(const CompareModel& m);
// The model over the focus range of the low-rate signal readVersions made.
bool focusRun(const Comparison& c, const CompareRequest& r, const CompareModel& m, Version& v, const CancelToken& cancel);
// The model over the whole file; `tap` scores it as it is written.
Samples wholeFileRun(const Comparison& c, const CompareRequest& r, const CompareModel& m, const CancelToken& cancel,
                     VersionTap* tap);
// The first model over the view from the file's own excerpt, before readVersions is done.
std::optional<Version> earlyFocus(const CompareRequest& r, const CompareModel& m, int inRate, long long inFrames,
                                  const CancelToken& cancel);

}  // namespace srlab::compare_steps
