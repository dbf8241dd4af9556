/* problem.c: data, layer and buffers for one shape. See problem.h. */
#include "problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void bench_fill_uniform(float *v, size_t n, uint64_t *state) {
    for (size_t i = 0; i < n; i++) {
        /* 24 random bits -> [0, 1) exactly representable, then [-1, 1). */
        float u = (float)(splitmix64(state) >> 40) * 0x1.0p-24f;
        v[i] = 2.0f * u - 1.0f;
    }
}

/* 64-byte aligned buffer of n floats (at least one, so never NULL for n = 0). */
static float *alloc_floats(size_t n) {
    size_t bytes = (n ? n : 1) * sizeof(float);
    bytes = (bytes + 63) / 64 * 64;
    return aligned_alloc(64, bytes);
}

int bench_problem_layer(const bench_problem *p, c1d_activation activation, c1d_conv **conv, char *err,
                        size_t err_len) {
    c1d_config cfg = p->cfg;
    cfg.activation = activation;
    c1d_conv *c = NULL;
    if (c1d_conv_create(&cfg, p->c_in, &c) != C1D_OK || c1d_conv_set_threads(c, p->threads) != C1D_OK ||
        c1d_conv_set_kernel(c, p->w, cfg.kernel_size, p->c_in_g, cfg.filters) != C1D_OK ||
        (cfg.use_bias && c1d_conv_set_bias(c, p->b, cfg.filters) != C1D_OK)) {
        fail(err, err_len, "%s: c1d: %s", p->shape->name, c1d_last_error());
        c1d_conv_destroy(c);
        return -1;
    }
    *conv = c;
    return 0;
}

int bench_problem_create(bench_problem *p, const bench_shape *shape, uint64_t seed, size_t threads, char *err,
                         size_t err_len) {
    memset(p, 0, sizeof *p);
    p->threads = threads;
    p->shape = shape;
    p->cfg = shape->cfg;
    p->batch = shape->batch;
    p->steps = shape->steps;
    p->c_in = shape->channels;
    p->c_in_g = p->c_in / p->cfg.groups;
    p->f_g = p->cfg.filters / p->cfg.groups;
    if (!ref_output_length(&p->cfg, p->steps, &p->l_out, &p->pad_l))
        return fail(err, err_len, "%s: steps=%zu is shorter than the dilated kernel", shape->name, p->steps);
    /* The padded input covers (l_out - 1) * strides + k_eff steps; what the
     * left pad and the input do not cover is the right pad. */
    const size_t k_eff = p->cfg.dilation_rate * (p->cfg.kernel_size - 1) + 1;
    const size_t covered = (p->l_out - 1) * p->cfg.strides + k_eff;
    p->pad_r = covered > p->pad_l + p->steps ? covered - p->pad_l - p->steps : 0;
    p->in_floats = p->batch * p->steps * p->c_in;
    p->lin_floats = p->batch * p->l_out * p->cfg.filters;
    p->w_floats = p->cfg.kernel_size * p->c_in_g * p->cfg.filters;
    p->flops = 2.0 * (double)p->batch * (double)p->l_out * (double)p->cfg.filters *
               (double)p->cfg.kernel_size * (double)p->c_in_g;

    p->x = alloc_floats(p->in_floats);
    p->w = alloc_floats(p->w_floats);
    p->b = p->cfg.use_bias ? alloc_floats(p->cfg.filters) : NULL;
    if (!p->x || !p->w || (p->cfg.use_bias && !p->b)) {
        bench_problem_destroy(p);
        return fail(err, err_len, "%s: out of memory for the input and weights", shape->name);
    }
    uint64_t state = seed;
    bench_fill_uniform(p->x, p->in_floats, &state);
    bench_fill_uniform(p->w, p->w_floats, &state);
    if (p->b) bench_fill_uniform(p->b, p->cfg.filters, &state);

    size_t out_shape[3];
    if (bench_problem_layer(p, p->cfg.activation, &p->conv, err, err_len) ||
        c1d_conv_output_shape(p->conv, p->batch, p->steps, out_shape) != C1D_OK ||
        c1d_conv_workspace_size(p->conv, p->batch, p->steps, &p->workspace_bytes) != C1D_OK) {
        if (p->conv) fail(err, err_len, "%s: c1d: %s", shape->name, c1d_last_error());
        bench_problem_destroy(p);
        return -1;
    }
    p->out_floats = out_shape[0] * out_shape[1] * out_shape[2];
    p->y = alloc_floats(p->out_floats);
    p->workspace = p->workspace_bytes ? aligned_alloc(64, (p->workspace_bytes + 63) / 64 * 64) : NULL;
    if (!p->y || (p->workspace_bytes && !p->workspace)) {
        bench_problem_destroy(p);
        return fail(err, err_len, "%s: out of memory for the output and workspace", shape->name);
    }
    return 0;
}

void bench_problem_destroy(bench_problem *p) {
    c1d_conv_destroy(p->conv);
    free(p->x);
    free(p->w);
    free(p->b);
    free(p->y);
    free(p->workspace);
    memset(p, 0, sizeof *p);
}
