#!/usr/bin/env bash
# GTZAN (genres/<genre>/<genre>.000NN.wav) -> lists: per genre files 00-79 train, 80-89 val,
# 90-99 test (split by file; genres balanced).
set -euo pipefail
root=$(realpath "${1:?GTZAN_DIR}")
: > train.txt; : > val.txt; : > test.txt
find "$root" -name '*.wav' | sort | while read -r f; do
  n=$(basename "$f" .wav); n=$((10#${n##*.}))
  if [ $n -lt 80 ]; then echo "$f" >> train.txt; elif [ $n -lt 90 ]; then echo "$f" >> val.txt; else echo "$f" >> test.txt; fi
done
wc -l train.txt val.txt test.txt
