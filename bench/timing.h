/* timing.h: the clock and the measurement loop. */
#ifndef C1D_BENCH_TIMING_H
#define C1D_BENCH_TIMING_H

#include <stdbool.h>
#include <stddef.h>

/* Monotonic time in seconds. */
double bench_now(void);

/* One call of the code under test; returns 0 on success. */
typedef int (*bench_call)(void *ctx);

typedef struct bench_timing {
    double median_s, min_s, max_s; /* per call, over the measurements */
    size_t calls;                  /* calls in the last measurement */
    size_t repeat;                 /* measurements taken */
} bench_timing;

/* With warm_up, first calls until at least two have run and min_time / 2
 * has passed (caches, page faults, thread pools). Then `repeat`
 * measurements, each of back-to-back calls until at least min_time has
 * passed (one call when min_time is 0); each gives elapsed / calls. Stops at
 * the first failing call and returns -1; 0 otherwise. */
int bench_time_calls(bench_call call, void *ctx, size_t repeat, double min_time, bool warm_up,
                     bench_timing *out);

/* Median of v[0 .. n) (n >= 1); sorts v. */
double bench_median(double *v, size_t n);

/* Sleeps `seconds`, so that thread pools of another library that spin after
 * their last job (OpenBLAS for up to ~0.1 s, OpenMP briefly) go idle before
 * the next measurement. */
void bench_settle(double seconds);

#endif
