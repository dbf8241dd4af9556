/* test_alloc.c: allocation failure (RELIABILITY.md rows A1-A3, test plan
 * section 3), built only with meson -Dalloc_fault=true (src/alloc_fault.h).
 *
 * The torture loop (curl's method): run an entry point once with every
 * allocation working and count its allocations N; then for i = 1 .. N run
 * it again with allocation i failing. Each failing run must return
 * C1D_NOMEM with a message and write nothing (the output pointer, canary
 * buffer or layer state stays as it was); the next run with allocations
 * working must succeed; leaks show up under LeakSanitizer (the ASan job).
 * The countdown counts c1d_alloc and, through counted_malloc, jansson's
 * allocations (json_set_alloc_funcs) in call order. jansson's lexer
 * mishandles some failures (akheron/jansson#362, open in 2.14: a failed
 * token-buffer growth is ignored, or reported as a syntax error), so a
 * failure inside jansson may also give C1D_PARSE or even success; a
 * failure of c1d's own allocator must give C1D_NOMEM. The entry points
 * cover every c1d_alloc call site in src/ (see tests/RELIABILITY_COVERAGE.md).
 * test_alloc_cli.c does the same for the .npy reader and the tool. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fault.h"
#include "internal.h"
#include "test_util.h"

/* ---- The countdown for jansson ---- */

static bool jansson_failed; /* the failing allocation was one of jansson's */

static void *counted_malloc(size_t n) {
    if (c1d_alloc_should_fail()) {
        jansson_failed = true;
        return NULL;
    }
    return malloc(n);
}

static void setup(void) { json_set_alloc_funcs(counted_malloc, free); }
static void teardown(void) {
    c1d_alloc_fail_after(0);
    json_set_alloc_funcs(malloc, free);
}

/* ---- The torture loop ---- */

/* One attempt of an entry point: calls it, then entry_done(), then checks
 * that a failure wrote nothing and releases what a success made. */
typedef c1d_status (*attempt_fn)(void *ctx);

static size_t entry_calls; /* allocations the entry point itself made */

/* Called by an attempt right after its entry point returns: records the
 * entry point's allocations and disarms the countdown, so that the
 * attempt's own checks and clean-up allocate freely and are not counted. */
static void entry_done(void) {
    entry_calls = c1d_alloc_calls();
    c1d_alloc_fail_after(0);
}

typedef struct tally {
    size_t points, in_jansson, nomem, jansson_error, jansson_ok;
} tally;

static tally torture(const char *name, attempt_fn fn, void *ctx) {
    c1d_alloc_fail_after(0);
    entry_calls = 0;
    c1d_status st = fn(ctx);
    ck_assert_msg(st == C1D_OK, "%s without failures: %s", name, c1d_last_error());
    tally t = {entry_calls, 0, 0, 0, 0};
    ck_assert_msg(t.points > 0, "%s allocates nothing", name);
    for (size_t i = 1; i <= t.points; i++) {
        jansson_failed = false;
        c1d_alloc_fail_after(i);
        st = fn(ctx);
        ck_assert_msg(entry_calls >= i, "%s, allocation %zu: only %zu were made (not deterministic?)", name, i,
                      entry_calls);
        t.in_jansson += jansson_failed;
        if (st == C1D_NOMEM) {
            t.nomem++;
        } else if (jansson_failed && st == C1D_OK) {
            t.jansson_ok++;
        } else if (jansson_failed) {
            /* jansson#362: a truncated token fails later, as a syntax or a value error. */
            t.jansson_error++;
        } else {
            ck_abort_msg("%s, allocation %zu of %zu failing (%s): %s (%s)", name, i, t.points,
                         jansson_failed ? "jansson's" : "c1d_alloc", c1d_status_name(st), c1d_last_error());
        }
        if (st != C1D_OK) ck_assert_msg(c1d_last_error()[0] != '\0', "%s, allocation %zu: no message", name, i);
        st = fn(ctx);
        ck_assert_msg(st == C1D_OK, "%s after allocation %zu failed: %s", name, i, c1d_last_error());
    }
    printf("%-58s %3zu allocation points (%3zu c1d_alloc, %3zu jansson): %3zu NOMEM, %3zu other error (jansson), "
           "%2zu OK (jansson)\n",
           name, t.points, t.points - t.in_jansson, t.in_jansson, t.nomem, t.jansson_error, t.jansson_ok);
    return t;
}

/* ---- Fixtures ---- */

/* Orthogonal kernel (QR in LAPACK: c1d allocates the matrix, tau and the
 * work array), LoRA (the factors), a recorded input shape. */
static const char orthogonal_lora[] =
    "{\"name\": \"ortho_lora\", \"filters\": 4, \"kernel_size\": 5, \"padding\": \"causal\", "
    "\"kernel_initializer\": {\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.5, \"seed\": 9}}, "
    "\"lora_rank\": 2, \"lora_alpha\": 4, \"batch_input_shape\": [null, 20, 3]}";

/* STFT kernel (c1d allocates the window), depthwise. */
static const char stft_depthwise[] =
    "{\"filters\": 6, \"kernel_size\": 8, \"groups\": 1, \"kernel_initializer\": {\"class_name\": \"STFT\", "
    "\"config\": {\"side\": \"real\", \"window\": \"hann\", \"periodic\": false, \"scaling\": \"density\"}}, "
    "\"batch_input_shape\": [null, 32, 1]}";

typedef struct text {
    const char *json;
    size_t len;
    char *want;    /* get_config of the config, from the first successful parse */
    size_t misread; /* successes that read another config */
} text;

static char canary;
#define CANARY_CONFIG ((c1d_keras_config *)(void *)&canary)
#define CANARY_CONV ((c1d_conv *)(void *)&canary)
#define CANARY_TEXT ((char *)(void *)&canary)

/* ---- Entry points ---- */

typedef struct create_ctx {
    c1d_config cfg;
    size_t c_in;
} create_ctx;

/* The end of an attempt that creates a layer into conv (CANARY_CONV
 * before the call): a failure must leave the canary, a success is freed. */
static c1d_status created(c1d_status st, c1d_conv *conv) {
    entry_done();
    if (st) {
        ck_assert_ptr_eq(conv, CANARY_CONV);
        return st;
    }
    c1d_conv_destroy(conv);
    return C1D_OK;
}

static c1d_status attempt_create(void *ctx) {
    const create_ctx *c = ctx;
    c1d_conv *conv = CANARY_CONV;
    c1d_status st = c1d_conv_create(&c->cfg, c->c_in, &conv);
    return created(st, conv);
}

/* Layers whose automatic path differs (the general one, depthwise, and a
 * wide one that may take a path keeping a packed kernel). */
START_TEST(create) {
    static const struct {
        size_t filters, groups, c_in;
        bool bias;
    } cases[] = {{8, 2, 6, true}, {8, 2, 6, false}, {8, 4, 4, true}, {24, 1, 4, true}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        create_ctx c = {c1d_config_default(cases[i].filters, 3), cases[i].c_in};
        c.cfg.groups = cases[i].groups;
        c.cfg.use_bias = cases[i].bias;
        c1d_conv *probe;
        ck_assert_int_eq(c1d_conv_create(&c.cfg, c.c_in, &probe), C1D_OK);
        c1d_path path;
        ck_assert_int_eq(c1d_conv_path(probe, &path, NULL), C1D_OK);
        c1d_conv_destroy(probe);
        char name[96];
        snprintf(name, sizeof name, "c1d_conv_create (f %zu, g %zu, c %zu, %s, %s)", cases[i].filters,
                 cases[i].groups, cases[i].c_in, cases[i].bias ? "bias" : "no bias", c1d_path_name(path));
        torture(name, attempt_create, &c);
    }
}
END_TEST

static c1d_status attempt_parse(void *ctx) {
    text *t = ctx;
    c1d_keras_config *k = CANARY_CONFIG;
    c1d_status st = c1d_keras_config_parse(t->json, t->len, &k);
    entry_done();
    if (st) {
        ck_assert_ptr_eq(k, CANARY_CONFIG);
        return st;
    }
    /* A success is the config itself (get_config text equal to the first run's). */
    char *json = NULL;
    ck_assert_int_eq(c1d_keras_config_to_json(k, &json), C1D_OK);
    if (!t->want) {
        t->want = json;
    } else {
        if (strcmp(json, t->want) != 0) t->misread++;
        c1d_json_free(json);
    }
    c1d_keras_config_destroy(k);
    return C1D_OK;
}

START_TEST(keras_config_parse) {
    static const char *const files[] = {"keras316_wrapped.json", "tfkeras212_legacy.json",
                                        "keras310_lora_channels_first.json"};
    for (size_t f = 0; f < 3; f++) {
        text t;
        char *json = tu_read_data(files[f], &t.len);
        t.json = json;
        char name[96];
        snprintf(name, sizeof name, "c1d_keras_config_parse (%s)", files[f]);
        t.want = NULL;
        t.misread = 0;
        torture(name, attempt_parse, &t);
        ck_assert_msg(t.misread == 0, "%s: %zu successes read another config", name, t.misread);
        c1d_json_free(t.want);
        free(json);
    }
    text t = {orthogonal_lora, sizeof orthogonal_lora - 1, NULL, 0};
    torture("c1d_keras_config_parse (orthogonal + lora)", attempt_parse, &t);
    ck_assert_msg(t.misread == 0, "%zu successes read another config", t.misread);
    c1d_json_free(t.want);
}
END_TEST

typedef struct to_json_ctx {
    const c1d_keras_config *k;
    json_t *want;
} to_json_ctx;

static c1d_status attempt_to_json(void *ctx) {
    to_json_ctx *c = ctx;
    char *json = CANARY_TEXT;
    c1d_status st = c1d_keras_config_to_json(c->k, &json);
    entry_done();
    if (st) {
        ck_assert_ptr_eq(json, CANARY_TEXT);
        return st;
    }
    /* Success after a failed digit-count probe may write more digits, never another value. */
    json_t *got = json_loads(json, 0, NULL);
    ck_assert_msg(json_equal(got, c->want), "to_json wrote another config: %s", json);
    json_decref(got);
    c1d_json_free(json);
    return C1D_OK;
}

START_TEST(keras_config_to_json) {
    text t;
    char *json = tu_read_data("keras316_wrapped.json", &t.len);
    c1d_keras_config *k = NULL;
    ck_assert_int_eq(c1d_keras_config_parse(json, t.len, &k), C1D_OK);
    char *first = NULL;
    ck_assert_int_eq(c1d_keras_config_to_json(k, &first), C1D_OK);
    to_json_ctx c = {k, json_loads(first, 0, NULL)};
    ck_assert_ptr_nonnull(c.want);
    torture("c1d_keras_config_to_json (keras316_wrapped)", attempt_to_json, &c);
    json_decref(c.want);
    c1d_json_free(first);
    c1d_keras_config_destroy(k);
    free(json);
}
END_TEST

static c1d_status attempt_from_keras(void *ctx) {
    const c1d_keras_config *k = ctx;
    c1d_conv *conv = CANARY_CONV;
    c1d_status st = c1d_conv_create_from_keras(k, 0, &conv);
    return created(st, conv);
}

START_TEST(create_from_keras) {
    text t;
    char *wrapped = tu_read_data("keras316_wrapped.json", &t.len);
    const struct {
        const char *name, *json;
        size_t len;
    } cases[] = {
        {"c1d_conv_create_from_keras (keras316_wrapped)", wrapped, t.len},
        {"c1d_conv_create_from_keras (orthogonal + lora)", orthogonal_lora, sizeof orthogonal_lora - 1},
        {"c1d_conv_create_from_keras (stft)", stft_depthwise, sizeof stft_depthwise - 1},
    };
    for (size_t i = 0; i < 3; i++) {
        c1d_keras_config *k = NULL;
        ck_assert_int_eq(c1d_keras_config_parse(cases[i].json, cases[i].len, &k), C1D_OK);
        torture(cases[i].name, attempt_from_keras, k);
        c1d_keras_config_destroy(k);
    }
    free(wrapped);
}
END_TEST

/* get_config of a layer, its constraints, LoRA: on failure the layer is unchanged. */
typedef struct layer_ctx {
    c1d_conv *conv;
    float *kernel, *bias; /* the weights before the attempt */
    size_t kernel_size, bias_size;
} layer_ctx;

static void layer_ctx_init(layer_ctx *c, c1d_conv *conv) {
    c->conv = conv;
    c1d_weight_info info[C1D_MAX_WEIGHTS];
    size_t n;
    ck_assert_int_eq(c1d_conv_weights(conv, info, &n), C1D_OK);
    c->kernel_size = info[0].size;
    c->bias_size = info[1].size;
    c->kernel = malloc(c->kernel_size * sizeof(float));
    c->bias = malloc(c->bias_size * sizeof(float));
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, c->kernel, c->kernel_size), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_weight(conv, 1, c->bias, c->bias_size), C1D_OK);
}

static void layer_ctx_unchanged(const layer_ctx *c) {
    float *k = malloc(c->kernel_size * sizeof(float)), *b = malloc(c->bias_size * sizeof(float));
    ck_assert_int_eq(c1d_conv_get_weight(c->conv, 0, k, c->kernel_size), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_weight(c->conv, 1, b, c->bias_size), C1D_OK);
    ck_assert_mem_eq(k, c->kernel, c->kernel_size * sizeof(float));
    ck_assert_mem_eq(b, c->bias, c->bias_size * sizeof(float));
    free(k);
    free(b);
}

static void layer_ctx_free(layer_ctx *c) {
    free(c->kernel);
    free(c->bias);
}

static c1d_status attempt_get_keras_config(void *ctx) {
    layer_ctx *c = ctx;
    c1d_keras_config *k = CANARY_CONFIG;
    c1d_status st = c1d_conv_get_keras_config(c->conv, &k);
    entry_done();
    if (st) {
        ck_assert_ptr_eq(k, CANARY_CONFIG);
        return st;
    }
    c1d_keras_config_destroy(k);
    return C1D_OK;
}

static c1d_status attempt_constraints(void *ctx) {
    layer_ctx *c = ctx;
    c1d_status st = c1d_conv_apply_constraints(c->conv);
    entry_done();
    if (st) {
        layer_ctx_unchanged(c);
        return st;
    }
    /* The constraints changed the weights: restore them for the next attempt. */
    ck_assert_int_eq(c1d_conv_load_variables(c->conv, c->kernel, c->kernel_size, c->bias, c->bias_size), C1D_OK);
    return C1D_OK;
}

START_TEST(layer_operations) {
    text t;
    char *json = tu_read_data("keras316_wrapped.json", &t.len);
    c1d_keras_config *k = NULL;
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_keras_config_parse(json, t.len, &k), C1D_OK);
    ck_assert_int_eq(c1d_conv_create_from_keras(k, 0, &conv), C1D_OK);
    /* Weights beyond the MaxNorm / MinMaxNorm bounds, so the constraints act. */
    layer_ctx c;
    layer_ctx_init(&c, conv);
    for (size_t i = 0; i < c.kernel_size; i++) c.kernel[i] = (float)((i % 7) + 1);
    for (size_t i = 0; i < c.bias_size; i++) c.bias[i] = 4.0f + (float)i;
    ck_assert_int_eq(c1d_conv_load_variables(conv, c.kernel, c.kernel_size, c.bias, c.bias_size), C1D_OK);
    torture("c1d_conv_get_keras_config (keras316_wrapped)", attempt_get_keras_config, &c);
    torture("c1d_conv_apply_constraints (MaxNorm, MinMaxNorm)", attempt_constraints, &c);
    layer_ctx_free(&c);
    c1d_conv_destroy(conv);
    c1d_keras_config_destroy(k);
    free(json);
}
END_TEST

typedef struct lora_ctx {
    c1d_conv *conv;
} lora_ctx;

static c1d_status attempt_lora(void *ctx) {
    lora_ctx *c = ctx;
    c1d_status st = c1d_conv_enable_lora(c->conv, 3, 6.0, "orthogonal", NULL);
    entry_done();
    size_t rank = 99;
    ck_assert_int_eq(c1d_conv_get_lora(c->conv, &rank, NULL), C1D_OK);
    if (st) {
        ck_assert_uint_eq(rank, 0);
        return st;
    }
    ck_assert_uint_eq(rank, 3);
    /* LoRA can be enabled once per layer: a fresh layer for the next attempt. */
    c1d_config cfg;
    size_t c_in;
    ck_assert_int_eq(c1d_conv_get_config(c->conv, &cfg, &c_in), C1D_OK);
    c1d_conv_destroy(c->conv);
    ck_assert_int_eq(c1d_conv_create(&cfg, c_in, &c->conv), C1D_OK);
    return C1D_OK;
}

START_TEST(enable_lora) {
    c1d_config cfg = c1d_config_default(6, 4);
    lora_ctx c = {NULL};
    ck_assert_int_eq(c1d_conv_create(&cfg, 5, &c.conv), C1D_OK);
    torture("c1d_conv_enable_lora (orthogonal A)", attempt_lora, &c);
    c1d_conv_destroy(c.conv);
}
END_TEST

typedef struct fill_ctx {
    const char *initializer;
    size_t shape[3], n;
    float *values;
} fill_ctx;

static c1d_status attempt_fill(void *ctx) {
    fill_ctx *c = ctx;
    for (size_t i = 0; i < c->n + TU_GUARD; i++) c->values[i] = -7.0f;
    c1d_status st = c1d_initializer_fill(c->initializer, c->shape, 3, c->values, c->n);
    entry_done();
    for (size_t i = st ? 0 : c->n; i < c->n + TU_GUARD; i++) ck_assert(c->values[i] == -7.0f);
    return st;
}

START_TEST(initializer_fill) {
    float values[144 + TU_GUARD];
    fill_ctx c = {"{\"class_name\": \"Orthogonal\", \"config\": {\"seed\": 4}}", {3, 4, 10}, 120, values};
    torture("c1d_initializer_fill (Orthogonal)", attempt_fill, &c);
    fill_ctx s = {"{\"class_name\": \"STFT\", \"config\": {\"side\": \"imag\", \"window\": \"hamming\"}}",
                  {16, 1, 9}, 144, values};
    torture("c1d_initializer_fill (STFT)", attempt_fill, &s);
}
END_TEST

/* set_path: a path that keeps a packed copy of the kernel allocates it.
 * On failure the layer keeps its path and computes as before. */
typedef struct path_ctx {
    c1d_conv *conv;
    c1d_path path;
    const float *x;
    const float *want; /* the layer's output on 1 x 50 steps */
    size_t n_out;
} path_ctx;

static c1d_status attempt_set_path(void *ctx) {
    path_ctx *c = ctx;
    c1d_path before, after;
    ck_assert_int_eq(c1d_conv_path(c->conv, &before, NULL), C1D_OK);
    c1d_status st = c1d_conv_set_path(c->conv, c->path);
    entry_done();
    ck_assert_int_eq(c1d_conv_path(c->conv, &after, NULL), C1D_OK);
    float *y = tu_canary_alloc(c->n_out);
    ck_assert_int_eq(c1d_conv_forward(c->conv, 1, 50, c->x, y, NULL, 0), C1D_OK);
    for (size_t i = 0; i < c->n_out; i++)
        ck_assert_msg(fabsf(y[i] - c->want[i]) <= 1e-5f * (1.0f + fabsf(c->want[i])), "element %zu: %g vs %g", i,
                      (double)y[i], (double)c->want[i]);
    free(y);
    if (st) {
        ck_assert_int_eq(after, before);
        return st;
    }
    ck_assert_int_eq(after, c->path);
    ck_assert_int_eq(c1d_conv_set_path(c->conv, C1D_PATH_IM2COL_GEMM), C1D_OK);
    return C1D_OK;
}

START_TEST(set_path) {
    c1d_config cfg = c1d_config_default(24, 3);
    cfg.padding = C1D_PADDING_SAME;
    enum { C = 4 };
    float w[3 * C * 24], x[50 * C], want[50 * 24];
    uint64_t seed = 61;
    tu_fill_uniform(w, sizeof w / sizeof *w, &seed, -1, 1);
    tu_fill_uniform(x, sizeof x / sizeof *x, &seed, -1, 1);
    path_ctx c = {NULL, C1D_PATH_IM2COL_GEMM, x, want, 50 * 24};
    ck_assert_int_eq(c1d_conv_create(&cfg, C, &c.conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_kernel(c.conv, w, 3, C, 24), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_path(c.conv, C1D_PATH_IM2COL_GEMM), C1D_OK);
    ck_assert_int_eq(c1d_conv_forward(c.conv, 1, 50, x, want, NULL, 0), C1D_OK);
    size_t tortured = 0;
    for (c1d_path p = C1D_PATH_IM2COL_GEMM; c1d_path_name(p); p = (c1d_path)(p + 1)) {
        c.path = p;
        entry_calls = 0;
        c1d_alloc_fail_after(0);
        if (attempt_set_path(&c) != C1D_OK || entry_calls == 0) continue; /* cannot run it, or keeps no copy */
        char name[64];
        snprintf(name, sizeof name, "c1d_conv_set_path (%s)", c1d_path_name(p));
        torture(name, attempt_set_path, &c);
        tortured++;
    }
    printf("set_path: %zu paths allocate\n", tortured);
    c1d_conv_destroy(c.conv);
}
END_TEST

/* forward with a NULL workspace: the call allocates it. */
typedef struct forward_ctx {
    c1d_conv *conv;
    size_t batch, steps, n_out;
    const float *x;
    float *y;
} forward_ctx;

static c1d_status attempt_forward(void *ctx) {
    forward_ctx *c = ctx;
    float *y = tu_canary_alloc(c->n_out);
    c1d_status st = c1d_conv_forward(c->conv, c->batch, c->steps, c->x, y, NULL, 0);
    entry_done();
    if (st)
        ck_assert(tu_canary_intact(y, c->n_out));
    else
        ck_assert_mem_eq(y, c->y, c->n_out * sizeof(float));
    free(y);
    return st;
}

START_TEST(forward_workspace) {
    static const struct {
        size_t filters, k, groups, c_in, threads;
        c1d_data_format fmt;
        c1d_activation act;
    } cases[] = {
        {8, 3, 1, 4, 1, C1D_CHANNELS_LAST, C1D_ACTIVATION_RELU},
        {8, 3, 1, 4, 1, C1D_CHANNELS_FIRST, C1D_ACTIVATION_SPARSEMAX},
        {8, 3, 4, 4, 1, C1D_CHANNELS_LAST, C1D_ACTIVATION_GLU},
        {8, 1, 1, 4, 1, C1D_CHANNELS_LAST, C1D_ACTIVATION_SOFTMAX},
        {64, 5, 1, 64, 2, C1D_CHANNELS_LAST, C1D_ACTIVATION_TANH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        c1d_config cfg = c1d_config_default(cases[i].filters, cases[i].k);
        cfg.padding = C1D_PADDING_SAME;
        cfg.groups = cases[i].groups;
        cfg.data_format = cases[i].fmt;
        cfg.activation = cases[i].act;
        forward_ctx c = {NULL, 2, 400, 0, NULL, NULL};
        ck_assert_int_eq(c1d_conv_create(&cfg, cases[i].c_in, &c.conv), C1D_OK);
        ck_assert_int_eq(c1d_conv_set_threads(c.conv, cases[i].threads), C1D_OK);
        const size_t wn = cfg.kernel_size * cases[i].c_in / cfg.groups * cfg.filters;
        const size_t xn = c.batch * c.steps * cases[i].c_in;
        float *w = malloc(wn * sizeof(float)), *x = malloc(xn * sizeof(float));
        uint64_t seed = 40 + i;
        tu_fill_uniform(w, wn, &seed, -1, 1);
        tu_fill_uniform(x, xn, &seed, -1, 1);
        ck_assert_int_eq(c1d_conv_set_kernel(c.conv, w, cfg.kernel_size, cases[i].c_in / cfg.groups, cfg.filters),
                         C1D_OK);
        size_t shape[3];
        ck_assert_int_eq(c1d_conv_output_shape(c.conv, c.batch, c.steps, shape), C1D_OK);
        c.n_out = shape[0] * shape[1] * shape[2];
        c.x = x;
        c.y = malloc(c.n_out * sizeof(float));
        ck_assert_int_eq(c1d_conv_forward(c.conv, c.batch, c.steps, x, c.y, NULL, 0), C1D_OK);
        for (c1d_path p = C1D_PATH_IM2COL_GEMM; c1d_path_name(p); p = (c1d_path)(p + 1)) {
            if (c1d_conv_set_path(c.conv, p) != C1D_OK) continue;
            ck_assert_int_eq(c1d_conv_forward(c.conv, c.batch, c.steps, x, c.y, NULL, 0), C1D_OK);
            char name[96];
            snprintf(name, sizeof name, "c1d_conv_forward (%s, %s, %zu threads)", c1d_path_name(p),
                     c1d_activation_name(cfg.activation), cases[i].threads);
            torture(name, attempt_forward, &c);
        }
        free(w);
        free(x);
        free(c.y);
        c1d_conv_destroy(c.conv);
    }
}
END_TEST

/* A2: requests above the cap, and zero, never reach malloc. */
START_TEST(oversized_requests) {
    c1d_alloc_fail_after(0);
    ck_assert_ptr_null(c1d_alloc(0));
    ck_assert_ptr_null(c1d_alloc(C1D_MAX_ALLOC_BYTES + 1));
    ck_assert_ptr_null(c1d_alloc(SIZE_MAX));
    ck_assert_uint_eq(c1d_alloc_calls(), 0); /* refused before the countdown, so before malloc */
    void *p = c1d_alloc(C1D_MAX_ALLOC_BYTES - 1);
    if (p) c1d_free(p); /* the cap itself is allowed (overcommit usually grants it) */
    /* Entry points refuse oversized shapes before allocating anything. */
    c1d_config cfg = c1d_config_default(1 << 16, 1 << 10);
    c1d_conv *conv = CANARY_CONV;
    c1d_alloc_fail_after(0);
    ck_assert_int_eq(c1d_conv_create(&cfg, 8, &conv), C1D_TOO_LARGE);
    ck_assert_uint_eq(c1d_alloc_calls(), 0);
    ck_assert_ptr_eq(conv, CANARY_CONV);
}
END_TEST

/* A2/A3 with a real allocator failure: under ASan with
 * max_allocation_size_mb=32 and allocator_may_return_null=1 (the
 * 'alloc-asan-limit' test sets both and C1D_TEST_ALLOC_LIMIT_MB), a 48 MiB
 * kernel and a 40 MiB workspace get NULL from the allocator: C1D_NOMEM,
 * nothing written, the layer still usable. Skipped otherwise: without ASan
 * plain Linux overcommit grants such requests. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif

START_TEST(allocator_returns_null) {
    const char *limit = getenv("C1D_TEST_ALLOC_LIMIT_MB");
#ifndef UNDER_ASAN
    limit = NULL;
#endif
    if (!limit) {
        printf("allocator_returns_null: skipped (run by the 'alloc-asan-limit' test under ASan)\n");
        return;
    }
    ck_assert_str_eq(limit, "32");
    c1d_alloc_fail_after(0);
    c1d_config cfg = c1d_config_default(3 << 10, 1 << 10); /* 3 Mi floats per input channel: 48 MiB */
    c1d_conv *conv = CANARY_CONV;
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_NOMEM);
    ck_assert_ptr_eq(conv, CANARY_CONV);
    ck_assert_ptr_nonnull(strstr(c1d_last_error(), "out of memory"));
    /* sparsemax under channels_first keeps one whole time axis per thread
     * next to the im2col tile: with one filter and one channel the
     * workspace outgrows the 32 MiB limit while the input and the output
     * stay within it. */
    cfg = c1d_config_default(1, 1);
    cfg.data_format = C1D_CHANNELS_FIRST;
    cfg.activation = C1D_ACTIVATION_SPARSEMAX;
    ck_assert_int_eq(c1d_conv_create(&cfg, 1, &conv), C1D_OK);
    const float w = 1.5f;
    ck_assert_int_eq(c1d_conv_set_kernel(conv, &w, 1, 1, 1), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_path(conv, C1D_PATH_IM2COL_GEMM), C1D_OK); /* a 2 MiB im2col tile */
    const size_t steps = ((size_t)32 << 20) / sizeof(float) - TU_GUARD - 1024;
    size_t ws;
    ck_assert_int_eq(c1d_conv_workspace_size(conv, 1, steps, &ws), C1D_OK);
    ck_assert_uint_gt(ws, (size_t)32 << 20);
    float *x = calloc(steps, sizeof(float)), *y = tu_canary_alloc(steps);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(c1d_conv_forward(conv, 1, steps, x, y, NULL, 0), C1D_NOMEM);
    ck_assert(tu_canary_intact(y, steps));
    ck_assert_int_eq(c1d_conv_forward(conv, 1, 1000, x, y, NULL, 0), C1D_OK);
    for (size_t i = 0; i < 1000; i++) ck_assert(!tu_is_canary(y + i));
    ck_assert(tu_is_canary(y + 1000));
    free(x);
    free(y);
    c1d_conv_destroy(conv);
}
END_TEST

static Suite *alloc_suite(void) {
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("torture");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, create);
    tcase_add_test(tc, keras_config_parse);
    tcase_add_test(tc, keras_config_to_json);
    tcase_add_test(tc, create_from_keras);
    tcase_add_test(tc, layer_operations);
    tcase_add_test(tc, enable_lora);
    tcase_add_test(tc, initializer_fill);
    tcase_add_test(tc, set_path);
    tcase_add_test(tc, forward_workspace);
    suite_add_tcase(s, tc);
    tc = tcase_create("oversized");
    tcase_add_test(tc, oversized_requests);
    tcase_add_test(tc, allocator_returns_null);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tu_run_suite(alloc_suite());
}
