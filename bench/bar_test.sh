#!/bin/sh
# bar_test.sh C1D_BENCH BAR_FILE: c1d-bench --bar prints the bar of the
# shape and thread count (and the ratio to c1d's time), and refuses a bad
# bar file with exit 2 and a message naming the line and the key.
set -u
bench=$1 bar=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

shape='name=small-latency batch=1 steps=128 channels=32 filters=32 kernel_size=3 padding=same activation=relu'
for threads in 1 2; do
    want=$([ "$threads" = 1 ] && echo 0.007 || echo 0.0041)
    "$bench" --shape "$shape" --threads "$threads" --bar "$bar" --no-naive --repeat 1 --min-time 0.01 \
        --format json >"$tmp/out" 2>"$tmp/err" || fail "threads $threads: exit $?: $(cat "$tmp/err")"
    grep -qF "\"bar_ms\":$want,\"bar_peer\":\"XNNPACK\",\"speedup_vs_bar\":" "$tmp/out" ||
        fail "threads $threads: no bar $want in $(cat "$tmp/out")"
    grep -q '"speedup_vs_bar":[0-9]' "$tmp/out" || fail "threads $threads: no ratio in $(cat "$tmp/out")"
done
# A shape the file does not list: null, not an error.
"$bench" --shape 'name=unlisted batch=1 steps=16 channels=2 filters=2 kernel_size=3' --threads 1 --bar "$bar" \
    --no-naive --repeat 1 --min-time 0.01 --format json >"$tmp/out" 2>"$tmp/err" || fail "unlisted: exit $?"
grep -qF '"bar_ms":null' "$tmp/out" || fail "unlisted: bar_ms is not null: $(cat "$tmp/out")"

printf 'name=a threads1=2\nname=b threads1=-1\n' >"$tmp/bad"
"$bench" --shape "$shape" --bar "$tmp/bad" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "bad file: exit $rc, want 2"
grep -qF "$tmp/bad:2: threads1: expected a positive time in ms, got '-1'" "$tmp/err" ||
    fail "bad file: message: $(cat "$tmp/err")"
printf 'name=a threads1=2\nname=a threads2=1\n' >"$tmp/dup"
"$bench" --shape "$shape" --bar "$tmp/dup" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF "$tmp/dup:2: name=a: given twice" "$tmp/err" || fail "duplicate name: exit $rc: $(cat "$tmp/err")"
"$bench" --shape "$shape" --bar "$tmp/missing" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -qF "$tmp/missing: No such file or directory" "$tmp/err" ||
    fail "missing file: exit $rc: $(cat "$tmp/err")"
[ "$fails" -eq 0 ] && echo "bar_test: all passed"
exit "$fails"
