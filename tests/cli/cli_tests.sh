#!/bin/bash
# cli_tests.sh: tests of the c1d command line tool, one group per Meson test.
#   cli_tests.sh GROUP C1D CLI_GOLDEN DATA_DIR
# Groups: usage (RELIABILITY L1), files (L2, L6, N16, N17 through the tool),
# output (L3, L5: no partial or clobbered output), pipe (L4), golden
# (results against the naive reference), formats (every .npy encoding gives
# the same bits), config, info.
# Every failure must exit with the documented status (2 usage, 1 otherwise),
# print exactly one line on stderr naming the file or argument, never die by
# a signal and never hang (each call runs under `timeout`).
set -u

group=$1
# Meson passes paths relative to the build directory; some checks cd.
C1D=$(realpath "$2")
GOLDEN=$(realpath "$3")
DATA=$(realpath "$4")

T=$(mktemp -d "${TMPDIR:-/tmp}/c1d-cli-XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# judge RC WANT NEEDLE WHAT: the exit status RC of a call (WHAT) must be
# WANT and, on failure, $T/stderr one line containing NEEDLE.
judge() {
    local rc=$1 want=$2 needle=$3 what=$4
    if [ "$rc" -ne "$want" ]; then
        fail "$what: exit $rc, expected $want; stderr: $(cat "$T/stderr")"
        return 1
    fi
    if [ "$want" -ne 0 ]; then
        local lines
        lines=$(wc -l <"$T/stderr")
        [ "$lines" -eq 1 ] || fail "$what: $lines lines on stderr: $(cat "$T/stderr")"
        grep -qF -- "$needle" "$T/stderr" || fail "$what: stderr '$(cat "$T/stderr")' lacks '$needle'"
    fi
    return 0
}

# expect STATUS NEEDLE ARGS...: runs c1d ARGS (stdout to $T/stdout) and judges it.
expect() {
    local want=$1 needle=$2
    shift 2
    timeout -s KILL 30 "$C1D" "$@" >"$T/stdout" 2>"$T/stderr"
    judge $? "$want" "$needle" "c1d $*"
}

# The layer of the data directory: filters 4, kernel_size 3, same, relu,
# 3 input channels recorded in build_config; input (2, 9, 3).
CFG=$DATA/conv_same_relu.json
K=$DATA/kernel.npy
B=$DATA/bias.npy
X=$DATA/input_f4.npy
run_ok=(run --config "$CFG" --kernel "$K" --bias "$B" --input "$X")

no_temp_files() {
    local f
    for f in "$1"/.c1d-*; do
        if [ -e "$f" ]; then fail "temporary file left behind: $f"; fi
    done
}

group_usage() {
    expect 2 "missing command"
    expect 2 "unknown command 'frobnicate'" frobnicate
    expect 2 "unknown option '--frob'" run --frob x
    expect 2 "unknown option '-k'" run -k x
    expect 2 "run: unexpected argument 'extra'" run extra
    expect 2 "--kernel: missing value" run --config "$CFG" --kernel
    expect 2 "--kernel: missing value" run --config "$CFG" --kernel --input "$X"
    expect 2 "--kernel: empty value" run --config "$CFG" --kernel ""
    expect 2 "--config given twice" run --config a.json --config b.json
    expect 2 "run: missing --config" run --kernel "$K"
    expect 2 "run: missing --kernel" run --config "$CFG"
    expect 2 "run: missing --input" run --config "$CFG" --kernel "$K"
    expect 2 "run: missing --output" run --config "$CFG" --kernel "$K" --input "$X"
    local bad
    for bad in abc -1 99999999999 0 1025 1.5 " 4" 4x +4 0x10 18446744073709551617; do
        expect 2 "--threads: expected an integer from 1 to 1024, got '$bad'" "${run_ok[@]}" --output "$T/o.npy" --threads "$bad"
    done
    # --threads is judged where it appears, before the other options are checked.
    expect 2 "--threads: expected an integer from 1 to 1024, got 'abc'" run --threads abc
    expect 2 "--threads: empty value" "${run_ok[@]}" --output "$T/o.npy" --threads=
    [ -e "$T/o.npy" ] && fail "a usage error created the output"
    expect 2 "config: missing CONFIG.json" config
    expect 2 "config: unexpected argument 'b.json'" config a.json b.json
    expect 2 "config: unknown option '--frob'" config --frob
    expect 2 "info: unexpected argument 'x'" info x
    expect 2 "unexpected argument 'x' after --version" --version x
    expect 0 "" --help
    grep -qF "c1d run --config CONFIG.json --kernel KERNEL.npy [--bias BIAS.npy] --input INPUT.npy" "$T/stdout" ||
        fail "--help lacks the run synopsis"
    grep -qF "Exit status: 0 success, 1 failure (one line on stderr), 2 command line error." "$T/stdout" ||
        fail "--help lacks the exit statuses"
    expect 0 "" run --help
    grep -qF "c1d config CONFIG.json" "$T/stdout" || fail "run --help lacks the usage"
    expect 0 "" --version
    grep -qE '^c1d [0-9]+\.[0-9]+\.[0-9]+$' "$T/stdout" || fail "--version printed '$(cat "$T/stdout")'"
    # The --opt=value form works as well.
    expect 0 "" run --config="$CFG" --kernel="$K" --bias="$B" --input="$X" --output="$T/eq.npy" --threads=1
    [ -s "$T/eq.npy" ] || fail "--opt=value run wrote no output"
}

group_files() {
    local o=$T/o.npy
    expect 1 "$T/nope.json: cannot open: No such file or directory" run --config "$T/nope.json" --kernel "$K" --bias "$B" --input "$X" --output "$o"
    expect 1 "$T/nope.npy: cannot open: No such file or directory" run --config "$CFG" --kernel "$T/nope.npy" --bias "$B" --input "$X" --output "$o"
    expect 1 "$T/nope.npy: cannot open: No such file or directory" run --config "$CFG" --kernel "$K" --bias "$T/nope.npy" --input "$X" --output "$o"
    expect 1 "$T/nope.npy: cannot open: No such file or directory" run --config "$CFG" --kernel "$K" --bias "$B" --input "$T/nope.npy" --output "$o"
    expect 1 "$T/nope.json: cannot open: No such file or directory" config "$T/nope.json"
    if [ "$(id -u)" -eq 0 ]; then
        echo "SKIP unreadable file: running as root, which reads any file"
    else
        cp "$K" "$T/locked.npy" && chmod 000 "$T/locked.npy"
        expect 1 "$T/locked.npy: cannot open: Permission denied" run --config "$CFG" --kernel "$T/locked.npy" --bias "$B" --input "$X" --output "$o"
    fi
    # N17: a directory, a FIFO with no writer, endless devices: refused at once.
    mkdir "$T/dir.npy"
    mkfifo "$T/fifo.npy"
    expect 1 "$T/dir.npy: is a directory, expected a regular file" run "${run_ok[@]:1:6}" --input "$T/dir.npy" --output "$o"
    expect 1 "$T/fifo.npy: is a FIFO, expected a regular file" run "${run_ok[@]:1:6}" --input "$T/fifo.npy" --output "$o"
    expect 1 "/dev/zero: is a character device, expected a regular file" run --config "$CFG" --kernel /dev/zero --bias "$B" --input "$X" --output "$o"
    expect 1 "/dev/urandom: is a character device, expected a regular file" config /dev/urandom
    expect 1 "$T/fifo.npy: is a FIFO, expected a regular file" config "$T/fifo.npy"

    # Hostile .npy files numpy wrote (N6, N8) and damaged ones (N12, N13).
    expect 1 "input_f2.npy: dtype '<f2' is not supported" run "${run_ok[@]:1:6}" --input "$DATA/input_f2.npy" --output "$o"
    expect 1 "input_i4.npy: dtype '<i4' is not supported" run "${run_ok[@]:1:6}" --input "$DATA/input_i4.npy" --output "$o"
    expect 1 "input_u1.npy: dtype '|u1' is not supported" run "${run_ok[@]:1:6}" --input "$DATA/input_u1.npy" --output "$o"
    expect 1 "input_object.npy: dtype '|O' holds pickled Python objects" run "${run_ok[@]:1:6}" --input "$DATA/input_object.npy" --output "$o"
    expect 1 "input_struct.npy: structured dtype" run "${run_ok[@]:1:6}" --input "$DATA/input_struct.npy" --output "$o"
    head -c 300 "$X" >"$T/short.npy"
    expect 1 "$T/short.npy: truncated: shape (2, 9, 3) needs 216 bytes of data, the file has 172" run "${run_ok[@]:1:6}" --input "$T/short.npy" --output "$o"
    { cat "$X"; printf 'xx'; } >"$T/long.npy"
    expect 1 "$T/long.npy: 2 unexpected bytes after the 216 bytes of data" run "${run_ok[@]:1:6}" --input "$T/long.npy" --output "$o"
    printf 'not a numpy file' >"$T/text.npy"
    expect 1 "$T/text.npy: not a .npy file" run "${run_ok[@]:1:6}" --input "$T/text.npy" --output "$o"

    # N16: right files, wrong roles or shapes.
    (cd "$T" && "$GOLDEN" npy k2.npy 3 4 && "$GOLDEN" npy ktorch.npy 4 3 3 && "$GOLDEN" npy b2.npy 1 4 &&
        "$GOLDEN" npy b5.npy 5 && "$GOLDEN" npy x2.npy 9 3 && "$GOLDEN" npy x5.npy 2 9 5 &&
        "$GOLDEN" npy k5.npy 3 5 4 && "$GOLDEN" npy scalar.npy && "$GOLDEN" npy xshort.npy 1 2 3) ||
        fail "cli_golden npy failed"
    expect 1 "$T/k2.npy: kernel shape (3, 4) does not match (kernel_size, in_channels / groups, filters) = (3, 3, 4)" \
        run --config "$CFG" --kernel "$T/k2.npy" --bias "$B" --input "$X" --output "$o"
    expect 1 "looks like PyTorch's (filters, in_channels, kernel_size) layout" \
        run --config "$CFG" --kernel "$T/ktorch.npy" --bias "$B" --input "$X" --output "$o"
    expect 1 "$T/b2.npy: bias shape (1, 4) does not match (filters,) = (4,)" \
        run --config "$CFG" --kernel "$K" --bias "$T/b2.npy" --input "$X" --output "$o"
    expect 1 "$T/b5.npy: bias shape (5,) does not match (filters,) = (4,)" \
        run --config "$CFG" --kernel "$K" --bias "$T/b5.npy" --input "$X" --output "$o"
    expect 1 "$T/x2.npy: expected a rank-3 input (batch, steps, channels) for channels_last, got shape (9, 3)" \
        run "${run_ok[@]:1:6}" --input "$T/x2.npy" --output "$o"
    expect 1 "$T/scalar.npy: expected a rank-3 input (batch, steps, channels) for channels_last, got shape ()" \
        run "${run_ok[@]:1:6}" --input "$T/scalar.npy" --output "$o"
    expect 1 "$T/x5.npy: shape (2, 9, 5) has 5 channels (axis 2, channels_last), but $CFG was built for 3 input channels" \
        run "${run_ok[@]:1:6}" --input "$T/x5.npy" --output "$o"
    # Without build_config the kernel is what disagrees with the input.
    local bare=$DATA/conv_same_relu_bare.json
    expect 1 "$K: kernel shape (3, 3, 4) does not match (kernel_size, in_channels / groups, filters) = (3, 5, 4) from $bare and $T/x5.npy" \
        run --config "$bare" --kernel "$K" --bias "$B" --input "$T/x5.npy" --output "$o"
    expect 0 "" run --config "$bare" --kernel "$T/k5.npy" --bias "$B" --input "$T/x5.npy" --output "$T/ok.npy"

    # Bias exactly when use_bias is true.
    sed -e 's/"use_bias": true/"use_bias": false/' "$CFG" >"$T/nobias.json"
    expect 1 "$B: --bias was given, but $T/nobias.json has use_bias false" \
        run --config "$T/nobias.json" --kernel "$K" --bias "$B" --input "$X" --output "$o"
    expect 1 "$CFG: use_bias is true, so --bias BIAS.npy is required" \
        run --config "$CFG" --kernel "$K" --input "$X" --output "$o"
    expect 0 "" run --config "$T/nobias.json" --kernel "$K" --input "$X" --output "$T/ok.npy"

    # L6: library errors carry the library's message behind the file name.
    sed -e 's/"filters": 4/"filters": 0/' "$CFG" >"$T/f0.json"
    expect 1 "$T/f0.json: " run --config "$T/f0.json" --kernel "$K" --bias "$B" --input "$X" --output "$o"
    grep -qF "filters" "$T/stderr" || fail "filters=0: message does not name filters: $(cat "$T/stderr")"
    sed -e 's/"activation": "relu"/"activation": "gelu_custom"/' "$CFG" >"$T/act.json"
    expect 1 "$T/act.json: " run --config "$T/act.json" --kernel "$K" --bias "$B" --input "$X" --output "$o"
    grep -qF "activation" "$T/stderr" || fail "unknown activation: message does not name it: $(cat "$T/stderr")"
    printf '{"filters": 4, "kernel_size": ' >"$T/trunc.json"
    expect 1 "$T/trunc.json: " config "$T/trunc.json"
    head -c 2000000 /dev/zero | tr '\0' ' ' >"$T/huge.json"
    expect 1 "$T/huge.json: 2000000 bytes, above the 1048576-byte limit" config "$T/huge.json"
    # valid padding on an input shorter than the kernel: the library refuses the shape.
    sed -e 's/"padding": "same"/"padding": "valid"/' "$CFG" >"$T/valid.json"
    (cd "$T" && "$GOLDEN" npy x_l2.npy 1 2 3) || fail "cli_golden npy failed"
    expect 1 "$T/x_l2.npy: " run --config "$T/valid.json" --kernel "$K" --bias "$B" --input "$T/x_l2.npy" --output "$o"
    [ -e "$o" ] && fail "a failed run created $o"
    no_temp_files "$T"
}

group_output() {
    local d=$T/out
    mkdir "$d"
    # L3: the always-full device (ENOSPC), written in place.
    expect 1 "/dev/full: write failed: No space left on device" "${run_ok[@]}" --output /dev/full
    # A directory that does not exist: nothing can be created.
    expect 1 "$d/missing/y.npy: cannot create a temporary file in the directory $d/missing: No such file or directory" \
        "${run_ok[@]}" --output "$d/missing/y.npy"
    [ -e "$d/missing" ] && fail "a directory was created"
    if [ "$(id -u)" -eq 0 ]; then
        echo "SKIP read-only directory: running as root, which writes anywhere; /dev/full (ENOSPC), a missing directory and a file size limit (EFBIG, below) cover the failure paths"
    else
        mkdir "$d/ro" && chmod 555 "$d/ro"
        expect 1 "cannot create a temporary file in the directory $d/ro: Permission denied" "${run_ok[@]}" --output "$d/ro/y.npy"
        chmod 755 "$d/ro"
    fi
    expect 1 "$d: is a directory, expected a file name" "${run_ok[@]}" --output "$d"

    # A failed run leaves an existing output untouched.
    printf 'previous output' >"$d/y.npy"
    cp "$d/y.npy" "$T/y.before"
    (cd "$T" && "$GOLDEN" npy k2.npy 3 4) || fail "cli_golden npy failed"
    expect 1 "kernel shape (3, 4)" run --config "$CFG" --kernel "$T/k2.npy" --bias "$B" --input "$X" --output "$d/y.npy"
    cmp -s "$d/y.npy" "$T/y.before" || fail "a failed run changed the existing output"
    # A write failing half way (EFBIG under a 1 KiB file size limit; the output
    # is 128 + 4 * 2 * 160 * 4 bytes) removes the temporary file and keeps
    # the old output.
    (cd "$T" && "$GOLDEN" npy xbig.npy 2 160 3) || fail "cli_golden npy failed"
    (
        ulimit -f 1
        exec timeout -s KILL 30 "$C1D" run --config "$CFG" --kernel "$K" --bias "$B" --input "$T/xbig.npy" --output "$d/y.npy"
    ) >"$T/stdout" 2>"$T/stderr"
    local rc=$?
    [ "$rc" -eq 1 ] || fail "write past the file size limit: exit $rc, expected 1: $(cat "$T/stderr")"
    grep -qF "$d/y.npy: write failed: File too large" "$T/stderr" || fail "EFBIG message: $(cat "$T/stderr")"
    [ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "EFBIG: not one line on stderr"
    cmp -s "$d/y.npy" "$T/y.before" || fail "a half-written run changed the existing output"
    no_temp_files "$d"

    # Success replaces the file (keeping its permissions); a new file gets 0666 & ~umask.
    chmod 600 "$d/y.npy"
    expect 0 "" "${run_ok[@]}" --output "$d/y.npy"
    cmp -s "$d/y.npy" "$T/y.before" && fail "a successful run did not replace the output"
    [ "$(stat -c %a "$d/y.npy")" = 600 ] || fail "the replaced output lost its mode: $(stat -c %a "$d/y.npy")"
    (umask 027 && exec "$C1D" "${run_ok[@]}" --output "$d/new.npy") || fail "run with umask 027 failed"
    [ "$(stat -c %a "$d/new.npy")" = 640 ] || fail "new output has mode $(stat -c %a "$d/new.npy"), expected 640"
    cmp -s "$d/y.npy" "$d/new.npy" || fail "two identical runs differ"

    # L5: the output may not be one of the inputs, by name, symbolic link or hard link.
    cp "$X" "$d/x.npy"
    cp "$CFG" "$d/c.json"
    ln -s x.npy "$d/xlink.npy"
    ln "$d/x.npy" "$d/xhard.npy"
    cp "$X" "$T/x.before"
    expect 1 "$d/x.npy: the output is the same file as the --input file $d/x.npy; refusing to overwrite an input" \
        run --config "$CFG" --kernel "$K" --bias "$B" --input "$d/x.npy" --output "$d/x.npy"
    expect 1 "the output is the same file as the --input file" \
        run --config "$CFG" --kernel "$K" --bias "$B" --input "$d/x.npy" --output "$d/xlink.npy"
    expect 1 "the output is the same file as the --input file" \
        run --config "$CFG" --kernel "$K" --bias "$B" --input "$d/xhard.npy" --output "$d/x.npy"
    expect 1 "the output is the same file as the --config file" \
        run --config "$d/c.json" --kernel "$K" --bias "$B" --input "$X" --output "$d/c.json"
    if (cd "$d" && exec "$C1D" run --config "$CFG" --kernel "$K" --bias "$B" --input x.npy --output ./x.npy) 2>"$T/stderr"; then
        fail "./x.npy was not recognised as x.npy"
    fi
    grep -qF "the output is the same file as the --input file x.npy" "$T/stderr" || fail "./x.npy: $(cat "$T/stderr")"
    expect 1 "the output is the same file as the --kernel file" \
        run --config "$CFG" --kernel "$K" --bias "$B" --input "$X" --output "$K"
    cmp -s "$d/x.npy" "$T/x.before" || fail "an input was modified"
    no_temp_files "$d"

    # With stdout closed (and stderr closed) the output still goes only where asked.
    "$C1D" "${run_ok[@]}" --output "$d/closed.npy" >&- || fail "run with stdout closed failed"
    "$C1D" run --config "$CFG" --kernel "$T/k2.npy" --bias "$B" --input "$X" --output "$d/closed2.npy" 2>&-
    [ $? -eq 1 ] || fail "failing run with stderr closed: wrong status"
    [ -e "$d/closed2.npy" ] && fail "failing run with stderr closed created the output"
    cmp -s "$d/closed.npy" "$d/y.npy" || fail "run with stdout closed wrote different data"
}

group_pipe() {
    # L4: the reader is gone before c1d writes: EPIPE, status 1, no signal.
    local rc
    (
        sleep 0.5
        exec timeout -s KILL 30 "$C1D" --help 2>"$T/stderr"
    ) | true
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 1 ] || fail "--help into a closed pipe: exit $rc, expected 1"
    grep -qF "c1d: stdout: write failed: Broken pipe" "$T/stderr" || fail "closed pipe message: $(cat "$T/stderr")"
    (
        sleep 0.5
        exec timeout -s KILL 30 "$C1D" config "$CFG" 2>"$T/stderr"
    ) | head -c 0
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 1 ] || fail "config | head -c 0: exit $rc, expected 1: $(cat "$T/stderr")"
    # Racing the reader: either the text fit in the pipe (0) or EPIPE (1); never a signal or a hang.
    timeout -s KILL 30 "$C1D" info 2>"$T/stderr" | head -c 0
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "info | head -c 0: exit $rc"
    # A closed stdout, a full device.
    timeout -s KILL 30 "$C1D" info >&- 2>"$T/stderr"
    judge $? 1 "c1d: stdout: write failed: Bad file descriptor" "info >&-"
    local args
    for args in --version --help "config $CFG" info; do
        # shellcheck disable=SC2086 # split on purpose
        timeout -s KILL 30 "$C1D" $args >/dev/full 2>"$T/stderr"
        judge $? 1 "c1d: stdout: write failed: No space left on device" "$args >/dev/full"
    done
}

group_golden() {
    local c n=0
    for c in $("$GOLDEN" list); do
        local d=$T/$c
        mkdir "$d"
        "$GOLDEN" make "$c" "$d" || {
            fail "$c: could not write the case"
            continue
        }
        local bias=()
        [ -e "$d/bias.npy" ] && bias=(--bias "$d/bias.npy")
        if expect 0 "" run --config "$d/config.json" --kernel "$d/kernel.npy" "${bias[@]}" --input "$d/input.npy" --output "$d/out.npy"; then
            "$GOLDEN" check "$c" "$d" "$d/out.npy" || fail "$c: output differs from the reference"
        fi
        n=$((n + 1))
    done
    [ "$n" -ge 10 ] || fail "only $n golden cases"
    # The BLAS thread count does not change the bits (RELIABILITY T6).
    local d=$T/exact_same_last
    expect 0 "" run --config "$d/config.json" --kernel "$d/kernel.npy" --bias "$d/bias.npy" --input "$d/input.npy" --output "$d/t1.npy" --threads 1
    expect 0 "" run --config "$d/config.json" --kernel "$d/kernel.npy" --bias "$d/bias.npy" --input "$d/input.npy" --output "$d/t2.npy" --threads 2
    cmp -s "$d/t1.npy" "$d/t2.npy" || fail "--threads 1 and --threads 2 give different outputs"
    "$GOLDEN" check exact_same_last "$d" "$d/t2.npy" >/dev/null || fail "--threads 2 output is wrong"
}

group_formats() {
    # The same values as float32, float64, big-endian, Fortran order and
    # format versions 2.0 and 3.0 (all written by numpy) give the same bits:
    # float64 is rounded to float32 first, as Keras casts its inputs.
    expect 0 "" "${run_ok[@]}" --output "$T/ref.npy"
    local f
    for f in f8 be_f4 be_f8 fortran_f4 fortran_be_f8 v2 v3; do
        expect 0 "" run --config "$CFG" --kernel "$K" --bias "$B" --input "$DATA/input_$f.npy" --output "$T/$f.npy"
        cmp -s "$T/ref.npy" "$T/$f.npy" || fail "input_$f.npy gives a different output than input_f4.npy"
    done
    # The output is a numpy-style v1.0 '<f4' file of shape (2, 9, 4).
    head -c 128 "$T/ref.npy" | grep -qF "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 9, 4), }" ||
        fail "unexpected output header: $(head -c 128 "$T/ref.npy")"
    [ "$(stat -c %s "$T/ref.npy")" -eq $((128 + 2 * 9 * 4 * 4)) ] || fail "output size $(stat -c %s "$T/ref.npy")"
}

group_config() {
    local c
    for c in $("$GOLDEN" list); do
        mkdir "$T/$c"
        if ! "$GOLDEN" make "$c" "$T/$c"; then
            fail "$c: could not write the case"
            continue
        fi
        expect 0 "" config "$T/$c/config.json" || continue
        cp "$T/stdout" "$T/$c/full.json"
        grep -qF '"filters"' "$T/$c/full.json" || fail "$c: config output lacks filters"
        grep -qF '"kernel_initializer"' "$T/$c/full.json" || fail "$c: config output lacks the defaults"
        [ "$(wc -l <"$T/$c/full.json")" -ge 1 ] || fail "$c: config output does not end with a newline"
        # The printed config reads back to itself.
        expect 0 "" config "$T/$c/full.json"
        cmp -s "$T/stdout" "$T/$c/full.json" || fail "$c: config output is not a fixed point"
    done
    expect 0 "" config "$CFG"
    grep -qE '"padding": ?"same"' "$T/stdout" || fail "config output lacks the padding: $(cat "$T/stdout")"
}

group_info() {
    expect 0 "" --version
    local version
    version=$(cat "$T/stdout")
    # The BLAS of this build (meson -Dblas) and the variable that sets its threads.
    threads_var=OPENBLAS_NUM_THREADS
    "$C1D" info | grep -qE '^BLAS: BLIS ' && threads_var=BLIS_NUM_THREADS
    export "$threads_var=1"
    expect 0 "" info
    head -n 1 "$T/stdout" | grep -qxF "$version" || fail "info's first line is not '$version'"
    grep -qE '^BLAS: (OpenBLAS|BLIS) ' "$T/stdout" || fail "info lacks the BLAS: $(cat "$T/stdout")"
    grep -qE '^BLAS core: [A-Za-z0-9_]+$' "$T/stdout" || fail "info lacks the BLAS core"
    grep -qE '^kernel ISA: (avx512|avx2|scalar)$' "$T/stdout" || fail "info lacks the kernel ISA"
    grep -qxF 'threads: 1' "$T/stdout" || fail "info does not show $threads_var=1"
    export "$threads_var=2"
    expect 0 "" info
    grep -qxF 'threads: 2' "$T/stdout" || fail "info does not show $threads_var=2"
    unset "$threads_var"
    cat "$T/stdout"
}

case $group in
usage | files | output | pipe | golden | formats | config | info) "group_$group" ;;
*)
    echo "unknown group $group" >&2
    exit 2
    ;;
esac

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s) in group $group" >&2
    exit 1
fi
echo "group $group: all checks passed"
