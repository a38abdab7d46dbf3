#!/usr/bin/env bash
# Exploratory fuzzing (not CI): each target for SECONDS (default 600) with a random seed, from the
# committed seeds, the past findings and what earlier explorations kept (build-fuzz/explore/).
# Targets run side by side, one per core. A finding is saved as build-fuzz/explore/<target>-*;
# fix it, then commit the input to tests/fuzz/regressions/<target>/ so CI replays it forever.
# Usage: scripts/fuzz-explore.sh [SECONDS] [TARGET...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(FuzzAudioFile FuzzJson FuzzDataset FuzzRunFolder)
build=${SRLAB_FUZZ_BUILD_DIR:-$here/build-fuzz}
bash "$here/scripts/fuzz-build.sh"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp:print_suppressions=0
ex=$build/explore
mkdir -p "$ex"
explore() {
  local t=$1
  mkdir -p "$ex/corpus-$t" "$here/tests/fuzz/regressions/$t"
  local rc=0
  "$build/tests/fuzz/$t" -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 \
    -max_len=262144 -artifact_prefix="$ex/$t-" "$ex/corpus-$t" "$here/tests/fuzz/corpus/$t" \
    "$here/tests/fuzz/regressions/$t" > "$ex/$t.log" 2>&1 || rc=$?
  echo "fuzz-explore: $t: exit $rc; $(grep -E '^#[0-9]+.*(DONE|pulse)' "$ex/$t.log" | tail -1)"
  return $rc
}
pids=(); fail=0
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || fail=1; done
  explore "$t" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
ls "$ex"/Fuzz*-* 2>/dev/null && { echo "fuzz-explore: findings above (logs in $ex)"; exit 1; }
[ $fail = 0 ] || { echo "fuzz-explore: a target failed (logs in $ex)"; exit 1; }
echo "fuzz-explore: nothing found in ${secs} s per target"
