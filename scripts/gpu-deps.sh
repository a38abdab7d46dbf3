#!/usr/bin/env bash
# Downloads (never installs) the Debian packages that core and the CLI build and run against,
# into .gpu-deps/ (ignored by git), for scripts/gpu-proof.sh to unpack on a GPU machine that has
# PyTorch, CMake and ninja but none of these libraries (and no network). The runtime list is the
# closure of the libraries srlab links directly (ldd), less what every Linux has (libc, libstdc++,
# libgcc); the -dev packages give the headers, pkg-config files and protoc (25 MiB). Beside them,
# .gpu-deps/audio/ holds 40 speech recordings of the development set (11 MiB), the data the
# proof trains its shipped-model candidate on.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$here/.gpu-deps}
dev=(libsndfile1-dev libsoxr-dev libsvm-dev libfftw3-dev libhdf5-dev libssl-dev portaudio19-dev libliquid-dev libprotobuf-dev
     protobuf-compiler nlohmann-json3-dev libcli11-dev)
runtime=()
for lib in libsndfile.so.1 libsoxr.so.0 libfftw3f.so.3 libfftw3.so.3 libhdf5_serial.so.103 libcrypto.so.3 \
           libsvm.so.3 libportaudio.so.2 libliquid.so.1 libprotobuf.so.32 libprotoc.so.32; do
  f=$(ls /usr/lib/x86_64-linux-gnu/$lib 2> /dev/null | head -1)
  [ -n "$f" ] || { echo "gpu-deps: $lib is not installed here (run scripts/install-deps.sh)" >&2; exit 1; }
  for dep in "$f" $(ldd "$f" | awk '$3 ~ /^\// {print $3}'); do
    runtime+=("$( (dpkg -S "$(readlink -f "$dep")" 2> /dev/null || true) | cut -d: -f1 | head -1)")
  done
done
mapfile -t runtime < <(printf '%s\n' "${runtime[@]}" | grep -v -E '^(libstdc\+\+6|libgcc-s1|libc6|)$' | sort -u)
mkdir -p "$dest"
cd "$dest"
apt-get download "${dev[@]}" "${runtime[@]}" > /dev/null
audio=$(bash "$here/scripts/dev-audio.sh")
mkdir -p audio
ls "$audio/speech" | sort | head -40 | while read -r f; do cp "$audio/speech/$f" audio/; done
echo "gpu-deps: $(ls *.deb | wc -l) packages, $(du -sh . | cut -f1) in $dest"
