/* cli_golden.c: golden cases for `c1d run`, judged by the naive double
 * reference (tests/reference.c), never by c1d itself.
 *
 *   cli_golden list                 case names, one per line
 *   cli_golden make CASE DIR        writes DIR/config.json, kernel.npy,
 *                                   input.npy and (with use_bias) bias.npy
 *   cli_golden check CASE DIR OUT   compares OUT (written by `c1d run`) with
 *                                   the reference on DIR's files
 *   cli_golden npy PATH D0 D1 ...   writes a seeded random float32 array of
 *                                   that shape (files for the error tests)
 *
 * The configs are written in the three forms c1d must read (Keras 3 bare
 * get_config, the Keras 3 .keras entry with build_config, the tf.keras 2
 * entry); the reference takes its parameters from the case table, not from
 * the JSON. Tolerance (RELIABILITY.md): pre-activation
 * |got - r| <= u|r| + 4 sqrt(n) u S, n the reduction length (taps times
 * channels per group, plus one with a bias), propagated through the
 * (monotone) activation; the exact cases use integer data and must match
 * bit for bit. Exit status 0 when the output passes, 1 otherwise. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "reference.h"
#include "cli.h"

#define U 5.9604644775390625e-8 /* 2^-24 */

typedef enum { FORM_KERAS3, FORM_KERAS3_ENTRY, FORM_TF_KERAS2 } config_form;

typedef struct golden_case {
    const char *name;
    size_t filters, kernel_size, strides, dilation_rate, groups;
    c1d_padding padding;
    c1d_data_format data_format;
    c1d_activation activation;
    bool use_bias;
    size_t batch, steps, c_in;
    config_form form;
    bool exact; /* integer data: every partial sum is exact in float32 */
} golden_case;

#define LAST C1D_CHANNELS_LAST
#define FIRST C1D_CHANNELS_FIRST
#define VALID C1D_PADDING_VALID
#define SAME C1D_PADDING_SAME
#define CAUSAL C1D_PADDING_CAUSAL

static const golden_case cases[] = {
    /* name                  F  k  s  d  g  padding data   activation                bias b  L   C  form               exact */
    {"valid_last_linear",    4, 3, 1, 1, 1, VALID, LAST,  C1D_ACTIVATION_LINEAR,    true, 2, 11, 3, FORM_KERAS3,       false},
    {"same_last_relu_s2",    5, 4, 2, 1, 1, SAME,  LAST,  C1D_ACTIVATION_RELU,      true, 2, 13, 3, FORM_KERAS3_ENTRY, false},
    {"causal_last_tanh_d2",  3, 3, 1, 2, 1, CAUSAL, LAST, C1D_ACTIVATION_TANH,      false, 1, 10, 2, FORM_TF_KERAS2,   false},
    {"valid_first_sigmoid",  6, 2, 3, 1, 2, VALID, FIRST, C1D_ACTIVATION_SIGMOID,   true, 2, 14, 4, FORM_KERAS3_ENTRY, false},
    {"same_first_depthwise", 4, 5, 1, 1, 4, SAME,  FIRST, C1D_ACTIVATION_LINEAR,    true, 1, 7,  4, FORM_KERAS3,       false},
    {"causal_first_relu_d3", 8, 3, 1, 3, 1, CAUSAL, FIRST, C1D_ACTIVATION_RELU,     true, 3, 9,  5, FORM_TF_KERAS2,    false},
    {"same_last_elu",        4, 3, 1, 1, 1, SAME,  LAST,  C1D_ACTIVATION_ELU,       true, 2, 6,  3, FORM_KERAS3,       false},
    {"valid_first_relu6_s2", 3, 2, 2, 1, 1, VALID, FIRST, C1D_ACTIVATION_RELU6,     false, 2, 9, 2, FORM_KERAS3,       false},
    {"valid_last_long_sum",  8, 9, 1, 1, 1, VALID, LAST,  C1D_ACTIVATION_LINEAR,    true, 1, 50, 64, FORM_KERAS3,      false},
    {"exact_same_last",      16, 3, 1, 1, 1, SAME, LAST,  C1D_ACTIVATION_LINEAR,    true, 2, 33, 8, FORM_KERAS3,       true},
    {"exact_causal_first",   6, 4, 2, 1, 2, CAUSAL, FIRST, C1D_ACTIVATION_RELU,     true, 2, 17, 6, FORM_KERAS3_ENTRY, true},
    {"empty_batch",          4, 3, 1, 1, 1, SAME,  LAST,  C1D_ACTIVATION_RELU,      true, 0, 5,  3, FORM_KERAS3,       false},
    {"empty_steps_causal",   4, 3, 1, 1, 1, CAUSAL, FIRST, C1D_ACTIVATION_LINEAR,   true, 2, 0,  3, FORM_KERAS3,       false},
};

static const char *padding_name(c1d_padding p) { return p == VALID ? "valid" : p == SAME ? "same" : "causal"; }
static const char *format_name(c1d_data_format f) { return f == LAST ? "channels_last" : "channels_first"; }

static const char *activation_name(c1d_activation a) {
    switch (a) {
    case C1D_ACTIVATION_LINEAR: return "linear";
    case C1D_ACTIVATION_RELU: return "relu";
    case C1D_ACTIVATION_RELU6: return "relu6";
    case C1D_ACTIVATION_ELU: return "elu";
    case C1D_ACTIVATION_SIGMOID: return "sigmoid";
    case C1D_ACTIVATION_TANH: return "tanh";
    default: return NULL;
    }
}

static c1d_config case_config(const golden_case *c) {
    c1d_config cfg = {
        .filters = c->filters,
        .kernel_size = c->kernel_size,
        .strides = c->strides,
        .padding = c->padding,
        .data_format = c->data_format,
        .dilation_rate = c->dilation_rate,
        .groups = c->groups,
        .activation = c->activation,
        .use_bias = c->use_bias,
    };
    return cfg;
}

static uint64_t next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [-r, r), or integers in [-r, r] for the exact cases. */
static float *fill(size_t n, uint64_t *s, bool exact, int r) {
    float *x = malloc((n ? n : 1) * sizeof(float));
    for (size_t i = 0; i < n; i++) {
        if (exact)
            x[i] = (float)((int)(next(s) % (uint64_t)(2 * r + 1)) - r);
        else
            x[i] = (float)(((double)(next(s) >> 11) * 0x1.0p-53 * 2.0 - 1.0) * r);
    }
    return x;
}

static int write_config(const golden_case *c, const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    bool tf2 = c->form == FORM_TF_KERAS2;
    size_t shape_steps = c->steps, shape_c = c->c_in;
    if (c->form != FORM_KERAS3) fprintf(f, "{\"class_name\": \"Conv1D\", %s\"config\": ",
                                        tf2 ? "" : "\"module\": \"keras.layers\", \"registered_name\": null, ");
    fprintf(f, "{\"name\": \"conv1d_%s\", \"trainable\": true, ", c->name);
    if (tf2)
        fprintf(f, "\"dtype\": \"float32\", ");
    else
        fprintf(f, "\"dtype\": {\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\": {\"name\": "
                   "\"float32\"}, \"registered_name\": null}, ");
    fprintf(f, "\"filters\": %zu, \"kernel_size\": [%zu], \"strides\": [%zu], \"padding\": \"%s\", "
               "\"data_format\": \"%s\", \"dilation_rate\": [%zu], \"groups\": %zu, \"activation\": \"%s\", "
               "\"use_bias\": %s, ",
            c->filters, c->kernel_size, c->strides, padding_name(c->padding), format_name(c->data_format),
            c->dilation_rate, c->groups, activation_name(c->activation), c->use_bias ? "true" : "false");
    if (tf2)
        fprintf(f, "\"kernel_initializer\": {\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}, "
                   "\"bias_initializer\": {\"class_name\": \"Zeros\", \"config\": {}}, ");
    else
        fprintf(f, "\"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"GlorotUniform\", "
                   "\"config\": {\"seed\": null}, \"registered_name\": null}, \"bias_initializer\": {\"module\": "
                   "\"keras.initializers\", \"class_name\": \"Zeros\", \"config\": {}, \"registered_name\": null}, ");
    if (tf2)
        fprintf(f, "\"batch_input_shape\": [null, %zu, %zu], ", c->data_format == LAST ? shape_steps : shape_c,
                c->data_format == LAST ? shape_c : shape_steps);
    fprintf(f, "\"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, "
               "\"kernel_constraint\": null, \"bias_constraint\": null}");
    if (c->form == FORM_KERAS3_ENTRY)
        fprintf(f, ", \"build_config\": {\"input_shape\": [null, %zu, %zu]}}",
                c->data_format == LAST ? shape_steps : shape_c, c->data_format == LAST ? shape_c : shape_steps);
    else if (tf2)
        fprintf(f, "}");
    fprintf(f, "\n");
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

static void join(char *buf, size_t size, const char *dir, const char *file) { snprintf(buf, size, "%s/%s", dir, file); }

static int save(const char *dir, const char *file, size_t ndim, const size_t *shape, const float *data) {
    char path[4096];
    join(path, sizeof path, dir, file);
    if (npy_save(path, ndim, shape, data) != C1D_OK) {
        fprintf(stderr, "cli_golden: %s\n", cli_last_error());
        return 1;
    }
    return 0;
}

static void input_shape(const golden_case *c, size_t shape[3]) {
    shape[0] = c->batch;
    shape[1] = c->data_format == LAST ? c->steps : c->c_in;
    shape[2] = c->data_format == LAST ? c->c_in : c->steps;
}

static int make(const golden_case *c, size_t index, const char *dir) {
    uint64_t seed = 0xC1D0000u + index;
    size_t c_in_g = c->c_in / c->groups;
    size_t kshape[3] = {c->kernel_size, c_in_g, c->filters}, bshape[1] = {c->filters}, xshape[3];
    input_shape(c, xshape);
    float *w = fill(c->kernel_size * c_in_g * c->filters, &seed, c->exact, c->exact ? 4 : 1);
    float *b = fill(c->filters, &seed, c->exact, c->exact ? 8 : 1);
    float *x = fill(c->batch * c->steps * c->c_in, &seed, c->exact, c->exact ? 4 : 2);
    char path[4096];
    join(path, sizeof path, dir, "config.json");
    int rc = write_config(c, path) || save(dir, "kernel.npy", 3, kshape, w) || save(dir, "input.npy", 3, xshape, x) ||
             (c->use_bias && save(dir, "bias.npy", 1, bshape, b));
    free(w);
    free(b);
    free(x);
    return rc;
}

static int load(const char *dir, const char *file, npy_array *a) {
    char path[4096];
    join(path, sizeof path, dir, file);
    if (npy_load(path, a) != C1D_OK) {
        fprintf(stderr, "cli_golden: %s\n", cli_last_error());
        return 1;
    }
    return 0;
}

/* Tolerance of one activated output from the reference pre-activation z and
 * its pre-activation tolerance t (the activations here are monotone). */
static double activated_tolerance(c1d_activation a, double z, double t) {
    double fz = ref_activation(a, z);
    double lo = fabs(ref_activation(a, z - t) - fz), hi = fabs(ref_activation(a, z + t) - fz);
    bool exact = a == C1D_ACTIVATION_LINEAR || a == C1D_ACTIVATION_RELU || a == C1D_ACTIVATION_RELU6;
    return (lo > hi ? lo : hi) + (exact ? 0.0 : 4.0 * U * fabs(fz));
}

static int check(const golden_case *c, const char *dir, const char *out_path) {
    npy_array x, w, b, y;
    memset(&b, 0, sizeof b);
    if (load(dir, "input.npy", &x) || load(dir, "kernel.npy", &w) || (c->use_bias && load(dir, "bias.npy", &b)))
        return 1;
    if (npy_load(out_path, &y) != C1D_OK) {
        fprintf(stderr, "cli_golden: %s\n", cli_last_error());
        return 1;
    }
    c1d_config cfg = case_config(c);
    size_t l_out, pad_l;
    int rc = 1;
    if (!ref_output_length(&cfg, c->steps, &l_out, &pad_l)) {
        fprintf(stderr, "cli_golden: %s: the reference rejects this shape\n", c->name);
        goto done;
    }
    size_t want[3] = {c->batch, c->data_format == LAST ? l_out : c->filters, c->data_format == LAST ? c->filters : l_out};
    char got_s[128], want_s[128];
    if (y.ndim != 3 || y.shape[0] != want[0] || y.shape[1] != want[1] || y.shape[2] != want[2]) {
        fprintf(stderr, "cli_golden: %s: output shape %s, expected %s\n", c->name,
                npy_shape_format(y.ndim, y.shape, got_s, sizeof got_s), npy_shape_format(3, want, want_s, sizeof want_s));
        goto done;
    }
    size_t n = c->batch * l_out * c->filters;
    double *z = malloc((n ? n : 1) * sizeof(double)), *mag = malloc((n ? n : 1) * sizeof(double));
    double *ref = malloc((n ? n : 1) * sizeof(double));
    ref_conv1d(&cfg, c->c_in, c->batch, c->steps, x.data, w.data, c->use_bias ? b.data : NULL, z, mag);
    ref_activate(&cfg, c->batch, l_out, z, ref);
    double taps = (double)(c->kernel_size * (c->c_in / c->groups) + (c->use_bias ? 1 : 0));
    size_t failures = 0, zeros = 0;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double got = (double)y.data[i];
        double tol = c->exact ? 0.0
                              : activated_tolerance(c->activation, z[i], U * fabs(z[i]) + 4.0 * sqrt(taps) * U * mag[i]);
        double err = fabs(got - ref[i]);
        if (ref[i] == 0.0) zeros++;
        if (!(err <= tol)) {
            if (failures++ == 0)
                fprintf(stderr, "cli_golden: %s: element %zu is %.9g, reference %.9g (tolerance %.3g)\n", c->name, i,
                        got, ref[i], tol);
        } else if (tol > 0 && err / tol > worst) {
            worst = err / tol;
        }
    }
    /* benchdnn's rule: a test whose outputs are mostly zero proves little. */
    if (c->exact && n > 0 && zeros * 10 > n * 7) {
        fprintf(stderr, "cli_golden: %s: %zu of %zu reference outputs are 0; the case is mistrusted\n", c->name,
                zeros, n);
        failures++;
    }
    if (failures == 0) {
        printf("%s: %zu elements within tolerance (worst error/tolerance %.3f)\n", c->name, n, worst);
        rc = 0;
    } else {
        fprintf(stderr, "cli_golden: %s: %zu of %zu elements out of tolerance\n", c->name, failures, n);
    }
    free(z);
    free(mag);
    free(ref);
done:
    npy_array_free(&x);
    npy_array_free(&w);
    npy_array_free(&b);
    npy_array_free(&y);
    return rc;
}

int main(int argc, char **argv) {
    size_t ncases = sizeof cases / sizeof *cases;
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < ncases; i++) printf("%s\n", cases[i].name);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "npy") == 0 && argc - 3 <= NPY_MAX_DIMS) {
        size_t shape[NPY_MAX_DIMS], count = 1;
        uint64_t seed = 7;
        for (int d = 3; d < argc; d++) {
            shape[d - 3] = (size_t)strtoull(argv[d], NULL, 10);
            count *= shape[d - 3];
            seed = seed * 31 + shape[d - 3];
        }
        float *x = fill(count, &seed, false, 1);
        c1d_status st = npy_save(argv[2], (size_t)(argc - 3), shape, x);
        free(x);
        if (st) fprintf(stderr, "cli_golden: %s\n", cli_last_error());
        return st ? 1 : 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: cli_golden list | make CASE DIR | check CASE DIR OUTPUT.npy | npy PATH D0 ...\n");
        return 2;
    }
    size_t i = 0;
    while (i < ncases && strcmp(cases[i].name, argv[2]) != 0) i++;
    if (i == ncases) {
        fprintf(stderr, "cli_golden: unknown case '%s'\n", argv[2]);
        return 2;
    }
    if (strcmp(argv[1], "make") == 0 && argc == 4) return make(&cases[i], i, argv[3]);
    if (strcmp(argv[1], "check") == 0 && argc == 5) return check(&cases[i], argv[3], argv[4]);
    fprintf(stderr, "usage: cli_golden list | make CASE DIR | check CASE DIR OUTPUT.npy\n");
    return 2;
}
