#!/bin/sh
# quickstart.sh bench|test: installs the Debian packages c1d needs that are
# missing, configures and builds a release build in ./build, then runs the
# benchmark suite against the naive reference (bench) or every test (test).
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
bench | test) ;;
*)
    echo "usage: sh scripts/quickstart.sh bench|test" >&2
    exit 2
    ;;
esac
sh scripts/install-deps.sh
if [ -f build/build.ninja ]; then
    meson setup --reconfigure build >/dev/null
else
    meson setup build --buildtype=release >/dev/null
fi
meson compile -C build >/dev/null
if [ "$1" = bench ]; then
    ./build/bench/c1d-bench
else
    meson test -C build --print-errorlogs
fi
