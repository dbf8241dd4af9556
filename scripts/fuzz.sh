#!/bin/bash
# fuzz.sh [SECONDS]: builds the libFuzzer targets of fuzz/ (clang, ASan +
# UBSan, in ./build-fuzz or $C1D_FUZZ_BUILD) and runs each for SECONDS
# (default 60), one after the other, then prints executions and coverage
# per target. Each target keeps a working corpus in BUILD/fuzz-corpus/<target>
# (seeded from fuzz/corpus/<target> and fuzz/regressions/<target>), so
# longer or repeated runs continue where the last one stopped. A failing
# input is written to BUILD/fuzz-artifacts/<target>/: fix the bug, then add
# the input to fuzz/regressions/<target>/ (replayed by `meson test --suite
# fuzz-regress` in every build). Exit status 1 when any target failed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
case "$seconds" in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;; esac
build=${C1D_FUZZ_BUILD:-build-fuzz}

sh scripts/install-deps.sh clang libclang-rt-14-dev
if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup "$build" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fno-sanitize-recover=all -Dbuildtype=debugoptimized -Dtests=false -Dbench=false >/dev/null
fi
meson compile -C "$build" >/dev/null

# The library's own cap (C1D_MAX_ALLOC_BYTES), not the host, must stop big
# requests: libFuzzer fails any single allocation above 512 MiB. One BLAS
# thread: the fuzzers measure c1d, not OpenBLAS's thread pool.
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# target:max_len:dictionary
targets="fuzz_config_json:4096:keras_json.dict fuzz_npy:4096:npy.dict fuzz_conv_params:256:conv_params.dict fuzz_conv_diff:65536:"
summary=""
failed=0
for entry in $targets; do
    IFS=: read -r name max_len dict <<<"$entry"
    exe=$build/fuzz/$name
    [ -x "$exe" ] || { echo "fuzz.sh: $exe was not built (tools disabled?)" >&2; continue; }
    corpus=$build/fuzz-corpus/$name
    artifacts=$build/fuzz-artifacts/$name/
    mkdir -p "$corpus" "$artifacts"
    args=(-max_total_time="$seconds" -malloc_limit_mb=512 -timeout=10 -max_len="$max_len"
          -print_final_stats=1 -artifact_prefix="$artifacts")
    [ -n "$dict" ] && args+=(-dict="fuzz/$dict")
    log=$build/fuzz-$name.log
    echo "=== $name: ${seconds}s" >&2
    rc=0
    "$exe" "${args[@]}" "$corpus" "fuzz/corpus/$name" "fuzz/regressions/$name" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -n 1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    if [ "$rc" -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $rc, see $log and $artifacts)"
        failed=1
        grep -E 'ERROR|oracle failed|SUMMARY' "$log" | head -n 5 >&2 || true
    fi
    summary+=$(printf '%-18s %12s %9s %7s %7s %7s  %s' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "$result")$'\n'
done
printf '%-18s %12s %9s %7s %7s %7s  %s\n' target executions exec/s cov ft corpus result
printf '%s' "$summary"
exit "$failed"
