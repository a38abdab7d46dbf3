#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh"
source "$here/scripts/torch-flavour.sh"   # cpu or torch2, and the build folder for it
SRLAB_DEV_AUDIO=$(bash "$here/scripts/dev-audio.sh")
export SRLAB_DEV_AUDIO
SRLAB_REF_PYTHON=$(bash "$here/scripts/reference-venv.sh")
export SRLAB_REF_PYTHON
SRLAB_PACKAGE_PYTHON=$(bash "$here/scripts/package-venv.sh")
export SRLAB_PACKAGE_PYTHON
bash "$here/scripts/build.sh" -DSRLAB_BUILD_TESTS=ON
cd "$SRLAB_BUILD_DIR"
export QT_QPA_PLATFORM=offscreen
ctest --output-on-failure -j "$(nproc)" --timeout 900
