/* run.c: `c1d run`: a Keras config and .npy kernel, bias and input in, the
 * layer's output .npy out. Everything is read and checked (shapes against the
 * config and against each other) before the output is opened, and the output
 * is written through a temporary file, so a failed run never leaves a
 * partial or clobbered output. */
#include "blas_control.h"
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "npy.h"

#define THREADS_MAX 1024

typedef struct run_args {
    const char *config, *kernel, *bias, *input, *output;
    int threads; /* 0: leave OpenBLAS's default */
    bool help;
} run_args;

/* A strict decimal in [1, THREADS_MAX]: no sign, no spaces, no suffix. */
static c1d_status parse_threads(const char *text, int *threads) {
    long v = 0;
    bool ok = text[0] != '\0';
    for (const char *p = text; ok && *p; p++) {
        ok = *p >= '0' && *p <= '9';
        if (ok) v = v * 10 + (*p - '0');
        if (v > THREADS_MAX) ok = false;
    }
    if (!ok || v < 1) return cli_usage("--threads: expected an integer from 1 to %d, got '%s'", THREADS_MAX, text);
    *threads = (int)v;
    return C1D_OK;
}

static c1d_status parse_args(int argc, char **argv, run_args *a) {
    static const char *const names[] = {"--config", "--kernel", "--bias", "--input", "--output", "--threads"};
    const char *threads_text = NULL;
    const char **slots[] = {&a->config, &a->kernel, &a->bias, &a->input, &a->output, &threads_text};
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            a->help = true;
            return C1D_OK;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            return cli_usage("run: unexpected argument '%s' (options are --config, --kernel, --bias, --input, "
                             "--output, --threads)", arg);
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        size_t k = 0;
        while (k < sizeof names / sizeof *names &&
               !(strlen(names[k]) == name_len && strncmp(arg, names[k], name_len) == 0))
            k++;
        if (k == sizeof names / sizeof *names)
            return cli_usage("run: unknown option '%.*s' (see c1d --help)", (int)name_len, arg);
        const char *value;
        if (eq) {
            value = eq + 1;
        } else {
            /* A following option is not taken as the value: `--kernel --input x`
             * lacks the kernel (a file named --x is written ./--x). */
            if (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1] == '-'))
                return cli_usage("%s: missing value", names[k]);
            value = argv[++i];
        }
        if (value[0] == '\0') return cli_usage("%s: empty value", names[k]);
        if (*slots[k]) return cli_usage("%s given twice ('%s' and '%s')", names[k], *slots[k], value);
        *slots[k] = value;
        if (slots[k] == &threads_text) {
            c1d_status st = parse_threads(value, &a->threads);
            if (st) return st;
        }
    }
    if (!a->config) return cli_usage("run: missing --config CONFIG.json");
    if (!a->kernel) return cli_usage("run: missing --kernel KERNEL.npy");
    if (!a->input) return cli_usage("run: missing --input INPUT.npy");
    if (!a->output) return cli_usage("run: missing --output OUTPUT.npy");
    return C1D_OK;
}

/* The output must not replace one of the files the run reads. */
static c1d_status check_output_alias(const run_args *a) {
    const char *inputs[] = {a->config, a->kernel, a->bias, a->input};
    const char *roles[] = {"--config", "--kernel", "--bias", "--input"};
    for (size_t i = 0; i < 4; i++)
        if (inputs[i] && cli_file_same(a->output, inputs[i]))
            return cli_fail(C1D_ALIAS, "%s: the output is the same file as the %s file %s; refusing to overwrite "
                            "an input", a->output, roles[i], inputs[i]);
    return C1D_OK;
}

static const char *shape_text(const npy_array *x, char *buf, size_t size) {
    return npy_shape_format(x->ndim, x->shape, buf, size);
}

/* Everything one run holds; released by run_free. */
typedef struct run_state {
    c1d_keras_config *keras;
    c1d_config cfg;
    size_t recorded_c_in; /* channels the config was built for; 0 if it does not say */
    npy_array input, kernel, bias;
    c1d_conv *conv;
    float *output;
} run_state;

static void run_free(run_state *r) {
    c1d_keras_config_destroy(r->keras);
    npy_array_free(&r->input);
    npy_array_free(&r->kernel);
    npy_array_free(&r->bias);
    c1d_conv_destroy(r->conv);
    free(r->output);
}

/* Input: rank 3; the channel axis follows data_format and must agree with
 * the config's build shape when it records one. */
static c1d_status load_input(const run_args *a, run_state *r, size_t *batch, size_t *steps, size_t *c_in) {
    c1d_status st = npy_load(a->input, &r->input);
    if (st) return st;
    bool first = r->cfg.data_format == C1D_CHANNELS_FIRST;
    char s[128];
    if (r->input.ndim != 3)
        return cli_fail(C1D_SHAPE_MISMATCH, "%s: expected a rank-3 input %s for %s, got shape %s", a->input,
                        first ? "(batch, channels, steps)" : "(batch, steps, channels)",
                        first ? "channels_first" : "channels_last", shape_text(&r->input, s, sizeof s));
    *batch = r->input.shape[0];
    *steps = r->input.shape[first ? 2 : 1];
    *c_in = r->input.shape[first ? 1 : 2];
    if (r->recorded_c_in != 0 && r->recorded_c_in != *c_in)
        return cli_fail(C1D_SHAPE_MISMATCH,
                        "%s: shape %s has %zu channels (axis %d, %s), but %s was built for %zu input channels",
                        a->input, shape_text(&r->input, s, sizeof s), *c_in, first ? 1 : 2,
                        first ? "channels_first" : "channels_last", a->config, r->recorded_c_in);
    return C1D_OK;
}

static c1d_status load_kernel(const run_args *a, run_state *r, size_t c_in) {
    c1d_status st = npy_load(a->kernel, &r->kernel);
    if (st) return st;
    size_t want[3] = {r->cfg.kernel_size, c_in / r->cfg.groups, r->cfg.filters};
    const npy_array *k = &r->kernel;
    if (k->ndim != 3 || k->shape[0] != want[0] || k->shape[1] != want[1] || k->shape[2] != want[2]) {
        char got[128], exp[128];
        /* PyTorch stores (filters, in_channels / groups, kernel_size). */
        bool torch = k->ndim == 3 && k->shape[0] == want[2] && k->shape[1] == want[1] && k->shape[2] == want[0];
        return cli_fail(C1D_SHAPE_MISMATCH,
                        "%s: kernel shape %s does not match (kernel_size, in_channels / groups, filters) = %s from "
                        "%s and %s%s", a->kernel, shape_text(k, got, sizeof got),
                        npy_shape_format(3, want, exp, sizeof exp), a->config, a->input,
                        torch ? " (it looks like PyTorch's (filters, in_channels, kernel_size) layout: use "
                                "np.transpose(w, (2, 1, 0)))" : "");
    }
    if ((st = c1d_conv_set_kernel(r->conv, k->data, want[0], want[1], want[2])))
        return cli_fail(st, "%s: %s", a->kernel, c1d_last_error());
    return C1D_OK;
}

static c1d_status load_bias(const run_args *a, run_state *r) {
    c1d_status st = npy_load(a->bias, &r->bias);
    if (st) return st;
    if (r->bias.ndim != 1 || r->bias.shape[0] != r->cfg.filters) {
        char got[128];
        return cli_fail(C1D_SHAPE_MISMATCH, "%s: bias shape %s does not match (filters,) = (%zu,) from %s", a->bias,
                        shape_text(&r->bias, got, sizeof got), r->cfg.filters, a->config);
    }
    if ((st = c1d_conv_set_bias(r->conv, r->bias.data, r->cfg.filters)))
        return cli_fail(st, "%s: %s", a->bias, c1d_last_error());
    return C1D_OK;
}

static c1d_status run(const run_args *a, run_state *r) {
    c1d_status st = check_output_alias(a);
    if (st) return st;
    if ((st = cli_config_load(a->config, &r->keras))) return st;
    if ((st = c1d_keras_config_get(r->keras, &r->cfg, &r->recorded_c_in)))
        return cli_fail(st, "%s: %s", a->config, c1d_last_error());
    if (r->cfg.use_bias && !a->bias)
        return cli_fail(C1D_INVALID_ARG, "%s: use_bias is true, so --bias BIAS.npy is required", a->config);
    if (!r->cfg.use_bias && a->bias)
        return cli_fail(C1D_INVALID_ARG, "%s: --bias was given, but %s has use_bias false (the layer has no bias)",
                        a->bias, a->config);

    size_t batch = 0, steps = 0, c_in = 0;
    if ((st = load_input(a, r, &batch, &steps, &c_in))) return st;
    if ((st = c1d_conv_create(&r->cfg, c_in, &r->conv)))
        return cli_fail(st, "%s with %zu input channels from %s: %s", a->config, c_in, a->input, c1d_last_error());
    if ((st = load_kernel(a, r, c_in))) return st;
    if (a->bias && (st = load_bias(a, r))) return st;

    size_t shape[3], count, bytes;
    if ((st = c1d_conv_output_shape(r->conv, batch, steps, shape)))
        return cli_fail(st, "%s: %s", a->input, c1d_last_error());
    if (__builtin_mul_overflow(shape[0], shape[1], &count) || __builtin_mul_overflow(count, shape[2], &count) ||
        __builtin_mul_overflow(count, sizeof(float), &bytes) || bytes > C1D_MAX_ALLOC_BYTES)
        return cli_fail(C1D_TOO_LARGE, "%s: the output (%zu, %zu, %zu) is above the %zu-byte limit", a->output,
                        shape[0], shape[1], shape[2], C1D_MAX_ALLOC_BYTES);
    if (count > 0 && !(r->output = malloc(bytes)))
        return cli_fail(C1D_NOMEM, "%s: cannot allocate %zu bytes for the output", a->output, bytes);
    if (a->threads > 0) blas_control_set_threads(a->threads);
    if ((st = c1d_conv_forward(r->conv, batch, steps, r->input.data, r->output, NULL, 0)))
        return cli_fail(st, "%s: %s", a->input, c1d_last_error());
    return npy_save(a->output, 3, shape, r->output);
}

c1d_status cli_cmd_run(int argc, char **argv) {
    run_args a;
    memset(&a, 0, sizeof a);
    c1d_status st = parse_args(argc, argv, &a);
    if (st) return st;
    if (a.help) return cli_print_usage();
    run_state r;
    memset(&r, 0, sizeof r);
    st = run(&a, &r);
    run_free(&r);
    return st;
}
