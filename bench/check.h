/* check.h: the correctness check that runs before a shape is timed.
 *
 * The naive reference (tests/reference.c, double precision) is computed on
 * a set of windows of the output, [item][t0, t1) each: every output when
 * that fits the budget, otherwise a few whole items, or the first and last
 * item's first, middle and last stretch of output steps (where padding
 * and tiling edges are). A window is computed exactly as the full problem
 * would compute it: the input steps it reads, with the padding written out
 * as zeros, form a `valid` sub-problem whose output is that window. */
#ifndef C1D_BENCH_CHECK_H
#define C1D_BENCH_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "problem.h"

typedef struct bench_window {
    size_t item, t0, t1; /* output steps [t0, t1) of batch item `item` */
} bench_window;

typedef struct bench_reference {
    bench_window *windows;
    size_t count;
    size_t *offset;      /* windows[i]'s values start at z + offset[i] */
    double *z, *mag;     /* per window (t1 - t0) * filters values: [t][f] channels_last, [f][t] first */
    size_t *items;       /* the distinct items the windows cover, ascending */
    size_t item_count;
    bool full;           /* every output is covered */
    double fraction;     /* covered outputs / all outputs */
    char note[160];      /* what was covered, for the report */
} bench_reference;

/* The input of a window's `valid` sub-problem: one item's input steps
 * [t0 * strides - pad_l, ...) in Keras layout, l_sub steps, out-of-range
 * steps as zeros; *sub is the problem's config with padding `valid`. The
 * reference on it gives exactly the window's outputs. NULL if out of
 * memory; free() the result. */
float *bench_window_input(const bench_problem *p, const bench_window *win, c1d_config *sub, size_t *l_sub);

/* Chooses the windows within the budget (about 1e8 multiply-adds and 4e6
 * outputs) and computes the reference on them. Returns 0 or -1 with err. */
int bench_reference_build(bench_reference *ref, const bench_problem *p, char *err, size_t err_len);
void bench_reference_free(bench_reference *ref);

/* Worst error, as a fraction of the tolerance, of `got` (a whole output of
 * the problem in Keras layout: the pre-activation when `act` is linear,
 * else activation `act`, elementwise) over the reference's windows. */
double bench_check_elementwise(const bench_reference *ref, const bench_problem *p, c1d_activation act,
                               const float *got);

/* For the axis-wise activations: checks `got_z` (c1d's pre-activation
 * output, lin_floats, from a linear twin of the layer) against the
 * reference, then `got_y` (the activated output, out_floats) against the
 * reference activation applied to got_z, on the covered items, allowing
 * for c1d's activated call summing its pre-activation in another order
 * (see bench_tol_axis). *worst is the larger of the two. Returns 0 or -1
 * with err (out of memory). */
int bench_check_axiswise(const bench_reference *ref, const bench_problem *p, const float *got_z,
                         const float *got_y, double *worst, char *err, size_t err_len);

#endif
