/* problem.h: one shape made concrete: seeded random data, the c1d layer,
 * its output buffer and its caller-owned workspace. */
#ifndef C1D_BENCH_PROBLEM_H
#define C1D_BENCH_PROBLEM_H

#include <stddef.h>
#include <stdint.h>

#include "c1d.h"
#include "shape.h"

typedef struct bench_problem {
    const bench_shape *shape;
    c1d_config cfg;      /* shape->cfg */
    size_t batch, steps, c_in;
    size_t c_in_g, f_g;  /* channels and filters per group */
    size_t l_out, pad_l; /* Keras output length and left pad (the reference's) */
    size_t pad_r;        /* right pad implied by pad_l and l_out (0 for valid and causal) */
    size_t in_floats;    /* batch * steps * c_in */
    size_t out_floats;   /* as c1d_conv_output_shape (glu halves the last axis) */
    size_t lin_floats;   /* batch * l_out * filters: the pre-activation output */
    size_t w_floats;     /* kernel_size * c_in_g * filters */
    double flops;        /* 2 * batch * l_out * filters * kernel_size * c_in_g */
    float *x;            /* input, Keras layout per data_format */
    float *w;            /* kernel [kernel_size][c_in_g][filters] */
    float *b;            /* bias [filters]; NULL without use_bias */
    float *y;            /* c1d's output, out_floats */
    size_t threads;      /* c1d_conv_set_threads for every layer of the problem */
    c1d_conv *conv;
    void *workspace;
    size_t workspace_bytes;
} bench_problem;

/* Fills x, w and b uniformly in [-1, 1] from `seed`, creates the layer and
 * allocates the output and the workspace (sized by c1d_conv_workspace_size,
 * allocated once). Returns 0, or -1 with a message in err. */
int bench_problem_create(bench_problem *p, const bench_shape *shape, uint64_t seed, size_t threads, char *err,
                         size_t err_len);
void bench_problem_destroy(bench_problem *p);

/* Creates a second layer with the same weights and `activation` (the bench
 * uses it for c1d's own pre-activation output). Returns 0 or -1 with err. */
int bench_problem_layer(const bench_problem *p, c1d_activation activation, c1d_conv **conv, char *err,
                        size_t err_len);

/* Uniform floats in [-1, 1] from a splitmix64 stream (state advanced). */
void bench_fill_uniform(float *v, size_t n, uint64_t *state);

#endif
