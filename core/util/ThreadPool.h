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

// Scheduling priority (Linux niceness; elsewhere these do nothing). A process whose own thread
// must answer at once puts its background work below that thread, before the pool's first
// use: the workbench, whose GUI thread otherwise waits for a core behind its own workers
// (loading a 10-minute file in Compare on two cores: a 54 ms stall of which the GUI thread
// spent 20 ms on the CPU; an hour-long file stalled it 58 ms, and 32 ms below its workers). The pool's workers take the lower priority as they start, and so does
// any thread that calls enterBackground() (the workbench's job threads); threads they start
// inherit it. Never called (the CLI): every thread keeps its creator's priority.
//
// Threads: lowerBackgroundWork() on the thread that must stay ahead; enterBackground() and
// setThreadNice() on the thread they change.
void lowerBackgroundWork(int steps);  // background niceness = the caller's + steps (at most 19)
void enterBackground();
void setThreadNice(int nice);  // the calling thread's niceness, whatever the background's

}  // namespace srlab
