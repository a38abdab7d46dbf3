#!/usr/bin/env bash
# Beethoven sonatas (any audio files under the folder), sorted: every 10th file test, every
# 10th + 1 val, the rest train (split by file, spread over the cycle).
set -euo pipefail
root=$(realpath "${1:?PIANO_DIR}")
: > train.txt; : > val.txt; : > test.txt
i=0
find "$root" -type f \( -name '*.wav' -o -name '*.flac' -o -name '*.mp3' -o -name '*.ogg' \) | sort | while read -r f; do
  case $((i % 10)) in 0) echo "$f" >> test.txt;; 1) echo "$f" >> val.txt;; *) echo "$f" >> train.txt;; esac
  i=$((i + 1))
done
wc -l train.txt val.txt test.txt
