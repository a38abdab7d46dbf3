#!/usr/bin/env bash
# CI's fuzz step, deterministic for a given commit: for each libFuzzer target, first every past
# finding (tests/fuzz/regressions/<target>/) is replayed once, then a fixed number of mutations
# (-runs) with a fixed seed grows from the committed seed corpus (tests/fuzz/corpus/<target>/)
# into an empty scratch folder. The same commit makes the same inputs, so a commit that passes
# once passes always. Exploratory fuzzing with random seeds is scripts/fuzz-explore.sh.
# Usage: scripts/fuzz.sh [RUNS per target, default 20000]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-20000}
build=${SRLAB_FUZZ_BUILD_DIR:-$here/build-fuzz}
bash "$here/scripts/fuzz-build.sh"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp:print_suppressions=0
# A single allocation over 512 MB, or 2 GB resident, is a finding (a reader trusting a size).
limits=(-rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 -max_len=262144)
norandom=""
setarch "$(uname -m)" -R true 2>/dev/null && norandom="setarch $(uname -m) -R"
fail=0
for target in FuzzAudioFile FuzzJson FuzzDataset FuzzRunFolder; do
  bin=$build/tests/fuzz/$target
  out=$build/ci/$target
  rm -rf "$out"; mkdir -p "$out/scratch"
  regressions=("$here/tests/fuzz/regressions/$target"/*)
  if [ -e "${regressions[0]}" ]; then
    echo "fuzz: $target: replaying ${#regressions[@]} past finding(s)"
    "$bin" "${limits[@]}" -runs=1 "${regressions[@]}" > "$out/replay.log" 2>&1 || {
      tail -40 "$out/replay.log"; echo "fuzz: $target: a past finding fails again"; fail=1; continue; }
  fi
  echo "fuzz: $target: $runs runs, seed 1"
  # Without address randomisation: libFuzzer's comparison tracing sees pointer values too, and
  # they would make the mutations (and so the findings) differ from one machine to the next.
  $norandom "$bin" "${limits[@]}" -seed=1 -runs="$runs" -artifact_prefix="$out/" \
    "$out/scratch" "$here/tests/fuzz/corpus/$target" > "$out/fuzz.log" 2>&1 || {
    tail -40 "$out/fuzz.log"; echo "fuzz: $target: finding saved in $out/"; fail=1; continue; }
  tail -1 "$out/fuzz.log"
done
[ $fail = 0 ] || exit 1
echo "fuzz: no finding in $runs runs per target (seed 1) and every past finding refused"
