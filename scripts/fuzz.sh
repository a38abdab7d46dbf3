#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + ASan/UBSan (audio reader, JSON documents, HDF5
# dataset reader, run folder and checkpoint description) and runs each for SECONDS (default 60)
# from the committed seed corpus. Crashes are saved under build-fuzz/crashes/ and fail the
# script; each one found so far is a regression test in the bad-input matrix.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
build=${SRLAB_FUZZ_BUILD_DIR:-$here/build-fuzz}
SRLAB_EXTRA_PKGS=clang bash "$here/scripts/install-deps.sh"
CXX=clang++ CC=clang cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRLAB_FUZZ=ON \
  -DSRLAB_SANITIZE=address,undefined > "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
cmake --build "$build"
# Seeds: the committed corpus (tests/fuzz/corpus/<target>, made by tests/fuzz/make-corpus.sh);
# what the fuzzer adds goes to a scratch folder listed first, never into the repository.
mkdir -p "$build/crashes"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp:print_suppressions=0
for target in FuzzAudioFile FuzzJson FuzzDataset FuzzRunFolder; do
  scratch=$build/corpus/$target
  mkdir -p "$scratch"
  echo "fuzz: $target for ${secs} s"
  "$build/tests/fuzz/$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -artifact_prefix="$build/crashes/$target-" "$scratch" "$here/tests/fuzz/corpus/$target" 2>&1 | tail -2
done
if ls "$build"/crashes/* > /dev/null 2>&1; then echo "fuzz: crashes found in $build/crashes"; exit 1; fi
echo "fuzz: no crash in ${secs} s per target"
