#!/usr/bin/env bash
# ASan + UBSan build of everything (core, ML layer, CLI, widgets, workbench) and every test
# under the sanitizers. Leak checking is on, with suppressions for allocations inside
# libraries (tests/lsan.supp; Qt's are among them, so a leak reached only through a Qt frame
# is not reported). Inline functions are hidden: Debian's libtorch loads Qt 5 (through
# OpenCV), and a Debug build's out-of-line Qt 6 inlines, exported from the executable,
# would be bound by Qt 5's own initialisers and crash them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# ccache: paths relative to the checkout, so a fresh clone (CI) reuses an earlier clone's objects.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
build=${SRLAB_SANITIZE_BUILD_DIR:-$here/build-asan}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSRLAB_BUILD_GUI=ON -DSRLAB_BUILD_TESTS=ON \
  -DSRLAB_SANITIZE=address,undefined -DCMAKE_VISIBILITY_INLINES_HIDDEN=ON > /dev/null
cmake --build "$build"
SRLAB_DEV_AUDIO=$(bash "$here/scripts/dev-audio.sh")
export SRLAB_DEV_AUDIO
SRLAB_REF_PYTHON=$(bash "$here/scripts/reference-venv.sh")
export SRLAB_REF_PYTHON
# The Python package's tests run the sanitized CLI beside Debian's torch (this build's).
SRLAB_PACKAGE_PYTHON=$(SRLAB_TORCH=cpu bash "$here/scripts/package-venv.sh")
export SRLAB_PACKAGE_PYTHON
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_odr_violation=0
export LSAN_OPTIONS=suppressions=$here/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
# The player's capture tests need ALSA's file plugin and time; the .deb test packages a
# sanitized binary: both stay in the normal run.
ctest --output-on-failure -j "$(nproc)" --timeout 1800 -E "packaging_deb|Player"
