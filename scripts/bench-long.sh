#!/usr/bin/env bash
# Long recordings: peak memory and time of `srlab upsample`, `srlab eval` and Compare & Listen
# on 1- and 3-hour 44.1 kHz files (the first 20 development music files, repeated), with the shipped
# music model. SRLAB_BEFORE=/path/to/an/older/srlab runs that binary too, alternately, for a
# ratio from one run. About 20 minutes on 2 cores; needs ~5 GB of free disk. Evaluation runs
# without ViSQOL, so that its figures compare with those of earlier versions.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
audio=$(bash "$here/scripts/dev-audio.sh")
build=${SRLAB_BUILD_DIR:-$here/build}
model=$here/resources/models/music-44k-x4
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
sox $(ls "$audio"/music/*.wav | head -20) -c 1 "$work/cat.wav"
sox "$work/cat.wav" "$work/cat.wav" "$work/cat.wav" "$work/cat.wav" "$work/cat.wav" "$work/long3h.wav" trim 0 10800
sox "$work/long3h.wav" "$work/long1h.wav" trim 0 3600
peak() {  # label, command...: wall time and peak resident memory
  local label=$1; shift
  /usr/bin/time -f "$label: %e s, peak %M kB" "$@" > /dev/null 2> "$work/time.log" || { cat "$work/time.log"; return 1; }
  tail -1 "$work/time.log"
}
for len in 1h 3h; do
  for bin in ${SRLAB_BEFORE:-} "$build/app/srlab"; do
    peak "upsample $len ($bin)" "$bin" upsample --in "$work/long$len.wav" --out "$work/out.wav"
    peak "eval $len ($bin)" "$bin" eval --input "$work/long$len.wav" --checkpoint "$model" --rate 44100 --scale 4 \
      --baseline spline sinc --no-visqol  # ViSQOL alone costs several times the rest (benchmarks.md)
  done
done
QT_QPA_PLATFORM=offscreen /usr/bin/time -f "Compare 1h: peak %M kB" "$build/app/srlab-bench-gui" "$work/long1h.wav" \
  --model "$model" --width 1600 2>&1 | grep -E '^(bench|  open|  longest|Compare)'
