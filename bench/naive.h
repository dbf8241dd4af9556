/* naive.h: timing the naive reference (tests/reference.c: direct loops in
 * double precision, then the activation), the baseline of "speedup". */
#ifndef C1D_BENCH_NAIVE_H
#define C1D_BENCH_NAIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "problem.h"

typedef struct bench_naive {
    double ms;       /* per full call; estimated from a slice when scale > 1 */
    double scale;    /* full problem / timed slice (1: the full call was timed) */
    size_t runs;     /* timed calls (median taken) */
    char note[160];  /* what was timed when sliced, else "" */
} bench_naive;

/* A full call whose estimated time (from a short calibration slice) is at
 * most 2 s is timed as is, up to `repeat` times within about 1 s; a longer
 * one is timed on a slice of about 0.5 s (whole items when the batch
 * allows, else a stretch of output steps of one item) and scaled by the
 * share of outputs. Returns 0, or -1 with err (out of memory). */
int bench_naive_time(const bench_problem *p, size_t repeat, bench_naive *out, char *err, size_t err_len);

#endif
