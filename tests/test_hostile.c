/* test_hostile.c: the C API rows C1-C18 of RELIABILITY.md ("Hostile and
 * edge inputs"), one test per row, each on every path that can compute the
 * layer (c1d_conv_set_path). Every refusal checks its status, that the
 * message names the argument, and that nothing was written: the layer
 * pointer keeps its sentinel and a canary-filled output stays intact.
 * tests/RELIABILITY_COVERAGE.md maps every row of every table to its tests;
 * the rows other suites already cover in depth (test_config, test_conv,
 * test_forward) are repeated here only where a case was missing. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define HAVE_MXCSR 1
#endif

#include "reference.h"
#include "test_util.h"

/* A layer pointer a failing create must leave alone. */
static char sentinel_target;
#define SENTINEL ((c1d_conv *)(void *)&sentinel_target)

static float *floats(size_t n) {
    float *p = malloc((n ? n : 1) * sizeof(float));
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Every path, from C1D_PATH_IM2COL_GEMM on, as long as c1d names it. */
#define FOR_EACH_PATH(p) for (c1d_path p = C1D_PATH_IM2COL_GEMM; c1d_path_name(p); p = (c1d_path)(p + 1))

/* A created layer with its weights set, on a forced path; NULL when the
 * path cannot compute the layer. */
static c1d_conv *make_conv(const c1d_config *cfg, size_t c_in, const float *w, const float *b, c1d_path path) {
    c1d_conv *conv = NULL;
    ck_assert_msg(c1d_conv_create(cfg, c_in, &conv) == C1D_OK, "create: %s", c1d_last_error());
    if (c1d_conv_set_path(conv, path) != C1D_OK) {
        ck_assert_int_eq(c1d_conv_set_path(conv, path), C1D_UNSUPPORTED);
        c1d_conv_destroy(conv);
        return NULL;
    }
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, cfg->kernel_size, c_in / cfg->groups, cfg->filters), C1D_OK);
    if (cfg->use_bias && b) ck_assert_int_eq(c1d_conv_set_bias(conv, b, cfg->filters), C1D_OK);
    return conv;
}

/* Runs a layer on a path into a canary-guarded buffer; NULL when the path
 * cannot compute it. *n_out gets the element count. */
static float *run_path(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, const float *x, const float *w,
                       const float *b, c1d_path path, size_t *n_out) {
    c1d_conv *conv = make_conv(cfg, c_in, w, b, path);
    if (!conv) return NULL;
    size_t shape[3];
    ck_assert_msg(c1d_conv_output_shape(conv, batch, steps, shape) == C1D_OK, "%s", c1d_last_error());
    *n_out = shape[0] * shape[1] * shape[2];
    float *y = tu_canary_alloc(*n_out);
    ck_assert_msg(c1d_conv_forward(conv, batch, steps, x, y, NULL, 0) == C1D_OK, "path %s: %s", c1d_path_name(path),
                  c1d_last_error());
    ck_assert_msg(tu_guard_intact(y, *n_out), "path %s wrote past the output", c1d_path_name(path));
    c1d_conv_destroy(conv);
    return y;
}

/* A small valid layer (8 filters, kernel 3, 4 channels) and buffers for the status rows. */
typedef struct fixture {
    c1d_config cfg;
    c1d_conv *conv;
    float *x, *y;
    size_t n_out;
} fixture;

enum { FX_C_IN = 4, FX_BATCH = 2, FX_STEPS = 10 };

static fixture make_fixture(c1d_padding padding) {
    fixture fx = {c1d_config_default(8, 3), NULL, NULL, NULL, 0};
    fx.cfg.padding = padding;
    uint64_t seed = 11;
    float w[3 * FX_C_IN * 8];
    tu_fill_uniform(w, sizeof w / sizeof *w, &seed, -1, 1);
    fx.conv = make_conv(&fx.cfg, FX_C_IN, w, NULL, C1D_PATH_IM2COL_GEMM);
    size_t shape[3];
    ck_assert_int_eq(c1d_conv_output_shape(fx.conv, FX_BATCH, FX_STEPS, shape), C1D_OK);
    fx.n_out = shape[0] * shape[1] * shape[2];
    fx.x = floats(FX_BATCH * FX_STEPS * FX_C_IN + 64);
    tu_fill_uniform(fx.x, FX_BATCH * FX_STEPS * FX_C_IN + 64, &seed, -1, 1);
    fx.y = tu_canary_alloc(fx.n_out);
    return fx;
}

static void free_fixture(fixture *fx) {
    c1d_conv_destroy(fx->conv);
    free(fx->x);
    free(fx->y);
}

/* ---- C1, C2, C3: zero, "negative" (wrapped) and huge parameters ---- */

/* C1: each of filters, kernel_size, strides, dilation_rate, groups = 0 alone. */
START_TEST(c1_zero_fields) {
    static const char *const names[] = {"filters", "kernel_size", "strides", "dilation_rate", "groups"};
    for (size_t i = 0; i < 5; i++) {
        c1d_config cfg = c1d_config_default(8, 3);
        size_t *field[] = {&cfg.filters, &cfg.kernel_size, &cfg.strides, &cfg.dilation_rate, &cfg.groups};
        *field[i] = 0;
        c1d_conv *conv = SENTINEL;
        ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, names[i]);
        ck_assert_msg(strstr(c1d_last_error(), "=0") != NULL, "%s: value not shown: %s", names[i], c1d_last_error());
        ck_assert_ptr_eq(conv, SENTINEL);
        ASSERT_FAILS(c1d_config_validate(&cfg), C1D_INVALID_ARG, names[i]);
    }
}
END_TEST

/* C2: the API is unsigned, so a negative int arrives as a huge size
 * ((size_t)-3): refused, never wrapped back to a small value. A huge
 * stride alone is legal (one output step, checked in c3). */
START_TEST(c2_negative_values_wrap_to_huge) {
    const size_t minus3 = (size_t)-3, minus1 = (size_t)-1;
    c1d_config cfg = c1d_config_default(minus3, 3);
    c1d_conv *conv = SENTINEL;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_TOO_LARGE, "filters");
    cfg = c1d_config_default(8, minus3);
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_TOO_LARGE, "kernel_size");
    cfg = c1d_config_default(8, 3);
    cfg.dilation_rate = minus1;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_TOO_LARGE, "dilation_rate");
    cfg = c1d_config_default(8, 3);
    cfg.groups = minus1;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "groups");
    cfg = c1d_config_default(8, 3);
    ASSERT_FAILS(c1d_conv_create(&cfg, minus3, &conv), C1D_TOO_LARGE, "kernel_size");
    ck_assert_ptr_eq(conv, SENTINEL);
}
END_TEST

/* C3: strides, dilation_rate, kernel_size = 2^31, 2^32, 2^63 - 1. The
 * kernel sizes are refused (the GEMM reduction must fit a BLAS int); huge
 * strides and dilations are legal and computed exactly: with integer data
 * the output equals the taps that stay inside the input (worked out by
 * hand, since the reference's long long arithmetic would overflow). */
START_TEST(c3_huge_strides_dilations_kernels) {
    const size_t huge[] = {(size_t)1 << 31, (size_t)1 << 32, ((size_t)1 << 63) - 1};
    enum { L = 5, C = 2, F = 3 };
    uint64_t seed = 5;
    float x[L * C], w[3 * C * F], b[F];
    tu_fill_int(x, L * C, &seed, -4, 4);
    tu_fill_int(w, 3 * C * F, &seed, -4, 4);
    tu_fill_int(b, F, &seed, -8, 8);
    for (size_t h = 0; h < 3; h++) {
        c1d_config cfg = c1d_config_default(F, huge[h]);
        c1d_conv *conv = SENTINEL;
        ASSERT_FAILS(c1d_conv_create(&cfg, C, &conv), C1D_TOO_LARGE, "BLAS int");
        ck_assert_ptr_eq(conv, SENTINEL);

        for (int mode = 0; mode < 4; mode++) {
            /* 0: stride, valid; 1: stride, same; 2: dilation, causal; 3: dilation, same */
            cfg = c1d_config_default(F, 3);
            cfg.padding = mode == 0 ? C1D_PADDING_VALID : mode == 2 ? C1D_PADDING_CAUSAL : C1D_PADDING_SAME;
            if (mode < 2)
                cfg.strides = huge[h];
            else
                cfg.dilation_rate = huge[h];
            FOR_EACH_PATH(path) {
                c1d_conv *lay = make_conv(&cfg, C, w, b, path);
                if (!lay) continue;
                size_t shape[3];
                c1d_status st = c1d_conv_output_shape(lay, 1, L, shape);
                if (st != C1D_OK) {
                    /* Only causal/same padding of 2 * (2^63 - 1) steps overflows. */
                    ck_assert_msg(h == 2 && mode >= 2 && st == C1D_TOO_LARGE, "%zu, mode %d: %s", huge[h], mode,
                                  c1d_last_error());
                    float *y = tu_canary_alloc(L * F);
                    ck_assert_int_eq(c1d_conv_forward(lay, 1, L, x, y, NULL, 0), C1D_TOO_LARGE);
                    ck_assert(tu_canary_intact(y, L * F));
                    free(y);
                    c1d_conv_destroy(lay);
                    continue;
                }
                /* Strides: one output step reading x[0..2] (same pads nothing: 3 <= L).
                 * Dilation: only one tap reads the input, the others fall in the
                 * padding: the last tap at t (causal), the middle one at t (same,
                 * whose pad_l is d). */
                const size_t steps_out = mode < 2 ? 1 : L;
                ck_assert(shape[0] == 1 && shape[1] == steps_out && shape[2] == F);
                float *y = tu_canary_alloc(steps_out * F);
                ck_assert_msg(c1d_conv_forward(lay, 1, L, x, y, NULL, 0) == C1D_OK, "%s", c1d_last_error());
                ck_assert(tu_guard_intact(y, steps_out * F));
                for (size_t t = 0; t < steps_out; t++)
                    for (size_t f = 0; f < F; f++) {
                        double want = b[f];
                        for (size_t k = 0; k < 3; k++) {
                            if (mode >= 2 && k != (mode == 2 ? 2u : 1u)) continue; /* a tap in the padding */
                            const size_t pos = mode < 2 ? k : t;
                            for (size_t c = 0; c < C; c++)
                                want += (double)x[pos * C + c] * (double)w[(k * C + c) * F + f];
                        }
                        ck_assert_msg(y[t * F + f] == (float)want, "%zu, mode %d, path %s, t=%zu f=%zu: got %g, want %g",
                                      huge[h], mode, c1d_path_name(path), t, f, (double)y[t * F + f], want);
                    }
                free(y);
                c1d_conv_destroy(lay);
            }
        }
    }
}
END_TEST

/* ---- C4, C5: Keras's combination rules ---- */

START_TEST(c4_strides_with_dilation) {
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.strides = 2;
    cfg.dilation_rate = 3;
    c1d_conv *conv = SENTINEL;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "strides=(2,) and dilation_rate=(3,)");
    ck_assert_ptr_eq(conv, SENTINEL);
}
END_TEST

START_TEST(c5_groups_must_divide) {
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.groups = 2;
    c1d_conv *conv = SENTINEL;
    ASSERT_FAILS(c1d_conv_create(&cfg, 5, &conv), C1D_INVALID_ARG, "groups=2, but the input has 5 channels");
    cfg = c1d_config_default(9, 3);
    cfg.groups = 2;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "groups=2, filters=9");
    ck_assert_ptr_eq(conv, SENTINEL);
}
END_TEST

/* ---- C6, C7: short and empty inputs ---- */

START_TEST(c6_valid_input_too_short) {
    fixture fx = make_fixture(C1D_PADDING_VALID);
    ASSERT_FAILS(c1d_conv_forward(fx.conv, 1, 2, fx.x, fx.y, NULL, 0), C1D_INVALID_ARG, "zero or negative");
    size_t shape[3] = {7, 7, 7}, ws = 7;
    ASSERT_FAILS(c1d_conv_output_shape(fx.conv, 1, 2, shape), C1D_INVALID_ARG, "zero or negative");
    ASSERT_FAILS(c1d_conv_workspace_size(fx.conv, 1, 2, &ws), C1D_INVALID_ARG, "zero or negative");
    ck_assert(shape[0] == 7 && shape[1] == 7 && shape[2] == 7 && ws == 7);
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    /* L == the kernel extent is the shortest legal input. */
    ck_assert_int_eq(c1d_conv_forward(fx.conv, 1, 3, fx.x, fx.y, NULL, 0), C1D_OK);
    ck_assert(tu_guard_intact(fx.y, 8));
    free_fixture(&fx);
}
END_TEST

/* C7: L = 0 (same, causal: an empty output; valid: refused), batch = 0
 * (empty output), in_channels = 0 (refused); nothing written, no FPE. */
START_TEST(c7_empty_inputs) {
    for (int p = 0; p < 3; p++) {
        fixture fx = make_fixture((c1d_padding)p);
        size_t shape[3], ws = 7;
        if (p == C1D_PADDING_VALID) {
            ASSERT_FAILS(c1d_conv_forward(fx.conv, 2, 0, fx.x, fx.y, NULL, 0), C1D_INVALID_ARG, "steps=0");
        } else {
            ck_assert_int_eq(c1d_conv_output_shape(fx.conv, 2, 0, shape), C1D_OK);
            ck_assert(shape[0] == 2 && shape[1] == 0 && shape[2] == 8);
            ck_assert_int_eq(c1d_conv_workspace_size(fx.conv, 2, 0, &ws), C1D_OK);
            ck_assert_uint_eq(ws, 0);
            ck_assert_int_eq(c1d_conv_forward(fx.conv, 2, 0, fx.x, fx.y, NULL, 0), C1D_OK);
            ck_assert_int_eq(c1d_conv_forward(fx.conv, 2, 0, NULL, NULL, NULL, 0), C1D_OK);
        }
        ck_assert_int_eq(c1d_conv_output_shape(fx.conv, 0, FX_STEPS, shape), C1D_OK);
        ck_assert(shape[0] == 0 && shape[2] == 8);
        ck_assert_int_eq(c1d_conv_forward(fx.conv, 0, FX_STEPS, fx.x, fx.y, NULL, 0), C1D_OK);
        ck_assert_int_eq(c1d_conv_forward(fx.conv, 0, FX_STEPS, NULL, NULL, NULL, 0), C1D_OK);
        ck_assert(tu_canary_intact(fx.y, fx.n_out));
        free_fixture(&fx);
    }
    c1d_config cfg = c1d_config_default(8, 3);
    c1d_conv *conv = SENTINEL;
    ASSERT_FAILS(c1d_conv_create(&cfg, 0, &conv), C1D_INVALID_ARG, "in_channels");
    ck_assert_ptr_eq(conv, SENTINEL);
}
END_TEST

/* ---- C8, C9: sizes that overflow or exceed the caps ---- */

/* C8: the dilated extent overflows at create; steps + padding overflow per
 * call; both before anything is read or written. */
START_TEST(c8_extent_and_padding_overflow) {
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.dilation_rate = SIZE_MAX / 2 + 1;
    c1d_conv *conv = SENTINEL;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_TOO_LARGE, "overflows");
    ck_assert_ptr_eq(conv, SENTINEL);
    for (int p = 0; p < 3; p++) {
        fixture fx = make_fixture((c1d_padding)p);
        /* The input pointer is far too short: the call must fail before reading it. */
        ck_assert_int_eq(c1d_conv_forward(fx.conv, 1, SIZE_MAX - 1, fx.x, fx.y, NULL, 0), C1D_TOO_LARGE);
        ck_assert_int_eq(c1d_conv_forward(fx.conv, SIZE_MAX / 3, 5, fx.x, fx.y, NULL, 0), C1D_TOO_LARGE);
        ck_assert_ptr_nonnull(strstr(c1d_last_error(), "overflows"));
        ck_assert(tu_canary_intact(fx.y, fx.n_out));
        free_fixture(&fx);
    }
}
END_TEST

/* C9: a workspace above the cap is refused without allocating (sparsemax
 * under channels_first sorts the whole time axis); channels_first cannot
 * pass more than INT_MAX output steps to the BLAS; channels_last chunks the
 * output steps into tiles, so every GEMM dimension stays small: a layer
 * whose tile holds few rows, computed over many tiles, equals the reference. */
START_TEST(c9_workspace_cap_blas_int_and_tiles) {
    c1d_config cfg = c1d_config_default(4, 1);
    cfg.data_format = C1D_CHANNELS_FIRST;
    cfg.activation = C1D_ACTIVATION_SPARSEMAX;
    cfg.padding = C1D_PADDING_SAME;
    float w[4] = {1, 2, 3, 4}, x[8] = {0}, y[TU_GUARD];
    c1d_conv *conv = make_conv(&cfg, 1, w, NULL, C1D_PATH_IM2COL_GEMM);
    size_t ws = 7;
    const size_t steps = (size_t)1 << 29; /* 2 GiB of sort buffer */
    ASSERT_FAILS(c1d_conv_workspace_size(conv, 1, steps, &ws), C1D_TOO_LARGE, "cap");
    ck_assert_uint_eq(ws, 7);
    memset(y, 0x5a, sizeof y);
    ASSERT_FAILS(c1d_conv_forward(conv, 1, steps, x, y, NULL, 0), C1D_TOO_LARGE, "cap");
    cfg.activation = C1D_ACTIVATION_LINEAR;
    c1d_conv_destroy(conv);
    conv = make_conv(&cfg, 1, w, NULL, C1D_PATH_IM2COL_GEMM);
    ASSERT_FAILS(c1d_conv_forward(conv, 1, (size_t)1 << 31, x, y, NULL, 0), C1D_TOO_LARGE, "BLAS int");
    for (size_t i = 0; i < TU_GUARD; i++) {
        uint32_t bits;
        memcpy(&bits, y + i, sizeof bits);
        ck_assert_uint_eq(bits, 0x5a5a5a5au);
    }
    c1d_conv_destroy(conv);

    /* kernel_size * in_channels = 9216 floats per im2col row: a 2 MiB tile
     * holds 56 rows, so 200 output steps take 4 tiles. */
    cfg = c1d_config_default(4, 9);
    cfg.padding = C1D_PADDING_SAME;
    enum { C = 1024, L = 200 };
    uint64_t seed = 9;
    float *xs = floats(L * C), *ws_ = floats(9 * C * 4), b[4];
    tu_fill_int(xs, L * C, &seed, -4, 4);
    tu_fill_int(ws_, 9 * C * 4, &seed, -4, 4);
    tu_fill_int(b, 4, &seed, -8, 8);
    double *z = malloc(L * 4 * sizeof *z);
    ref_conv1d(&cfg, C, 1, L, xs, ws_, b, z, NULL);
    FOR_EACH_PATH(path) {
        size_t n_out;
        float *out = run_path(&cfg, C, 1, L, xs, ws_, b, path, &n_out);
        if (!out) continue;
        ck_assert_uint_eq(n_out, L * 4);
        for (size_t i = 0; i < n_out; i++)
            ck_assert_msg(out[i] == (float)z[i], "path %s, element %zu: %g vs %g", c1d_path_name(path), i,
                          (double)out[i], z[i]);
        free(out);
    }
    free(z);
    free(xs);
    free(ws_);
}
END_TEST

/* ---- C10-C15: pointers, shapes, capacities, aliasing, alignment, enums ---- */

/* C10: NULL arrays with non-zero sizes; NULL bias; NULL with zero sizes is
 * allowed (documented in c1d_conv_forward). */
START_TEST(c10_null_pointers) {
    fixture fx = make_fixture(C1D_PADDING_SAME);
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, NULL, fx.y, NULL, 0), C1D_INVALID_ARG, "input");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, NULL, NULL, 0), C1D_INVALID_ARG, "output");
    ASSERT_FAILS(c1d_conv_forward(NULL, FX_BATCH, FX_STEPS, fx.x, fx.y, NULL, 0), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_set_kernel(fx.conv, NULL, 3, FX_C_IN, 8), C1D_INVALID_ARG, "kernel");
    ASSERT_FAILS(c1d_conv_set_bias(fx.conv, NULL, 8), C1D_INVALID_ARG, "bias");
    ASSERT_FAILS(c1d_conv_output_shape(fx.conv, 1, 4, NULL), C1D_INVALID_ARG, "shape");
    ASSERT_FAILS(c1d_conv_workspace_size(fx.conv, 1, 4, NULL), C1D_INVALID_ARG, "bytes");
    ASSERT_FAILS(c1d_conv_create(&fx.cfg, 4, NULL), C1D_INVALID_ARG, "conv");
    c1d_conv *conv = SENTINEL;
    ASSERT_FAILS(c1d_conv_create(NULL, 4, &conv), C1D_INVALID_ARG, "config");
    ck_assert_ptr_eq(conv, SENTINEL);
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    /* The layer still works after all of that. */
    ck_assert_int_eq(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, fx.y, NULL, 0), C1D_OK);
    ck_assert(tu_guard_intact(fx.y, fx.n_out));
    free_fixture(&fx);
}
END_TEST

/* C11: kernel and bias arrays whose declared shape is not the layer's. */
START_TEST(c11_weight_shapes) {
    fixture fx = make_fixture(C1D_PADDING_SAME);
    float w[3 * FX_C_IN * 8 + 8] = {0};
    ASSERT_FAILS(c1d_conv_set_kernel(fx.conv, w, 2, FX_C_IN, 8), C1D_SHAPE_MISMATCH, "(3, 4, 8), got (2, 4, 8)");
    ASSERT_FAILS(c1d_conv_set_kernel(fx.conv, w, 8, FX_C_IN, 3), C1D_SHAPE_MISMATCH, "got (8, 4, 3)");
    ASSERT_FAILS(c1d_conv_set_kernel(fx.conv, w, 3, FX_C_IN + 1, 8), C1D_SHAPE_MISMATCH, "kernel");
    ASSERT_FAILS(c1d_conv_set_bias(fx.conv, w, 7), C1D_SHAPE_MISMATCH, "bias: expected shape (8,), got (7,)");
    const size_t rank4[4] = {3, FX_C_IN, 8, 1}, bias2[2] = {8, 1};
    ASSERT_FAILS(c1d_conv_set_weight(fx.conv, 0, w, 4, rank4), C1D_SHAPE_MISMATCH, "kernel");
    ASSERT_FAILS(c1d_conv_set_weight(fx.conv, 1, w, 2, bias2), C1D_SHAPE_MISMATCH, "bias");
    /* The layer computes with its original kernel: same output as before. */
    float *before = floats(fx.n_out);
    ck_assert_int_eq(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, fx.y, NULL, 0), C1D_OK);
    memcpy(before, fx.y, fx.n_out * sizeof(float));
    ck_assert_int_eq(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, fx.y, NULL, 0), C1D_OK);
    ck_assert_mem_eq(before, fx.y, fx.n_out * sizeof(float));
    c1d_config nb = c1d_config_default(8, 3);
    nb.use_bias = false;
    c1d_conv *conv;
    ck_assert_int_eq(c1d_conv_create(&nb, 4, &conv), C1D_OK);
    ASSERT_FAILS(c1d_conv_set_bias(conv, w, 8), C1D_INVALID_ARG, "use_bias=false");
    c1d_conv_destroy(conv);
    free(before);
    free_fixture(&fx);
}
END_TEST

/* C12: c1d_conv_forward takes no output capacity (the caller sizes it with
 * c1d_conv_output_shape); the calls that do take one refuse a short
 * buffer without writing: get_weight, save_variables, and the workspace. */
START_TEST(c12_capacities) {
    fixture fx = make_fixture(C1D_PADDING_SAME);
    const size_t kn = 3 * FX_C_IN * 8;
    float *buf = tu_canary_alloc(kn);
    ASSERT_FAILS(c1d_conv_get_weight(fx.conv, 0, buf, kn - 1), C1D_INVALID_ARG, "size");
    ASSERT_FAILS(c1d_conv_get_weight(fx.conv, 1, buf, 7), C1D_INVALID_ARG, "size");
    float *bias = tu_canary_alloc(8);
    ASSERT_FAILS(c1d_conv_save_variables(fx.conv, buf, kn - 1, bias, 8), C1D_INVALID_ARG, "kernel");
    ASSERT_FAILS(c1d_conv_save_variables(fx.conv, buf, kn, bias, 7), C1D_INVALID_ARG, "bias");
    ck_assert(tu_canary_intact(buf, kn));
    ck_assert(tu_canary_intact(bias, 8));
    size_t ws;
    ck_assert_int_eq(c1d_conv_workspace_size(fx.conv, FX_BATCH, FX_STEPS, &ws), C1D_OK);
    unsigned char *wsb = malloc(ws);
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, fx.y, wsb, ws - 1), C1D_INVALID_ARG,
                 "workspace_bytes");
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    ck_assert_int_eq(c1d_conv_get_weight(fx.conv, 0, buf, kn), C1D_OK);
    ck_assert(tu_guard_intact(buf, kn));
    free(wsb);
    free(buf);
    free(bias);
    free_fixture(&fx);
}
END_TEST

/* C13: [p, p + bytes) overlap of the output with the input or the
 * workspace, and of the input with the workspace, is C1D_ALIAS; buffers
 * that only touch are fine. */
START_TEST(c13_aliasing) {
    fixture fx = make_fixture(C1D_PADDING_SAME);
    const size_t n_in = FX_BATCH * FX_STEPS * FX_C_IN;
    size_t ws;
    ck_assert_int_eq(c1d_conv_workspace_size(fx.conv, FX_BATCH, FX_STEPS, &ws), C1D_OK);
    /* One arena: [input][output][workspace] with every overlap reachable. */
    const size_t ws_floats = ws / sizeof(float) + 1, total = n_in + fx.n_out + ws_floats + 64;
    float *arena = tu_canary_alloc(total);
    float *in = arena + 16;
    memcpy(in, fx.x, n_in * sizeof(float));
    float *saved = floats(total + TU_GUARD);
    memcpy(saved, arena, (total + TU_GUARD) * sizeof(float));
    /* In place, and shifted by one element either way. */
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, in, NULL, 0), C1D_ALIAS, "overlaps");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, in + 1, NULL, 0), C1D_ALIAS, "overlaps");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, in - 1, NULL, 0), C1D_ALIAS, "overlaps");
    /* The output's last element on the input's first. */
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, in - fx.n_out + 1, NULL, 0), C1D_ALIAS,
                 "overlaps");
    /* The output's first element on the input's last. */
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, in + n_in - 1, NULL, 0), C1D_ALIAS, "overlaps");
    float *out = in + n_in, *wsp = out + fx.n_out;
    /* The workspace on the output, or on the input. */
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, out, out + fx.n_out - 1, ws), C1D_ALIAS,
                 "workspace");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, out, in + n_in - 1, ws), C1D_ALIAS,
                 "workspace");
    ck_assert_mem_eq(arena, saved, (total + TU_GUARD) * sizeof(float));
    /* Adjacent buffers do not overlap: [input][output][workspace] works. */
    ck_assert_int_eq(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in, out, wsp, ws), C1D_OK);
    ck_assert_int_eq(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, fx.y, NULL, 0), C1D_OK);
    ck_assert_mem_eq(out, fx.y, fx.n_out * sizeof(float));
    ck_assert_mem_eq(in, fx.x, n_in * sizeof(float));
    free(saved);
    free(arena);
    free_fixture(&fx);
}
END_TEST

/* C14: float pointers not aligned for float are refused; the workspace
 * may have any alignment. */
START_TEST(c14_alignment) {
    fixture fx = make_fixture(C1D_PADDING_SAME);
    const float *in_odd = (const float *)(const void *)((const char *)fx.x + 2);
    float *out_odd = (float *)(void *)((char *)fx.y + 1);
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, in_odd, fx.y, NULL, 0), C1D_INVALID_ARG, "aligned");
    ASSERT_FAILS(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, out_odd, NULL, 0), C1D_INVALID_ARG, "aligned");
    ASSERT_FAILS(c1d_conv_set_kernel(fx.conv, in_odd, 3, FX_C_IN, 8), C1D_INVALID_ARG, "aligned");
    ASSERT_FAILS(c1d_conv_set_bias(fx.conv, in_odd, 8), C1D_INVALID_ARG, "aligned");
    ck_assert(tu_canary_intact(fx.y, fx.n_out));
    size_t ws;
    ck_assert_int_eq(c1d_conv_workspace_size(fx.conv, FX_BATCH, FX_STEPS, &ws), C1D_OK);
    unsigned char *wsb = malloc(ws + 3);
    float *ref = floats(fx.n_out);
    ck_assert_int_eq(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, ref, NULL, 0), C1D_OK);
    for (size_t off = 1; off < 4; off++) {
        ck_assert_int_eq(c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, fx.y, wsb + off, ws), C1D_OK);
        ck_assert_mem_eq(fx.y, ref, fx.n_out * sizeof(float));
    }
    free(ref);
    free(wsb);
    free_fixture(&fx);
}
END_TEST

/* C15: enum values outside their range, at create and per name lookup. */
START_TEST(c15_unknown_enums) {
    c1d_conv *conv = SENTINEL;
    c1d_config cfg = c1d_config_default(8, 3);
    cfg.padding = (c1d_padding)3;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "padding");
    cfg.padding = (c1d_padding)0x7fffffff;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "2147483647");
    cfg = c1d_config_default(8, 3);
    cfg.data_format = (c1d_data_format)2;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "data_format");
    cfg = c1d_config_default(8, 3);
    cfg.activation = C1D_ACTIVATION_COUNT_;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "activation");
    cfg.activation = (c1d_activation)-1;
    ASSERT_FAILS(c1d_conv_create(&cfg, 4, &conv), C1D_INVALID_ARG, "activation");
    ck_assert_ptr_eq(conv, SENTINEL);
    c1d_padding p = C1D_PADDING_CAUSAL;
    ASSERT_FAILS(c1d_padding_from_name("full", &p), C1D_INVALID_ARG, "full");
    ck_assert_int_eq(p, C1D_PADDING_CAUSAL);
    ck_assert_ptr_null(c1d_padding_name((c1d_padding)-1));
    ck_assert_ptr_null(c1d_path_name((c1d_path)99));
    fixture fx = make_fixture(C1D_PADDING_SAME);
    ASSERT_FAILS(c1d_conv_set_path(fx.conv, (c1d_path)99), C1D_INVALID_ARG, "path");
    c1d_path path;
    ck_assert_int_eq(c1d_conv_path(fx.conv, &path, NULL), C1D_OK);
    ck_assert_int_eq(path, C1D_PATH_IM2COL_GEMM);
    free_fixture(&fx);
}
END_TEST

/* ---- C16-C18: non-finite, subnormal and overflowing numbers ---- */

/* The window of output (t, f) covers input step i through tap k. */
static bool tap_at(const c1d_config *cfg, size_t pad_l, size_t t, size_t k, long long i) {
    return (long long)(t * cfg->strides + k * cfg->dilation_rate) - (long long)pad_l == i;
}

/* C16, input side: a NaN or an infinity planted at one input element
 * reaches exactly the outputs whose window covers it (an infinity gives
 * +-Inf with the sign of the weight, since every weight is non-zero);
 * every other output is bitwise what the clean input gives. */
START_TEST(c16_nonfinite_inputs) {
    const float planted[] = {NAN, INFINITY, -INFINITY};
    c1d_config cfg = c1d_config_default(3, 3);
    cfg.padding = (c1d_padding)(_i % 3);
    cfg.dilation_rate = 1 + (size_t)(_i / 3);
    enum { C = 2, L = 16, P = 7, CH = 1 };
    for (int depthwise = 0; depthwise < 2; depthwise++) {
        const size_t c_in = depthwise ? 1 : C, ch = depthwise ? 0 : CH;
        uint64_t seed = 31 + (uint64_t)_i;
        float x[L * C], w[3 * C * 3], b[3];
        tu_fill_uniform(x, L * c_in, &seed, -1, 1);
        tu_fill_uniform(w, 3 * c_in * 3, &seed, 0.25f, 1);
        for (size_t i = 0; i < 3 * c_in * 3; i += 2) w[i] = -w[i];
        tu_fill_uniform(b, 3, &seed, -1, 1);
        size_t l_out, pad_l;
        ck_assert(ref_output_length(&cfg, L, &l_out, &pad_l));
        FOR_EACH_PATH(path) {
            size_t n_out;
            float *clean = run_path(&cfg, c_in, 1, L, x, w, b, path, &n_out);
            if (!clean) continue;
            for (size_t v = 0; v < 3; v++) {
                float xp[L * C];
                memcpy(xp, x, sizeof xp);
                xp[P * c_in + ch] = planted[v];
                float *y = run_path(&cfg, c_in, 1, L, xp, w, b, path, &n_out);
                for (size_t t = 0; t < l_out; t++)
                    for (size_t f = 0; f < 3; f++) {
                        const float got = y[t * 3 + f];
                        long long kk = -1;
                        for (size_t k = 0; k < 3; k++)
                            if (tap_at(&cfg, pad_l, t, k, P)) kk = (long long)k;
                        if (kk < 0) {
                            ck_assert_msg(memcmp(&got, &clean[t * 3 + f], sizeof got) == 0,
                                          "path %s: t=%zu f=%zu changed without covering the planted value",
                                          c1d_path_name(path), t, f);
                        } else if (v == 0) {
                            ck_assert_msg(isnan(got), "path %s: t=%zu f=%zu is %g, not NaN", c1d_path_name(path), t,
                                          f, (double)got);
                        } else {
                            const float wk = w[((size_t)kk * c_in + ch) * 3 + f];
                            const float want = (wk > 0) == (v == 1) ? INFINITY : -INFINITY;
                            ck_assert_msg(got == want, "path %s: t=%zu f=%zu is %g, want %g", c1d_path_name(path), t,
                                          f, (double)got, (double)want);
                        }
                    }
                free(y);
            }
            free(clean);
        }
    }
}
END_TEST

/* C16, weight side: a NaN or infinite weight w[k][c][f] reaches every
 * output of filter f (the tap reads a real input, non-zero here) and no
 * other filter. Where the tap reads a zero of the padding, Keras (which
 * pads with zeros and multiplies) gives 0 * Inf = NaN, and so must every
 * path (the depthwise one adds the padded taps' 0 * w for such kernels).
 * Loop: padding same/causal x layout x planted tap first/last x stride 1/2,
 * so left and right padding, both depthwise fix-ups and their stride
 * arithmetic are all met. */
START_TEST(c16_nonfinite_weights) {
    const float planted[] = {NAN, INFINITY, -INFINITY};
    c1d_config cfg = c1d_config_default(2, 3);
    cfg.padding = _i % 2 == 0 ? C1D_PADDING_SAME : C1D_PADDING_CAUSAL;
    cfg.data_format = (c1d_data_format)(_i / 2 % 2);
    const size_t k0 = _i / 4 % 2 ? 2 : 0;
    cfg.strides = 1 + (size_t)(_i / 8);
    const bool cl = cfg.data_format == C1D_CHANNELS_LAST;
    enum { L = 9, F0 = 1 };
    for (size_t c_in = 1; c_in <= 2; c_in++) {
        uint64_t seed = 77;
        float x[L * 2], w[3 * 2 * 2], b[2] = {0.5f, -0.25f};
        tu_fill_uniform(x, L * c_in, &seed, 0.25f, 1);
        tu_fill_uniform(w, 3 * c_in * 2, &seed, -1, 1);
        size_t l_out, pad_l;
        ck_assert(ref_output_length(&cfg, L, &l_out, &pad_l));
        ck_assert_uint_gt(pad_l, 0);
        FOR_EACH_PATH(path) {
            for (size_t v = 0; v < 3; v++) {
                float wp[3 * 2 * 2];
                memcpy(wp, w, sizeof wp);
                wp[(k0 * c_in + 0) * 2 + F0] = planted[v];
                size_t n_out;
                float *y = run_path(&cfg, c_in, 1, L, x, wp, b, path, &n_out);
                if (!y) continue;
                double *z = malloc(l_out * 2 * sizeof *z);
                ref_conv1d(&cfg, c_in, 1, L, x, wp, b, z, NULL);
                for (size_t t = 0; t < l_out; t++) {
                    /* tap k0 of step t reads padded position t*s + k0, input step t*s + k0 - pad_l */
                    const size_t pos = t * cfg.strides + k0;
                    const bool padded = pos < pad_l || pos - pad_l >= L;
                    const size_t at0 = cl ? t * 2 : t, at = cl ? t * 2 + F0 : F0 * l_out + t;
                    const float got = y[at];
                    /* filter 0 never meets the planted weight */
                    ck_assert_msg(isfinite(y[at0]), "path %s: filter 0 at t=%zu is %g", c1d_path_name(path), t,
                                  (double)y[at0]);
                    if (!padded) {
                        /* the reference multiplies the real input: NaN or +-Inf */
                        ck_assert_msg(isnan(z[at]) ? isnan(got) : got == (float)z[at],
                                      "path %s: t=%zu got %g, reference %g", c1d_path_name(path), t, (double)got,
                                      z[at]);
                    } else {
                        /* Keras multiplies the zero padding too: 0 * Inf and 0 * NaN are NaN */
                        ck_assert_msg(isnan(z[at]), "reference: padded tap at t=%zu gave %g, want NaN", t, z[at]);
                        ck_assert_msg(isnan(got), "path %s: padded tap with weight %g at t=%zu gave %g, want NaN",
                                      c1d_path_name(path), (double)planted[v], t, (double)got);
                    }
                }
                free(z);
                free(y);
            }
        }
    }
}
END_TEST

/* C16, weight side, across tiles: a depthwise layer long enough to be cut
 * in many tiles (4 threads, so the direct paths cut about 16), with a NaN
 * or Inf weight on the first or the last tap, dilation 1 or 2, 3 channels
 * (m = 1) or 1 channel x 2 filters, both layouts, batch 2: every output is
 * NaN exactly where the reference (which multiplies the zero padding) is,
 * and otherwise within 1e-5 of it. Loop: tap first/last x dilation x
 * layout x planted value. */
START_TEST(c16_nonfinite_weights_tiles) {
    const float planted[] = {NAN, INFINITY, -INFINITY};
    const size_t k0 = _i % 2 ? 4 : 0;
    c1d_config cfg = c1d_config_default(3, 5);
    cfg.padding = C1D_PADDING_SAME;
    cfg.dilation_rate = 1 + (size_t)(_i / 2 % 2);
    cfg.data_format = (c1d_data_format)(_i / 4 % 2);
    const float value = planted[_i / 8];
    enum { L = 301, BATCH = 2 };
    for (size_t c_in = 1; c_in <= 3; c_in += 2) {
        const size_t f = c_in == 1 ? 2 : 3;
        cfg.filters = f;
        cfg.groups = c_in;
        uint64_t seed = 5 + c_in;
        float x[BATCH * L * 3], w[5 * 3], b[3] = {0.5f, -0.25f, 0.125f};
        tu_fill_uniform(x, BATCH * L * c_in, &seed, 0.25f, 1);
        tu_fill_uniform(w, 5 * f, &seed, -1, 1);
        w[k0 * f + f - 1] = value; /* tap k0 of the last filter */
        c1d_conv *conv = make_conv(&cfg, c_in, w, b, C1D_PATH_DEPTHWISE);
        ck_assert_ptr_nonnull(conv);
        ck_assert_int_eq(c1d_conv_set_threads(conv, 4), C1D_OK);
        size_t shape[3];
        ck_assert_int_eq(c1d_conv_output_shape(conv, BATCH, L, shape), C1D_OK);
        const size_t n = shape[0] * shape[1] * shape[2];
        float *y = tu_canary_alloc(n);
        double *z = malloc(n * sizeof *z);
        ck_assert_int_eq(c1d_conv_forward(conv, BATCH, L, x, y, NULL, 0), C1D_OK);
        ref_conv1d(&cfg, c_in, BATCH, L, x, w, b, z, NULL);
        size_t nans = 0;
        for (size_t i = 0; i < n; i++) {
            if (isnan(z[i])) {
                nans++;
                ck_assert_msg(isnan(y[i]), "output %zu: %g where the reference is NaN", i, (double)y[i]);
            } else {
                ck_assert_msg(fabs(y[i] - z[i]) <= 1e-5 * (1 + fabs(z[i])) || (isinf(y[i]) && y[i] == z[i]),
                              "output %zu: %g, reference %g", i, (double)y[i], z[i]);
            }
        }
        /* the padded taps of the planted weight: at least one per item */
        ck_assert_uint_ge(nans, BATCH);
        ck_assert(tu_guard_intact(y, n));
        free(z);
        free(y);
        c1d_conv_destroy(conv);
    }
}
END_TEST

#ifdef HAVE_MXCSR
/* MXCSR control bits (rounding, exception masks, FTZ, DAZ); bits 0-5 are
 * the sticky exception flags that any computation may set. */
enum { MXCSR_DAZ = 0x0040, MXCSR_FTZ = 0x8000, MXCSR_CONTROL = 0xFFC0 };
#endif

/* C17: subnormal inputs and weights are computed, not flushed: with
 * multiples of 2^-140 and small integer weights every product and sum is an
 * exact subnormal, so the output equals the reference bit for bit (with
 * flush-to-zero it would be 0). The library leaves MXCSR as it found it. */
START_TEST(c17_subnormals) {
#ifdef HAVE_MXCSR
    const unsigned csr = _mm_getcsr();
    ck_assert_msg((csr & (MXCSR_DAZ | MXCSR_FTZ)) == 0, "the test process starts with FTZ/DAZ set: %#x", csr);
#endif
    c1d_config cfg = c1d_config_default(4, 3);
    cfg.padding = C1D_PADDING_SAME;
    cfg.data_format = (c1d_data_format)(_i % 2);
    enum { L = 33 };
    for (size_t c_in = 1; c_in <= 3; c_in += 2) {
        uint64_t seed = 3 + c_in;
        float x[L * 3], w[3 * 3 * 4], b[4];
        tu_fill_int(x, L * c_in, &seed, -100, 100);
        for (size_t i = 0; i < L * c_in; i++) x[i] = ldexpf(x[i], -140);
        tu_fill_int(w, 3 * c_in * 4, &seed, -4, 4);
        for (size_t i = 0; i < 4; i++) b[i] = ldexpf((float)i - 2.0f, -130);
        double z[L * 4];
        ref_conv1d(&cfg, c_in, 1, L, x, w, b, z, NULL);
        size_t subnormal = 0;
        for (size_t i = 0; i < L * 4; i++) subnormal += z[i] != 0 && fabs(z[i]) < FLT_MIN;
        ck_assert_uint_gt(subnormal, L * 2);
        FOR_EACH_PATH(path) {
            for (size_t threads = 1; threads <= 2; threads++) {
                c1d_conv *conv = make_conv(&cfg, c_in, w, b, path);
                if (!conv) break;
                ck_assert_int_eq(c1d_conv_set_threads(conv, threads), C1D_OK);
                float *y = tu_canary_alloc(L * 4);
                ck_assert_int_eq(c1d_conv_forward(conv, 1, L, x, y, NULL, 0), C1D_OK);
#ifdef HAVE_MXCSR
                ck_assert_uint_eq(_mm_getcsr() & MXCSR_CONTROL, csr & MXCSR_CONTROL);
#endif
                for (size_t i = 0; i < L * 4; i++)
                    ck_assert_msg(y[i] == (float)z[i], "path %s: element %zu is %a, want %a", c1d_path_name(path), i,
                                  (double)y[i], z[i]);
                free(y);
                c1d_conv_destroy(conv);
            }
        }
    }
}
END_TEST

/* C18: finite values whose sums overflow float32 give +-Inf, no error. */
START_TEST(c18_overflow_to_inf) {
    c1d_config cfg = c1d_config_default(2, 3);
    cfg.padding = C1D_PADDING_VALID;
    static const c1d_activation acts[] = {C1D_ACTIVATION_LINEAR, C1D_ACTIVATION_RELU, C1D_ACTIVATION_TANH,
                                          C1D_ACTIVATION_SIGMOID};
    cfg.activation = acts[_i];
    enum { L = 12, C = 2 };
    uint64_t seed = 19;
    float x[L * C], w[3 * C * 2];
    tu_fill_uniform(x, L * C, &seed, 1e38f, 3e38f);
    tu_fill_uniform(w, 3 * C * 2, &seed, 2, 3);
    for (size_t k = 0; k < 3 * C; k++) w[k * 2 + 1] = -w[k * 2 + 1]; /* filter 1: negative weights */
    const double pos = ref_activation(cfg.activation, INFINITY), neg = ref_activation(cfg.activation, -INFINITY);
    FOR_EACH_PATH(path) {
        size_t n_out;
        float *y = run_path(&cfg, C, 1, L, x, w, NULL, path, &n_out);
        if (!y) continue;
        ck_assert_uint_eq(n_out, (L - 2) * 2);
        for (size_t t = 0; t < L - 2; t++) {
            ck_assert_msg(y[t * 2] == (float)pos, "path %s, %s: t=%zu is %g, want %g", c1d_path_name(path),
                          c1d_activation_name(cfg.activation), t, (double)y[t * 2], pos);
            ck_assert_msg(y[t * 2 + 1] == (float)neg, "path %s, %s: t=%zu is %g, want %g", c1d_path_name(path),
                          c1d_activation_name(cfg.activation), t, (double)y[t * 2 + 1], neg);
        }
        free(y);
    }
}
END_TEST

/* T7: a caller that enabled FTZ/DAZ gets its MXCSR back unchanged; the
 * results then depend on which thread computed what (OpenBLAS's pool
 * threads keep their own MXCSR), so only the register is checked. The
 * README documents this (Threads). Skipped under valgrind, which does not
 * emulate FTZ/DAZ (C1D_TEST_SMALL is set by the valgrind test setup). */
START_TEST(t7_caller_ftz_is_left_alone) {
#ifdef HAVE_MXCSR
    if (getenv("C1D_TEST_SMALL")) return;
    fixture fx = make_fixture(C1D_PADDING_SAME);
    const unsigned csr = _mm_getcsr();
    _mm_setcsr(csr | MXCSR_FTZ | MXCSR_DAZ);
    const unsigned set = _mm_getcsr();
    c1d_status st = c1d_conv_forward(fx.conv, FX_BATCH, FX_STEPS, fx.x, fx.y, NULL, 0);
    const unsigned after = _mm_getcsr();
    _mm_setcsr(csr);
    ck_assert_int_eq(st, C1D_OK);
    ck_assert_uint_eq(after & MXCSR_CONTROL, set & MXCSR_CONTROL);
    free_fixture(&fx);
#endif
}
END_TEST

static Suite *hostile_suite(void) {
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("parameters");
    tcase_add_test(tc, c1_zero_fields);
    tcase_add_test(tc, c2_negative_values_wrap_to_huge);
    tcase_add_test(tc, c3_huge_strides_dilations_kernels);
    tcase_add_test(tc, c4_strides_with_dilation);
    tcase_add_test(tc, c5_groups_must_divide);
    tcase_add_test(tc, c6_valid_input_too_short);
    tcase_add_test(tc, c7_empty_inputs);
    tcase_add_test(tc, c8_extent_and_padding_overflow);
    tcase_add_test(tc, c9_workspace_cap_blas_int_and_tiles);
    suite_add_tcase(s, tc);
    tc = tcase_create("buffers");
    tcase_add_test(tc, c10_null_pointers);
    tcase_add_test(tc, c11_weight_shapes);
    tcase_add_test(tc, c12_capacities);
    tcase_add_test(tc, c13_aliasing);
    tcase_add_test(tc, c14_alignment);
    tcase_add_test(tc, c15_unknown_enums);
    suite_add_tcase(s, tc);
    tc = tcase_create("numbers");
    tcase_add_loop_test(tc, c16_nonfinite_inputs, 0, 6);
    tcase_add_loop_test(tc, c16_nonfinite_weights, 0, 16);
    tcase_add_loop_test(tc, c16_nonfinite_weights_tiles, 0, 24);
    tcase_add_loop_test(tc, c17_subnormals, 0, 2);
    tcase_add_loop_test(tc, c18_overflow_to_inf, 0, 4);
    tcase_add_test(tc, t7_caller_ftz_is_left_alone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tu_run_suite(hostile_suite());
}
