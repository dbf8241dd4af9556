/* result.h: what the bench measured for one shape. Derived figures
 * (GFLOP/s, speedups, percentage of peak) are computed by the reports. */
#ifndef C1D_BENCH_RESULT_H
#define C1D_BENCH_RESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "path.h"
#include "peers.h"
#include "shape.h"

typedef enum bench_status {
    BENCH_OK = 0,     /* checked within tolerance and timed */
    BENCH_FAILED = 1, /* over tolerance (still timed) */
    BENCH_ERROR = 2,  /* a runtime error stopped the shape; see error */
} bench_status;

typedef struct bench_result {
    const bench_shape *shape;
    bench_status status;
    char error[512];
    double flops;           /* per call: 2 * batch * l_out * filters * kernel_size * channels / groups */
    bool checked;
    double max_error;       /* worst |got - ref| / tolerance */
    double checked_fraction;
    char check_note[160];   /* which outputs were checked */
    bool timed;
    double c1d_ms, c1d_min_ms, c1d_max_ms; /* per call: median, min and max over the measurements */
    size_t c1d_calls;       /* calls per measurement */
    bool naive_measured;
    double naive_ms;        /* per full call (scaled from a slice when naive_note says so) */
    char naive_note[160];
    bench_path path;
    size_t workspace_bytes;
    bool peers_requested;
    bench_peer peer;
    double bar_ms;          /* --bar: the reference time for this shape and thread count; 0: none */
    char bar_peer[64];      /* who set it */
} bench_result;

#endif
