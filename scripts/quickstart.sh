#!/bin/sh
# quickstart.sh bench|test|table: installs the Debian packages c1d needs that
# are missing, configures and builds a release build in ./build, then runs
# the benchmark suite against the naive reference (bench), every test (test),
# or the README's benchmark tables (table: also installs oneDNN, libdnnl-dev,
# and runs the suite at 1 and at 2 threads with oneDNN and the bar of issue 7,
# bench/bar.txt, next to c1d; extra arguments go to c1d-bench).
set -eu
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in
bench | test) ;;
table) shift ;;
*)
    echo "usage: sh scripts/quickstart.sh bench|test|table [c1d-bench options]" >&2
    exit 2
    ;;
esac
if [ "$mode" = table ]; then sh scripts/install-deps.sh libdnnl-dev; else sh scripts/install-deps.sh; fi
if [ -f build/build.ninja ]; then
    meson setup --reconfigure build >/dev/null
else
    meson setup build --buildtype=release >/dev/null
fi
meson compile -C build >/dev/null
case "$mode" in
bench) ./build/bench/c1d-bench ;;
test) meson test -C build --print-errorlogs ;;
table)
    status=0
    for threads in 1 2; do
        ./build/bench/c1d-bench --threads "$threads" --peers --bar bench/bar.txt "$@" || status=1
        echo
    done
    exit $status
    ;;
esac
