#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + ASan/UBSan and runs each for SECONDS (default 60)
# from a small seed corpus (real WAV/FLAC headers, valid JSON documents). Crashes are saved
# under build-fuzz/crashes/ and fail the script.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
build=${SRLAB_FUZZ_BUILD_DIR:-$here/build-fuzz}
SRLAB_EXTRA_PKGS=clang bash "$here/scripts/install-deps.sh"
CXX=clang++ CC=clang cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRLAB_FUZZ=ON \
  -DSRLAB_SANITIZE=address,undefined > "$build.log" 2>&1 || { cat "$build.log"; exit 1; }
cmake --build "$build"
seeds=$build/seeds
mkdir -p "$seeds/audio" "$seeds/json" "$build/crashes"
sox -n -r 16000 -b 16 "$seeds/audio/pcm16.wav" synth 0.05 sine 440 2> /dev/null
sox -n -r 8000 -b 24 "$seeds/audio/pcm24.flac" synth 0.05 sine 440 2> /dev/null
sox -n -r 44100 -e floating-point -b 32 "$seeds/audio/float.wav" synth 0.05 sine 440 2> /dev/null
printf '{"arch":"tfilm","preset":"small","rate":16000,"scale":4,"dim":8192,"filters":[8,16],"kernels":[9,9]}' > "$seeds/json/model.json"
printf '{"rate":16000,"scale":4,"filter":"cheby","baseline":"spline","dim":8192,"stride":4096}' > "$seeds/json/spec.json"
printf '{"sources":[{"path":"/a.wav","split":"test","used":true}]}' > "$seeds/json/manifest.json"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$build/tests/fuzz/FuzzAudioFile" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$build/crashes/audio-" "$seeds/audio" 2>&1 | tail -3
"$build/tests/fuzz/FuzzJson" -max_total_time="$secs" -timeout=10 -artifact_prefix="$build/crashes/json-" "$seeds/json" 2>&1 | tail -3
if ls "$build"/crashes/* > /dev/null 2>&1; then echo "fuzz: crashes found in $build/crashes"; exit 1; fi
echo "fuzz: no crash in ${secs} s per target"
