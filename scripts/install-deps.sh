#!/usr/bin/env bash
# Installs every Debian 12 package SRLab needs to build, test and run (idempotent).
# Runs apt-get as root, or through sudo when not root. Set SRLAB_SKIP_APT=1 to skip;
# SRLAB_EXTRA_PKGS adds packages.
set -euo pipefail
[ "${SRLAB_SKIP_APT:-0}" = 1 ] && exit 0

PKGS=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git
  # libraries
  qt6-base-dev libqcustomplot-dev libtorch-dev libfftw3-dev libsndfile1-dev libsoxr-dev libsvm-dev
  libhdf5-dev portaudio19-dev nlohmann-json3-dev libcli11-dev libssl-dev
  # TensorBoard event files of a run (core/runs/EventFile.h)
  libprotobuf-dev protobuf-compiler
  # IIR filter designs (Butterworth, Chebyshev I/II, elliptic, Bessel) for the degradation zoo
  libliquid-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # an optimised BLAS for Debian's libtorch (it replaces the reference BLAS through Debian's
  # alternatives; the OpenMP build, as libtorch itself threads with OpenMP)
  libopenblas0-openmp
  # Gloo's headers, for c10d's Gloo process group (data-parallel training on CPU)
  libgloo-dev
  # tests: cross-checks, fixtures, GUI under a virtual display; python3-venv holds the torch2
  # build's wheel (scripts/torch-flavour.sh)
  python3-scipy python3-numpy python3-h5py python3-venv sox libsox-fmt-all espeak-ng xvfb xauth
  # the Python package's tests on the cpu build: Debian's PyTorch 1.13 (scripts/package-venv.sh)
  python3-torch
  # packaging
  dpkg-dev file
)
# Optional extras a script needs (scripts/fuzz.sh asks for clang).
read -r -a extra <<< "${SRLAB_EXTRA_PKGS:-}"
PKGS+=("${extra[@]}")

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "srlab: all system packages present"; exit 0; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "srlab: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "srlab: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
