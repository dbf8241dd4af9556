/* config.c: Keras defaults, the constructor's validation rules (with Keras's
 * messages behind the field name), names of the enums, and the output length
 * and padding table of spec section 4. */
#include <ctype.h>
#include <string.h>

#include "internal.h"

c1d_config c1d_config_default(size_t filters, size_t kernel_size) {
    c1d_config cfg = {
        .filters = filters,
        .kernel_size = kernel_size,
        .strides = 1,
        .padding = C1D_PADDING_VALID,
        .data_format = C1D_CHANNELS_LAST,
        .dilation_rate = 1,
        .groups = 1,
        .activation = C1D_ACTIVATION_LINEAR,
        .use_bias = true,
    };
    return cfg;
}

/* Keras normalises kernel_size, strides and dilation_rate to 1-tuples and
 * rejects values <= 0 with this message. */
static c1d_status check_tuple_arg(const char *name, size_t v) {
    if (v == 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: The `%s` argument must be a tuple of 1 integers. Received %s=0, including values "
                        "{0} that do not satisfy `value > 0`",
                        name, name, name);
    return C1D_OK;
}

c1d_status c1d_config_validate(const c1d_config *cfg) {
    if (!cfg) return c1d_fail(C1D_INVALID_ARG, "config: expected a pointer, got NULL");
    c1d_status st;
    if ((st = check_tuple_arg("kernel_size", cfg->kernel_size))) return st;
    if ((st = check_tuple_arg("strides", cfg->strides))) return st;
    if ((st = check_tuple_arg("dilation_rate", cfg->dilation_rate))) return st;
    if ((unsigned)cfg->padding > C1D_PADDING_CAUSAL)
        return c1d_fail(C1D_INVALID_ARG, "padding: expected one of valid, same, causal, got enum value %u",
                        (unsigned)cfg->padding);
    if ((unsigned)cfg->data_format > C1D_CHANNELS_FIRST)
        return c1d_fail(C1D_INVALID_ARG,
                        "data_format: expected channels_last or channels_first, got enum value %u",
                        (unsigned)cfg->data_format);
    if ((unsigned)cfg->activation >= C1D_ACTIVATION_COUNT_)
        return c1d_fail(C1D_INVALID_ARG, "activation: Could not interpret activation function identifier: %u",
                        (unsigned)cfg->activation);
    if (cfg->filters == 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "filters: Invalid value for argument `filters`. Expected a strictly positive value. "
                        "Received filters=0.");
    if (cfg->groups == 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "groups: The number of groups must be a positive integer. Received: groups=0.");
    if (cfg->filters % cfg->groups != 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "groups: The number of filters must be evenly divisible by the number of groups. "
                        "Received: groups=%zu, filters=%zu.",
                        cfg->groups, cfg->filters);
    if (cfg->strides > 1 && cfg->dilation_rate > 1)
        return c1d_fail(C1D_INVALID_ARG,
                        "strides: `strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                        "Received: strides=(%zu,) and dilation_rate=(%zu,)",
                        cfg->strides, cfg->dilation_rate);
    size_t k_eff;
    if (!c1d_mul(cfg->dilation_rate, cfg->kernel_size - 1, &k_eff) || !c1d_add(k_eff, 1, &k_eff))
        return c1d_fail(C1D_TOO_LARGE,
                        "kernel_size: dilation_rate * (kernel_size - 1) + 1 overflows (kernel_size=%zu, "
                        "dilation_rate=%zu)",
                        cfg->kernel_size, cfg->dilation_rate);
    if (!c1d_fits_int(cfg->filters))
        return c1d_fail(C1D_TOO_LARGE, "filters: %zu does not fit the BLAS int (max %d)", cfg->filters,
                        INT32_MAX);
    if (cfg->activation == C1D_ACTIVATION_GLU && cfg->data_format == C1D_CHANNELS_LAST && cfg->filters % 2)
        return c1d_fail(C1D_INVALID_ARG,
                        "activation: glu splits the last axis (filters under channels_last) in halves, so it "
                        "must be even; got filters=%zu",
                        cfg->filters);
    return C1D_OK;
}

c1d_status c1d_output_length(const c1d_config *cfg, size_t k_eff, size_t steps, size_t *l_out, size_t *pad_l) {
    size_t end;
    if (!c1d_add(steps, k_eff, &end))
        return c1d_fail(C1D_TOO_LARGE, "steps: %zu plus the dilated kernel extent %zu overflows", steps, k_eff);
    const size_t s = cfg->strides;
    switch (cfg->padding) {
    case C1D_PADDING_VALID:
        if (steps < k_eff)
            return c1d_fail(C1D_INVALID_ARG,
                            "steps: Computed output size would be zero or negative. Received steps=%zu, "
                            "kernel_size=%zu, dilation_rate=[%zu], strides=(%zu,), padding=valid (the dilated "
                            "kernel spans %zu steps)",
                            steps, cfg->kernel_size, cfg->dilation_rate, s, k_eff);
        *l_out = (steps - k_eff) / s + 1;
        *pad_l = 0;
        break;
    case C1D_PADDING_SAME: {
        *l_out = steps == 0 ? 0 : (steps - 1) / s + 1;
        /* P = max((l_out - 1) * s + k_eff - L, 0), the odd element on the right. */
        size_t need = *l_out == 0 ? 0 : (*l_out - 1) * s + k_eff;
        size_t total = need > steps ? need - steps : 0;
        *pad_l = total / 2;
        break;
    }
    case C1D_PADDING_CAUSAL:
        *l_out = steps == 0 ? 0 : (steps - 1) / s + 1;
        *pad_l = k_eff - 1;
        break;
    }
    return C1D_OK;
}

bool c1d_activation_is_axiswise(c1d_activation a) {
    return a == C1D_ACTIVATION_SOFTMAX || a == C1D_ACTIVATION_LOG_SOFTMAX || a == C1D_ACTIVATION_SPARSEMAX ||
           a == C1D_ACTIVATION_GLU;
}

static const char *const padding_names[] = {"valid", "same", "causal"};
static const char *const data_format_names[] = {"channels_last", "channels_first"};
static const char *const activation_names[C1D_ACTIVATION_COUNT_] = {
    [C1D_ACTIVATION_LINEAR] = "linear",
    [C1D_ACTIVATION_RELU] = "relu",
    [C1D_ACTIVATION_RELU6] = "relu6",
    [C1D_ACTIVATION_LEAKY_RELU] = "leaky_relu",
    [C1D_ACTIVATION_ELU] = "elu",
    [C1D_ACTIVATION_SELU] = "selu",
    [C1D_ACTIVATION_CELU] = "celu",
    [C1D_ACTIVATION_SIGMOID] = "sigmoid",
    [C1D_ACTIVATION_HARD_SIGMOID] = "hard_sigmoid",
    [C1D_ACTIVATION_SPARSE_SIGMOID] = "sparse_sigmoid",
    [C1D_ACTIVATION_LOG_SIGMOID] = "log_sigmoid",
    [C1D_ACTIVATION_SILU] = "silu",
    [C1D_ACTIVATION_HARD_SILU] = "hard_silu",
    [C1D_ACTIVATION_GELU] = "gelu",
    [C1D_ACTIVATION_TANH] = "tanh",
    [C1D_ACTIVATION_TANH_SHRINK] = "tanh_shrink",
    [C1D_ACTIVATION_HARD_TANH] = "hard_tanh",
    [C1D_ACTIVATION_SOFTPLUS] = "softplus",
    [C1D_ACTIVATION_SOFTSIGN] = "softsign",
    [C1D_ACTIVATION_SQUAREPLUS] = "squareplus",
    [C1D_ACTIVATION_SPARSE_PLUS] = "sparse_plus",
    [C1D_ACTIVATION_SOFT_SHRINK] = "soft_shrink",
    [C1D_ACTIVATION_HARD_SHRINK] = "hard_shrink",
    [C1D_ACTIVATION_EXPONENTIAL] = "exponential",
    [C1D_ACTIVATION_MISH] = "mish",
    [C1D_ACTIVATION_SOFTMAX] = "softmax",
    [C1D_ACTIVATION_LOG_SOFTMAX] = "log_softmax",
    [C1D_ACTIVATION_SPARSEMAX] = "sparsemax",
    [C1D_ACTIVATION_GLU] = "glu",
};

const char *c1d_padding_name(c1d_padding p) { return (unsigned)p <= C1D_PADDING_CAUSAL ? padding_names[p] : NULL; }

const char *c1d_data_format_name(c1d_data_format f) {
    return (unsigned)f <= C1D_CHANNELS_FIRST ? data_format_names[f] : NULL;
}

const char *c1d_activation_name(c1d_activation a) {
    return (unsigned)a < C1D_ACTIVATION_COUNT_ ? activation_names[a] : NULL;
}

/* strcasecmp in the C locale's sense: Keras lower-cases with str.lower(),
 * and only ASCII letters can match these names. */
static bool ascii_equal_nocase(const char *a, const char *b) {
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b) || (unsigned char)*a >= 0x80) return false;
    return *a == *b;
}

c1d_status c1d_padding_from_name(const char *name, c1d_padding *padding) {
    if (!name || !padding) return c1d_fail(C1D_INVALID_ARG, "padding: expected a name, got NULL");
    for (unsigned i = 0; i <= C1D_PADDING_CAUSAL; i++)
        if (ascii_equal_nocase(name, padding_names[i])) {
            *padding = (c1d_padding)i;
            return C1D_OK;
        }
    return c1d_fail(C1D_INVALID_ARG,
                    "padding: The `padding` argument must be a list/tuple or one of {'valid', 'same', "
                    "'causal'}. Received: %.64s",
                    name);
}

c1d_status c1d_data_format_from_name(const char *name, c1d_data_format *data_format) {
    if (!name || !data_format) return c1d_fail(C1D_INVALID_ARG, "data_format: expected a name, got NULL");
    for (unsigned i = 0; i <= C1D_CHANNELS_FIRST; i++)
        if (ascii_equal_nocase(name, data_format_names[i])) {
            *data_format = (c1d_data_format)i;
            return C1D_OK;
        }
    return c1d_fail(C1D_INVALID_ARG,
                    "data_format: The `data_format` argument must be one of {'channels_first', "
                    "'channels_last'}. Received: data_format=%.64s",
                    name);
}

c1d_status c1d_activation_from_name(const char *name, c1d_activation *activation) {
    if (!name || !activation) return c1d_fail(C1D_INVALID_ARG, "activation: expected a name, got NULL");
    if (strcmp(name, "swish") == 0) name = "silu";
    if (strcmp(name, "hard_swish") == 0) name = "hard_silu";
    for (unsigned i = 0; i < C1D_ACTIVATION_COUNT_; i++)
        if (strcmp(name, activation_names[i]) == 0) {
            *activation = (c1d_activation)i;
            return C1D_OK;
        }
    if (strcmp(name, "threshold") == 0)
        return c1d_fail(C1D_UNSUPPORTED,
                        "activation: 'threshold' needs `threshold` and `default_value` arguments, which a "
                        "string activation cannot give (Keras fails when the layer is called)");
    return c1d_fail(C1D_UNSUPPORTED, "activation: Could not interpret activation function identifier: %.64s",
                    name);
}
