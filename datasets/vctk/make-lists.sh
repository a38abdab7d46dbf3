#!/usr/bin/env bash
# VCTK 0.92 (wav48_silence_trimmed/pXXX/*_mic1.flac or wav48/pXXX/*.wav) -> lists.
# MODE=single (default): speaker p225, sorted, last 10 % test, the 5 % before them val.
# MODE=multi: speakers sorted; first 99 train (last 5 % of each val), the rest test.
set -euo pipefail
root=$(realpath "${1:?VCTK_DIR}")
mode=${MODE:-single}
list() { find "$root" -path "*/$1/*" \( -name '*_mic1.flac' -o -name '*.wav' \) | sort; }
: > train.txt; : > val.txt; : > test.txt
if [ "$mode" = single ]; then
  mapfile -t f < <(list p225)
  n=${#f[@]}; t=$((n * 90 / 100)); v=$((n * 85 / 100))
  printf '%s\n' "${f[@]:0:v}" > train.txt; printf '%s\n' "${f[@]:v:t-v}" > val.txt; printf '%s\n' "${f[@]:t}" > test.txt
else
  mapfile -t spk < <(find "$root" -maxdepth 2 -type d -name 'p[0-9]*' -printf '%f\n' | sort -u)
  for i in "${!spk[@]}"; do
    mapfile -t f < <(list "${spk[$i]}")
    if [ "$i" -lt 99 ]; then
      n=${#f[@]}; v=$((n * 95 / 100))
      printf '%s\n' "${f[@]:0:v}" >> train.txt; printf '%s\n' "${f[@]:v}" >> val.txt
    else
      printf '%s\n' "${f[@]}" >> test.txt
    fi
  done
fi
wc -l train.txt val.txt test.txt
