// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The one thread pool for core's parallel loops: one worker per core, started on first use and
// shared by everything in the process (Compare, the dataset builder, evaluation, STFTs,
// filters, inference's chunk batches). Nothing else in core starts threads for parallel loops;
// the only other threads core starts itself are BatchLoader's loader threads (beside the
// training step for a whole epoch) and PlaybackFeed's feeder (docs/reference.md §8).
//
// Threads: any thread may call parallelFor() or submit(), pool workers included. parallelFor()
// makes the calling thread work through the items too, so a nested call (a loop inside a pool
// task) always finishes, even when every worker is busy; it returns when every item has run.
// submit() queues one task; its future is ready when the task has run (or thrown).
#include <cstddef>
#include <functional>
#include <future>

namespace srlab {

// Workers in the shared pool (= std::thread::hardware_concurrency(), at least 1).
int poolThreads();

// Runs fn(i) for i in [0, n) on up to `maxThreads` threads, the caller included (0: one per
// core), in increasing order of i as threads free up (so put the longest items first).
// Rethrows the first exception after every started item has finished; items not yet started
// when one throws are skipped.
void parallelFor(size_t n, const std::function<void(size_t)>& fn, int maxThreads = 0);

// Runs task on a pool worker.
std::future<void> submit(std::function<void()> task);

}  // namespace srlab
