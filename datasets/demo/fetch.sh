#!/usr/bin/env bash
# The demo corpus: real music and speech from Debian's own packages (sources.tsv), fetched with
# `apt-get download`, unpacked with `dpkg -x` (never installed) and converted with sox to
# 16-bit mono WAV: music at 44.1 kHz (an excerpt of each track), speech at 16 kHz. Writes
# OUTDIR/music, OUTDIR/speech and OUTDIR/manifest.tsv (package, version, source, licence of
# every file; the workbench's About box shows these attributions). Deterministic; no network
# but Debian's mirrors. Usage: fetch.sh OUTDIR [SPEECH_FILES=300]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:?OUTDIR}")
speech_n=${2:-300}
work=$out/.pkgs
mkdir -p "$out/music" "$out/speech" "$work/debs" "$work/root"
export LC_ALL=C
man=$out/manifest.tsv.tmp
printf 'file\tpackage\tversion\tsource\tnative_sr\tseconds\tlicense\n' > "$man"
updated=0
while IFS=$'\t' read -r kind pkg glob off len lic; do
  case "$kind" in ''|'#'*) continue;; esac
  deb=$(ls "$work"/debs/"${pkg}"_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    if ! apt-cache show "$pkg" > /dev/null 2>&1 && [ $updated = 0 ]; then apt-get update -qq || true; updated=1; fi
    (cd "$work/debs" && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed' || true)
    deb=$(ls "$work"/debs/"${pkg}"_*.deb | head -1)
  fi
  root=$work/root/$pkg
  [ -d "$root" ] || { mkdir -p "$root"; dpkg -x "$deb" "$root"; }
  ver=$(dpkg-deb -f "$deb" Version)
  files=$(cd "$root" && ls $glob | sort -V)
  [ "$kind" = speech ] && files=$(echo "$files" | head -n "$speech_n")
  for rel in $files; do
    src=$root/$rel
    name=${pkg}__$(basename "${rel%.*}").wav
    if [ "$kind" = music ]; then
      dur=$(soxi -D "$src")
      trim=""
      if awk -v d="$dur" -v e="$((off + len))" 'BEGIN{exit !(d>=e)}'; then trim="trim $off $len"
      elif awk -v d="$dur" -v e="$len" 'BEGIN{exit !(d>=e)}'; then trim="trim 0 $len"; fi
      awk -v d="$dur" 'BEGIN{exit !(d>=10)}' || continue
      [ -s "$out/music/$name" ] || sox -R -D "$src" -b 16 "$out/music/$name" $trim gain -3 remix - rate -v 44100
      dest=music/$name
    else
      [ "$(soxi -r "$src")" -ge 16000 ] || continue
      [ -s "$out/speech/$name" ] || sox -R -D "$src" -b 16 "$out/speech/$name" gain -3 remix - rate -v 16000
      dest=speech/$name
      trim=""
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$dest" "$pkg" "$ver" "$rel${trim:+:$trim}" "$(soxi -r "$src")" \
      "$(soxi -D "$out/$dest")" "$lic" >> "$man"
  done
done < "$here/sources.tsv"
mv "$man" "$out/manifest.tsv"
awk -F'\t' 'NR>1{split($1,a,"/"); s[a[1]]+=$6; n[a[1]]++} END{for(k in s) printf "%s: %d files, %.1f min\n", k, n[k], s[k]/60}' "$out/manifest.tsv" >&2
