#!/usr/bin/env bash
# Builds the .deb with CPack, unpacks it into a fresh root (dpkg -x, as a user without root
# would), and runs the packaged srlab from there: --version, and `upsample` with the packaged
# default model (found relative to the binary, so no source tree is involved).
set -euo pipefail
build=${1:?build dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" > cpack.log 2>&1 || { cat cpack.log; exit 1; }
deb=$(ls "$tmp"/pkg/*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
deps=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $deps"
for lib in libtorch libsndfile1 libhdf5 libfftw3 libportaudio2 libsoxr0; do
  echo "$deps" | grep -q "$lib" || { echo "missing dependency on $lib"; exit 1; }
done
listing=$(dpkg-deb -c "$deb")
for f in usr/bin/srlab usr/share/man/man1/srlab.1 "usr/share/srlab/models/.*/model.pt"; do
  echo "$listing" | grep -q "$f" || { echo "package lacks $f"; exit 1; }
done
dpkg -x "$deb" root
env -u SRLAB_MODELS root/usr/bin/srlab --version | grep -q "srlab " || { echo "--version failed"; exit 1; }
sox -n -r 4000 -b 16 in.wav synth 1.5 sine 220 sine 330 > /dev/null 2>&1
env -u SRLAB_MODELS root/usr/bin/srlab upsample --in in.wav --out out.wav 2>&1 | tail -2
[ "$(soxi -r out.wav 2>/dev/null)" = 16000 ] || { echo "upsample output is not 16 kHz"; exit 1; }
[ "$(soxi -s out.wav 2>/dev/null)" = 24000 ] || { echo "upsample output length is not 4x"; exit 1; }
echo "deb-test: installed package works"
