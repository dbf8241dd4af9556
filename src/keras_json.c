/* keras_json.c: a Keras Conv1D config as JSON, read as Keras 3's
 * Conv1D.from_config() reads it (spec 12.4) and written back in the Keras
 * 3.16 get_config() form (spec 12.1, 12.2).
 *
 * Reading, in order:
 *   1. the raw text: at most KERAS_JSON_MAX_BYTES (1 MiB), no UTF-8
 *      byte-order mark, containers nested at most KERAS_JSON_MAX_DEPTH (64)
 *      deep; a scan without recursion checks the depth, so jansson (which
 *      recurses, up to its own limit of 2048) never goes deeper than that;
 *   2. jansson: strict RFC 8259 (no NaN/Infinity, comments, leading zeros,
 *      trailing text or invalid UTF-8; no \u0000 without JSON_ALLOW_NUL),
 *      duplicate keys refused, integers beyond 64 bits and reals beyond the
 *      double range refused, numbers read the same in every locale;
 *   3. the tree, against an allow-list of keys: each value is checked as
 *      Keras's constructor checks it, the forward-pass fields finally by
 *      c1d_config_validate, so messages match c1d_conv_create's.
 * Messages name the key path: relative to the layer config for values
 * ("kernel_initializer.config.scale: ..."), the JSON path for syntax errors
 * ("config.filters: too big integer ...").
 *
 * Accepted forms: the bare config, and {"class_name": "Conv1D" or
 * "Convolution1D", "config": {...}} with or without "module",
 * "registered_name", "build_config" (Keras 3, tf.keras 2.13+) and the
 * "name" / "inbound_nodes" keys of a functional model's layer entry. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "keras_json.h"

#define KERAS_JSON_MAX_BYTES ((size_t)1 << 20)
/* A Conv1D config nests 6 deep at most (wrapper, config, initializer,
 * its config, a SeedGenerator, its config); 64 leaves room and keeps any
 * recursion over the tree shallow. */
#define KERAS_JSON_MAX_DEPTH 64

enum {
    KERNEL_INITIALIZER,
    BIAS_INITIALIZER,
    KERNEL_REGULARIZER,
    BIAS_REGULARIZER,
    ACTIVITY_REGULARIZER,
    KERNEL_CONSTRAINT,
    BIAS_CONSTRAINT,
    N_OBJECTS
};

static const struct {
    const char *key;
    c1d_keras_family family;
    const char *default_class; /* what an absent key means; NULL: None */
} object_fields[N_OBJECTS] = {
    [KERNEL_INITIALIZER] = {"kernel_initializer", C1D_KERAS_INITIALIZER, "GlorotUniform"},
    [BIAS_INITIALIZER] = {"bias_initializer", C1D_KERAS_INITIALIZER, "Zeros"},
    [KERNEL_REGULARIZER] = {"kernel_regularizer", C1D_KERAS_REGULARIZER, NULL},
    [BIAS_REGULARIZER] = {"bias_regularizer", C1D_KERAS_REGULARIZER, NULL},
    [ACTIVITY_REGULARIZER] = {"activity_regularizer", C1D_KERAS_REGULARIZER, NULL},
    [KERNEL_CONSTRAINT] = {"kernel_constraint", C1D_KERAS_CONSTRAINT, NULL},
    [BIAS_CONSTRAINT] = {"bias_constraint", C1D_KERAS_CONSTRAINT, NULL},
};

struct c1d_keras_config {
    c1d_config conv;
    size_t in_channels;         /* 0: the config records no input shape */
    char *name;                 /* from c1d_alloc */
    bool trainable;
    c1d_keras_object object[N_OBJECTS];
    json_int_t lora_rank;       /* 0: LoRA off (Keras treats 0 and None alike) */
    c1d_keras_number lora_alpha; /* when lora_rank > 0 */
};

/* An input shape a config records, with the key path it came from. */
typedef struct shape_source {
    char path[48];
    size_t rank;               /* entries in dim / known */
    json_int_t dim[3];
    bool known[3];             /* false for None */
} shape_source;

/* ---- Raw text: nesting depth and the key path at a byte offset ---- */

/* One open container while scanning raw JSON text. */
typedef struct scan_level {
    bool is_object;
    bool expect_key;  /* objects: the next string is a key */
    bool has_key;
    size_t index;     /* arrays: elements before the current one */
    size_t key_at, key_len;
} scan_level;

typedef struct json_scan {
    scan_level level[KERAS_JSON_MAX_DEPTH];
    size_t depth;
} json_scan;

/* Follows strings and containers in text[0, end) without recursion.
 * Returns false with *where at the bracket that would open a container
 * deeper than KERAS_JSON_MAX_DEPTH. Exact for valid JSON; on invalid text
 * it only has to stay in bounds, since jansson reports the error. */
static bool scan_text(const char *text, size_t end, json_scan *s, size_t *where) {
    bool in_string = false;
    size_t string_at = 0;
    s->depth = 0;
    for (size_t i = 0; i < end; i++) {
        const char c = text[i];
        scan_level *top = s->depth ? &s->level[s->depth - 1] : NULL;
        if (in_string) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_string = false;
                if (top && top->is_object && top->expect_key) {
                    top->has_key = true;
                    top->key_at = string_at;
                    top->key_len = i - string_at;
                }
            }
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            string_at = i + 1;
            break;
        case '{':
        case '[':
            if (s->depth == KERAS_JSON_MAX_DEPTH) {
                *where = i;
                return false;
            }
            s->level[s->depth++] = (scan_level){.is_object = c == '{', .expect_key = c == '{'};
            break;
        case '}':
        case ']':
            if (s->depth) s->depth--;
            break;
        case ':':
            if (top && top->is_object) top->expect_key = false;
            break;
        case ',':
            if (top && top->is_object) top->expect_key = true;
            if (top && !top->is_object) top->index++;
            break;
        default:
            break;
        }
    }
    return true;
}

/* The path of the scan's position: "config.kernel_size[0]"; "json" at the top. */
static void scan_path(const char *text, const json_scan *s, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    for (size_t d = 0; d < s->depth && used + 1 < size; d++) {
        const scan_level *l = &s->level[d];
        if (l->is_object && l->has_key) {
            if (used && used + 1 < size) buf[used++] = '.';
            for (size_t k = 0; k < l->key_len && k < 40 && used + 1 < size; k++) {
                const char c = text[l->key_at + k];
                buf[used++] = (c >= 0x20 && c < 0x7f) ? c : '?';
            }
            buf[used] = '\0';
        } else if (!l->is_object) {
            int n = snprintf(buf + used, size - used, "[%zu]", l->index);
            used = n < 0 ? used : used + (size_t)n;
            if (used >= size) used = size - 1;
        }
    }
    if (!buf[0]) snprintf(buf, size, "json");
}

static c1d_status parse_failure(const char *text, size_t length, const json_error_t *err) {
    /* jansson gives every syntax error a text; it returns NULL with no
     * text only when one of its allocations failed. (Some other
     * allocation failures in its lexer surface as syntax errors, or are
     * lost: jansson issue #362.) */
    if (err->text[0] == '\0') return c1d_fail(C1D_NOMEM, "json: out of memory while parsing");
    const enum json_error_code code = json_error_code(err);
    const c1d_status status = code == json_error_numeric_overflow ? C1D_TOO_LARGE
                              : code == json_error_out_of_memory  ? C1D_NOMEM
                                                                   : C1D_PARSE;
    json_scan s;
    size_t ignored;
    char path[128], reason[JSON_ERROR_TEXT_LENGTH];
    size_t at = err->position > 0 && (size_t)err->position < length ? (size_t)err->position : length;
    scan_text(text, at, &s, &ignored);
    scan_path(text, &s, path, sizeof path);
    /* jansson quotes the offending token, which may hold any byte. */
    size_t n = 0;
    for (; err->text[n] && n + 1 < sizeof reason; n++)
        reason[n] = (err->text[n] >= 0x20 && err->text[n] < 0x7f) ? err->text[n] : '?';
    reason[n] = '\0';
    return c1d_fail(status, "%s: %s (line %d, column %d)", path, reason, err->line, err->column);
}

/* ---- Values ---- */

/* Python's name for the type of the value Keras would have received. */
static const char *python_type(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "dict";
    case JSON_ARRAY: return "list";
    case JSON_STRING: return "str";
    case JSON_INTEGER: return "int";
    case JSON_REAL: return "float";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    case JSON_NULL: return "NoneType";
    }
    return "?";
}

static bool to_size(json_int_t v, size_t *out) {
#if SIZE_MAX < LLONG_MAX
    if ((unsigned long long)v > SIZE_MAX) return false;
#endif
    *out = (size_t)v;
    return true;
}

/* tf.keras's SavedModel JSON encoder writes a tuple as
 * {"class_name": "__tuple__", "items": [...]} and Keras's decoder turns it
 * back into a tuple; anything else is returned unchanged. */
static const json_t *unwrap_tuple(const json_t *v) {
    const json_t *cn = json_object_get(v, "class_name");
    const json_t *items = json_object_get(v, "items");
    if (json_object_size(v) == 2 && json_is_string(cn) && strcmp(json_string_value(cn), "__tuple__") == 0 &&
        json_is_array(items))
        return items;
    return v;
}

/* kernel_size, strides, dilation_rate: an int or a 1-element list of one
 * (spec 2, rule 6). c1d wants JSON integers where Keras would also take
 * floats and bools: Keras keeps [3.0] as a float and fails at build, and
 * never writes a bool. 0 goes on to c1d_config_validate's message. */
static c1d_status read_tuple_arg(const json_t *value, const char *key, size_t *out) {
    char got[64];
    c1d_json_describe(value, got, sizeof got);
    const json_t *item = unwrap_tuple(value);
    if (json_is_array(item)) {
        if (json_array_size(item) != 1)
            return c1d_fail(C1D_INVALID_ARG, "%s: The `%s` argument must be a tuple of 1 integers. Received %s=%s",
                            key, key, key, got);
        item = json_array_get(item, 0);
    }
    if (!json_is_integer(item))
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: The `%s` argument must be a tuple of 1 integers. Received %s=%s (c1d takes JSON "
                        "integers only: Keras keeps a float such as 3.0 and fails when it builds the kernel)",
                        key, key, key, got);
    const json_int_t v = json_integer_value(item);
    if (v < 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: The `%s` argument must be a tuple of 1 integers. Received %s=%s, including values "
                        "{%lld} that do not satisfy `value > 0`",
                        key, key, key, got, (long long)v);
    if (!to_size(v, out)) return c1d_fail(C1D_TOO_LARGE, "%s: %s does not fit a size_t", key, got);
    return C1D_OK;
}

/* filters, groups: a JSON integer; negatives get Keras's message here,
 * 0 and sizes c1d cannot take get c1d_config_validate's. */
static c1d_status read_count(const json_t *value, const char *key, size_t *out) {
    json_int_t v;
    c1d_status st = c1d_json_read_int(value, key, &v);
    if (st) return st;
    if (v < 0 && strcmp(key, "filters") == 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "filters: Invalid value for argument `filters`. Expected a strictly positive value. "
                        "Received filters=%lld.",
                        (long long)v);
    if (v < 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "groups: The number of groups must be a positive integer. Received: groups=%lld.",
                        (long long)v);
    if (!to_size(v, out)) return c1d_fail(C1D_TOO_LARGE, "%s: %lld does not fit a size_t", key, (long long)v);
    return C1D_OK;
}

static c1d_status read_bool(const json_t *value, const char *key, bool *out) {
    if (!json_is_boolean(value)) {
        char got[64];
        c1d_json_describe(value, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s: expected true or false, got %s", key, got);
    }
    *out = json_is_true(value);
    return C1D_OK;
}

/* Class names of tf.keras 2 activation layers, which tf.keras 2 (not
 * Keras 3) resolved as activation strings. */
static const char *const keras2_activations[] = {"ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU",
                                                 "Softmax", NULL};

static c1d_status read_activation_name(const char *name, c1d_activation *out) {
    for (const char *const *k = keras2_activations; *k; k++)
        if (strcmp(name, *k) == 0)
            return c1d_fail(C1D_UNSUPPORTED,
                            "activation: '%s' is a tf.keras 2 activation-layer name, which Keras 3 does not "
                            "accept as an activation (Could not interpret activation function identifier)",
                            name);
    return c1d_activation_from_name(name, out);
}

/* null (linear), a function name (case-sensitive), or a serialized
 * function {"class_name": "function", "config": "<name>", "module":
 * "keras.activations" or "builtins"}. Lambdas, activation layers and
 * custom functions are refused; nothing is imported or run. */
static c1d_status read_activation(const json_t *value, c1d_activation *out) {
    char got[64];
    if (!value || json_is_null(value)) {
        *out = C1D_ACTIVATION_LINEAR;
        return C1D_OK;
    }
    if (json_is_string(value)) return read_activation_name(json_string_value(value), out);
    if (!json_is_object(value)) {
        c1d_json_describe(value, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "activation: Could not interpret activation function identifier: %s", got);
    }
    c1d_keras_envelope env;
    c1d_status st = c1d_keras_envelope_read(value, "activation", "activation", &env);
    if (st) return st;
    if (strcmp(env.class_name, "__lambda__") == 0)
        return c1d_fail(C1D_UNSUPPORTED,
                        "activation.class_name: '__lambda__' is stored Python bytecode, which Keras loads only in "
                        "unsafe mode; c1d never runs it");
    const char *module = env.module ? json_string_value(env.module) : "";
    if (strcmp(env.class_name, "function") != 0 ||
        (strcmp(module, "keras.activations") != 0 && strcmp(module, "builtins") != 0) ||
        !json_is_string(env.config)) {
        c1d_json_describe(value, got, sizeof got);
        return c1d_fail(C1D_UNSUPPORTED,
                        "activation: %s is not a Keras activation function (activation layers and custom "
                        "objects are not offered; only keras.activations functions are)",
                        got);
    }
    const char *name = json_string_value(env.config);
    if (env.registered_name && strcmp(env.registered_name, name) != 0)
        return c1d_fail(C1D_UNSUPPORTED,
                        "activation.registered_name: '%.64s' names a custom registered function; c1d offers the "
                        "Keras activations only",
                        env.registered_name);
    return read_activation_name(name, out);
}

static c1d_status read_name(const json_t *value, char **out) {
    const char *name = "conv1d"; /* Keras's automatic name, before its uniquifying suffix */
    if (value && !json_is_null(value)) {
        if (!json_is_string(value) || strchr(json_string_value(value), '/')) {
            char got[64];
            c1d_json_describe(value, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG,
                            "name: Argument `name` must be a string and cannot contain character `/`. Received: "
                            "name=%s (of type %s)",
                            got, python_type(value));
        }
        name = json_string_value(value);
    }
    *out = c1d_keras_strdup(name);
    return *out ? C1D_OK : c1d_fail(C1D_NOMEM, "name: out of memory copying the layer name");
}

/* A shape list of `rank` entries, each null or an integer >= 0 (the
 * __tuple__ form too). */
static c1d_status read_shape(const json_t *value, const char *path, size_t rank, shape_source *shape) {
    char got[64], where[80];
    c1d_json_describe(value, got, sizeof got);
    const json_t *list = unwrap_tuple(value);
    if (!json_is_array(list) || json_array_size(list) != rank)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: expected a list of %zu dimensions (%s), got %s; Conv1D takes rank-3 inputs only", path,
                        rank, rank == 3 ? "batch, then steps and channels in data_format order" : "steps and channels",
                        got);
    memset(shape, 0, sizeof *shape);
    snprintf(shape->path, sizeof shape->path, "%s", path);
    shape->rank = rank;
    for (size_t i = 0; i < rank; i++) {
        const json_t *d = json_array_get(list, i);
        if (json_is_null(d)) continue;
        snprintf(where, sizeof where, "%s[%zu]", path, i);
        c1d_status st = c1d_json_read_int(d, where, &shape->dim[i]);
        if (st) return st;
        if (shape->dim[i] < 0)
            return c1d_fail(C1D_INVALID_ARG, "%s: a dimension must be >= 0 or null, got %lld", where,
                            (long long)shape->dim[i]);
        shape->known[i] = true;
    }
    return C1D_OK;
}

/* The input channel count a shape records, checked as Keras's build
 * checks it (spec 2, rules 18-19). */
static c1d_status shape_channels(const shape_source *shape, const c1d_config *cfg, size_t *channels) {
    /* A rank-2 `input_shape` kwarg has no batch entry. */
    const size_t offset = 3 - shape->rank;
    const size_t c_axis = cfg->data_format == C1D_CHANNELS_LAST ? 2 : 1;
    const size_t l_axis = 3 - c_axis;
    const char *format = c1d_data_format_name(cfg->data_format);
    if (!shape->known[c_axis - offset] || shape->dim[c_axis - offset] == 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: the channel axis (axis %zu under %s) must hold a known channel count >= 1, got %s",
                        shape->path, c_axis - offset, format, shape->known[c_axis - offset] ? "0" : "null");
    size_t c;
    if (!to_size(shape->dim[c_axis - offset], &c))
        return c1d_fail(C1D_TOO_LARGE, "%s: the channel count does not fit a size_t", shape->path);
    if (c % cfg->groups != 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: The number of input channels must be evenly divisible by the number of groups. "
                        "Received groups=%zu, but the input has %zu channels.",
                        shape->path, cfg->groups, c);
    if (shape->known[l_axis - offset]) {
        size_t steps, l_out, pad_l;
        /* c1d_config_validate has checked that the dilated extent fits. */
        const size_t k_eff = cfg->dilation_rate * (cfg->kernel_size - 1) + 1;
        if (!to_size(shape->dim[l_axis - offset], &steps))
            return c1d_fail(C1D_TOO_LARGE, "%s: the step count does not fit a size_t", shape->path);
        c1d_status st = c1d_output_length(cfg, k_eff, steps, &l_out, &pad_l);
        if (st) {
            char why[400];
            snprintf(why, sizeof why, "%s", c1d_last_error());
            return c1d_fail(st, "%s: %s", shape->path, why);
        }
    }
    *channels = c;
    return C1D_OK;
}

/* ---- The layer config ---- */

static const char *const layer_keys[] = {
    "name",           "trainable",        "dtype",              "filters",          "kernel_size",
    "strides",        "padding",          "data_format",        "dilation_rate",    "groups",
    "activation",     "use_bias",         "kernel_initializer", "bias_initializer", "kernel_regularizer",
    "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint", "lora_rank",
    "lora_alpha",     "batch_input_shape", "input_shape",       "autocast",         NULL};

static c1d_status read_lora(const json_t *config, c1d_keras_config *cfg) {
    const json_t *rank = json_object_get(config, "lora_rank");
    const json_t *alpha = json_object_get(config, "lora_alpha");
    char got[64];
    c1d_status st;
    if (rank && !json_is_null(rank)) {
        if ((st = c1d_json_read_int(rank, "lora_rank", &cfg->lora_rank))) return st;
        if (cfg->lora_rank < 0)
            return c1d_fail(C1D_INVALID_ARG,
                            "lora_rank: expected an integer >= 1 (0 or null leaves LoRA off), got %lld",
                            (long long)cfg->lora_rank);
    }
    /* Keras: lora_alpha defaults to the rank (a scale of 1). */
    cfg->lora_alpha = (c1d_keras_number){.is_int = true, .i = cfg->lora_rank, .d = (double)cfg->lora_rank};
    if (alpha && !json_is_null(alpha)) {
        if (json_is_integer(alpha)) {
            cfg->lora_alpha = (c1d_keras_number){
                .is_int = true, .i = json_integer_value(alpha), .d = (double)json_integer_value(alpha)};
        } else if (json_is_real(alpha)) {
            cfg->lora_alpha = (c1d_keras_number){.d = json_real_value(alpha)};
        } else {
            c1d_json_describe(alpha, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG, "lora_alpha: expected a number or null, got %s", got);
        }
    }
    if (cfg->lora_rank > 0 && cfg->object[KERNEL_CONSTRAINT].cls)
        return c1d_fail(C1D_INVALID_ARG,
                        "lora_rank: Lora is incompatible with kernel constraints. In order to enable lora on this "
                        "layer, remove the `kernel_constraint` argument.");
    return C1D_OK;
}

/* The layer config dict: every key on the allow-list, checked as the
 * Keras 3 constructor checks it. Layer-level shapes go to shapes[]. */
static c1d_status read_layer(const json_t *config, c1d_keras_config *cfg, shape_source *shapes, size_t *n_shapes) {
    c1d_status st;
    const json_t *v;
    c1d_config *conv = &cfg->conv;
    if ((st = c1d_json_check_keys(config, layer_keys, "", "Conv1D"))) return st;
    if ((st = read_name(json_object_get(config, "name"), &cfg->name))) return st;
    cfg->trainable = true;
    if ((v = json_object_get(config, "trainable")) && !json_is_boolean(v)) {
        char got[64];
        c1d_json_describe(v, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG,
                        "trainable: Expected `trainable` to be a boolean. Received: trainable=%s (of type %s)", got,
                        python_type(v));
    }
    if (v) cfg->trainable = json_is_true(v);
    if ((st = c1d_keras_dtype_parse(json_object_get(config, "dtype"), "dtype"))) return st;
    /* Keras takes `autocast` but get_config() never writes it back, so it is checked, not kept. */
    bool autocast;
    if ((v = json_object_get(config, "autocast")) && (st = read_bool(v, "autocast", &autocast))) return st;

    const json_t *filters = json_object_get(config, "filters");
    const json_t *kernel_size = json_object_get(config, "kernel_size");
    if (!filters || !kernel_size)
        return c1d_fail(C1D_INVALID_ARG, "%s: missing; Conv1D() needs `filters` and `kernel_size`",
                        filters ? "kernel_size" : "filters");
    *conv = c1d_config_default(0, 0);
    if ((st = read_count(filters, "filters", &conv->filters))) return st;
    if ((st = read_tuple_arg(kernel_size, "kernel_size", &conv->kernel_size))) return st;
    if ((v = json_object_get(config, "strides")) && (st = read_tuple_arg(v, "strides", &conv->strides))) return st;
    if ((v = json_object_get(config, "dilation_rate")) &&
        (st = read_tuple_arg(v, "dilation_rate", &conv->dilation_rate)))
        return st;
    if ((v = json_object_get(config, "padding"))) {
        if (!json_is_string(v)) {
            char got[64];
            c1d_json_describe(v, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG, "padding: expected \"valid\", \"same\" or \"causal\", got %s", got);
        }
        if ((st = c1d_padding_from_name(json_string_value(v), &conv->padding))) return st;
    }
    if ((v = json_object_get(config, "data_format")) && !json_is_null(v)) {
        if (!json_is_string(v)) {
            char got[64];
            c1d_json_describe(v, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG,
                            "data_format: expected \"channels_last\", \"channels_first\" or null, got %s", got);
        }
        if ((st = c1d_data_format_from_name(json_string_value(v), &conv->data_format))) return st;
    }
    if ((v = json_object_get(config, "groups")) && (st = read_count(v, "groups", &conv->groups))) return st;
    if ((st = read_activation(json_object_get(config, "activation"), &conv->activation))) return st;
    if ((v = json_object_get(config, "use_bias")) && (st = read_bool(v, "use_bias", &conv->use_bias))) return st;

    for (size_t i = 0; i < N_OBJECTS; i++) {
        v = json_object_get(config, object_fields[i].key);
        st = C1D_OK;
        if (v) {
            st = c1d_keras_object_parse(object_fields[i].family, v, object_fields[i].key, &cfg->object[i]);
        } else if (object_fields[i].default_class) {
            c1d_keras_object_default(object_fields[i].family, object_fields[i].default_class, &cfg->object[i]);
        }
        if (st) return st;
    }
    if ((st = read_lora(config, cfg))) return st;
    if ((st = c1d_config_validate(conv))) return st;

    if ((v = json_object_get(config, "batch_input_shape")) && !json_is_null(v) &&
        (st = read_shape(v, "batch_input_shape", 3, &shapes[(*n_shapes)++])))
        return st;
    if ((v = json_object_get(config, "input_shape")) && !json_is_null(v) &&
        (st = read_shape(v, "input_shape", 2, &shapes[(*n_shapes)++])))
        return st;
    return C1D_OK;
}

static const char *const wrapper_keys[] = {"module",       "class_name", "config",        "registered_name",
                                           "build_config", "name",       "inbound_nodes", NULL};

/* {"class_name": "Conv1D", "config": {...}, ...}: the layer entry of a
 * model config (.keras config.json, to_json(), .h5). */
static c1d_status read_wrapper(const json_t *root, const json_t **config, shape_source *shapes, size_t *n_shapes) {
    char got[64];
    c1d_status st;
    if ((st = c1d_json_check_keys(root, wrapper_keys, "", "a Keras layer entry"))) return st;
    const json_t *class_name = json_object_get(root, "class_name");
    c1d_json_describe(class_name, got, sizeof got);
    if (!json_is_string(class_name))
        return c1d_fail(C1D_INVALID_ARG, "class_name: expected a string, got %s", got);
    const char *cls = json_string_value(class_name);
    if (strcmp(cls, "Conv1D") != 0 && strcmp(cls, "Convolution1D") != 0)
        return c1d_fail(C1D_UNSUPPORTED, "class_name: c1d reads Conv1D (or Convolution1D) layers only, got %s", got);
    const json_t *module = json_object_get(root, "module");
    if (module && !(json_is_string(module) && strcmp(json_string_value(module), "keras.layers") == 0)) {
        c1d_json_describe(module, got, sizeof got);
        return c1d_fail(C1D_UNSUPPORTED,
                        "module: expected \"keras.layers\" (the built-in Conv1D), got %s; c1d never imports a "
                        "module a config names",
                        got);
    }
    const json_t *registered = json_object_get(root, "registered_name");
    if (registered && !json_is_null(registered) &&
        !(json_is_string(registered) && strcmp(json_string_value(registered), cls) == 0)) {
        c1d_json_describe(registered, got, sizeof got);
        return c1d_fail(C1D_UNSUPPORTED,
                        "registered_name: %s names a custom registered layer; c1d offers the built-in Conv1D only",
                        got);
    }
    const json_t *name = json_object_get(root, "name");
    if (name && !json_is_string(name)) {
        c1d_json_describe(name, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "name: expected the layer name, a string, got %s", got);
    }
    /* The graph connections of a functional model's layer entry say
     * nothing about the layer itself. */
    const json_t *inbound = json_object_get(root, "inbound_nodes");
    if (inbound && !json_is_array(inbound)) {
        c1d_json_describe(inbound, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "inbound_nodes: expected a list, got %s", got);
    }
    *config = json_object_get(root, "config");
    if (!json_is_object(*config)) {
        c1d_json_describe(*config, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "config: expected the layer config object, got %s", got);
    }
    const json_t *build = json_object_get(root, "build_config");
    if (build && !json_is_null(build)) {
        static const char *const build_keys[] = {"input_shape", NULL};
        if (!json_is_object(build)) {
            c1d_json_describe(build, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG, "build_config: expected an object, got %s", got);
        }
        if ((st = c1d_json_check_keys(build, build_keys, "build_config", "Conv1D.build_from_config()"))) return st;
        const json_t *shape = json_object_get(build, "input_shape");
        if (shape && !json_is_null(shape) &&
            (st = read_shape(shape, "build_config.input_shape", 3, &shapes[(*n_shapes)++])))
            return st;
    }
    return C1D_OK;
}

static void keras_config_clear(c1d_keras_config *cfg) {
    c1d_free(cfg->name);
    for (size_t i = 0; i < N_OBJECTS; i++) c1d_keras_object_clear(&cfg->object[i]);
    memset(cfg, 0, sizeof *cfg);
}

static c1d_status read_root(const json_t *root, c1d_keras_config *cfg) {
    /* Up to three shapes: build_config.input_shape, batch_input_shape, input_shape. */
    shape_source shapes[3];
    size_t n_shapes = 0;
    c1d_status st;
    if (!json_is_object(root)) {
        char got[64];
        c1d_json_describe(root, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "json: expected an object (a Keras Conv1D config), got %s %s",
                        json_is_array(root) ? "a list" : "the value", got);
    }
    const json_t *config = root;
    if (json_object_get(root, "class_name") && (st = read_wrapper(root, &config, shapes, &n_shapes))) return st;
    if ((st = read_layer(config, cfg, shapes, &n_shapes))) return st;
    for (size_t i = 0; i < n_shapes; i++) {
        size_t c = 0;
        if ((st = shape_channels(&shapes[i], &cfg->conv, &c))) return st;
        if (i > 0 && c != cfg->in_channels)
            return c1d_fail(C1D_INVALID_ARG, "%s: %zu input channels disagree with the %zu of %s", shapes[i].path,
                            c, cfg->in_channels, shapes[0].path);
        cfg->in_channels = c;
    }
    return C1D_OK;
}

c1d_status c1d_keras_config_parse(const char *json, size_t length, c1d_keras_config **config) {
    if (!config) return c1d_fail(C1D_INVALID_ARG, "config: expected a pointer to receive the config, got NULL");
    if (!json && length)
        return c1d_fail(C1D_INVALID_ARG, "json: NULL text with length %zu", length);
    if (length == 0) return c1d_fail(C1D_PARSE, "json: empty input; expected a Keras Conv1D config object");
    if (length > KERAS_JSON_MAX_BYTES)
        return c1d_fail(C1D_TOO_LARGE, "json: %zu bytes exceed the %zu-byte (1 MiB) cap on a layer config", length,
                        KERAS_JSON_MAX_BYTES);
    if (length >= 3 && memcmp(json, "\xEF\xBB\xBF", 3) == 0)
        return c1d_fail(C1D_PARSE,
                        "json: starts with a UTF-8 byte-order mark, which JSON text must not carry (RFC 8259 "
                        "section 8.1; Python's json.loads refuses it too)");
    json_scan scan;
    size_t deep_at;
    if (!scan_text(json, length, &scan, &deep_at)) {
        char path[128];
        scan_path(json, &scan, path, sizeof path);
        return c1d_fail(C1D_PARSE,
                        "%s: containers nest deeper than %d levels at byte %zu (a Conv1D config needs 6); "
                        "refused before parsing",
                        path, KERAS_JSON_MAX_DEPTH, deep_at);
    }
    json_error_t err;
    json_t *root = json_loadb(json, length, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (!root) return parse_failure(json, length, &err);

    c1d_keras_config parsed;
    memset(&parsed, 0, sizeof parsed);
    c1d_status st = read_root(root, &parsed);
    json_decref(root);
    if (st) {
        keras_config_clear(&parsed);
        return st;
    }
    c1d_keras_config *out = c1d_alloc(sizeof *out);
    if (!out) {
        keras_config_clear(&parsed);
        return c1d_fail(C1D_NOMEM, "config: out of memory allocating the parsed config");
    }
    *out = parsed;
    *config = out;
    return C1D_OK;
}

void c1d_keras_config_destroy(c1d_keras_config *config) {
    if (!config) return;
    keras_config_clear(config);
    c1d_free(config);
}

c1d_status c1d_keras_config_get(const c1d_keras_config *config, c1d_config *conv_config, size_t *in_channels) {
    if (!config) return c1d_fail(C1D_INVALID_ARG, "config: expected a parsed Keras config, got NULL");
    if (conv_config) *conv_config = config->conv;
    if (in_channels) *in_channels = config->in_channels;
    return C1D_OK;
}

/* ---- Writing ---- */

static json_t *tuple_to_json(size_t v) {
    json_t *list = json_array();
    if (list && json_array_append_new(list, json_integer((json_int_t)v)) != 0) {
        json_decref(list);
        return NULL;
    }
    return list;
}

/* Spec 12.1 keys in Keras 3.16 order, every default written out. */
static json_t *layer_to_json(const c1d_keras_config *cfg) {
    const c1d_config *c = &cfg->conv;
    json_t *root = json_object();
    bool ok = root != NULL;
    ok = ok && c1d_json_put(root, "name", json_string(cfg->name));
    ok = ok && c1d_json_put(root, "trainable", json_boolean(cfg->trainable));
    ok = ok && c1d_json_put(root, "dtype", c1d_keras_dtype_to_json());
    ok = ok && c1d_json_put(root, "filters", json_integer((json_int_t)c->filters));
    ok = ok && c1d_json_put(root, "kernel_size", tuple_to_json(c->kernel_size));
    ok = ok && c1d_json_put(root, "strides", tuple_to_json(c->strides));
    ok = ok && c1d_json_put(root, "padding", json_string(c1d_padding_name(c->padding)));
    ok = ok && c1d_json_put(root, "data_format", json_string(c1d_data_format_name(c->data_format)));
    ok = ok && c1d_json_put(root, "dilation_rate", tuple_to_json(c->dilation_rate));
    ok = ok && c1d_json_put(root, "groups", json_integer((json_int_t)c->groups));
    ok = ok && c1d_json_put(root, "activation", json_string(c1d_activation_name(c->activation)));
    ok = ok && c1d_json_put(root, "use_bias", json_boolean(c->use_bias));
    for (size_t i = 0; ok && i < N_OBJECTS; i++)
        ok = c1d_json_put(root, object_fields[i].key,
                          c1d_keras_object_to_json(object_fields[i].family, &cfg->object[i]));
    if (cfg->lora_rank > 0) {
        const c1d_keras_number *a = &cfg->lora_alpha;
        ok = ok && c1d_json_put(root, "lora_rank", json_integer(cfg->lora_rank));
        ok = ok && c1d_json_put(root, "lora_alpha", a->is_int ? json_integer(a->i) : json_real(a->d));
    }
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* True when every real in the tree reads back as the same double after
 * being written with `precision` significant digits (jansson writes and
 * reads numbers the same way in every locale). */
static bool reals_round_trip(json_t *v, size_t precision) {
    const char *key;
    json_t *item;
    size_t index;
    switch (json_typeof(v)) {
    case JSON_REAL: {
        char text[40];
        size_t n = json_dumpb(v, text, sizeof text, JSON_ENCODE_ANY | JSON_REAL_PRECISION(precision));
        if (n == 0 || n > sizeof text) return false;
        json_t *back = json_loadb(text, n, JSON_DECODE_ANY, NULL);
        bool same = json_is_real(back) && json_real_value(back) == json_real_value(v);
        json_decref(back);
        return same;
    }
    case JSON_OBJECT:
        json_object_foreach(v, key, item) if (!reals_round_trip(item, precision)) return false;
        return true;
    case JSON_ARRAY:
        json_array_foreach(v, index, item) if (!reals_round_trip(item, precision)) return false;
        return true;
    default:
        return true;
    }
}

c1d_status c1d_keras_config_to_json(const c1d_keras_config *config, char **json) {
    if (!config) return c1d_fail(C1D_INVALID_ARG, "config: expected a parsed Keras config, got NULL");
    if (!json) return c1d_fail(C1D_INVALID_ARG, "json: expected a pointer to receive the text, got NULL");
    json_t *root = layer_to_json(config);
    if (!root) return c1d_fail(C1D_NOMEM, "json: out of memory building the config");
    /* Fewest digits that still round-trip, as Python's repr writes floats:
     * 0.05 rather than 0.050000000000000003; 17 always round-trips. */
    size_t precision = 15;
    while (precision < 17 && !reals_round_trip(root, precision)) precision++;
    /* Default separators ", " and ": " are Python json.dumps's. */
    const size_t flags = JSON_REAL_PRECISION(precision);
    const size_t n = json_dumpb(root, NULL, 0, flags);
    char *text = n ? c1d_alloc(n + 1) : NULL;
    if (!text || json_dumpb(root, text, n, flags) != n) {
        c1d_free(text);
        json_decref(root);
        return c1d_fail(C1D_NOMEM, "json: out of memory writing the config");
    }
    text[n] = '\0';
    json_decref(root);
    *json = text;
    return C1D_OK;
}

void c1d_json_free(char *json) { c1d_free(json); }

/* ---- Accessors for the layer (see keras_json.h) ---- */

_Static_assert(C1D_SLOT_KERNEL_INITIALIZER == (int)KERNEL_INITIALIZER &&
                   C1D_SLOT_BIAS_INITIALIZER == (int)BIAS_INITIALIZER &&
                   C1D_SLOT_KERNEL_REGULARIZER == (int)KERNEL_REGULARIZER &&
                   C1D_SLOT_BIAS_REGULARIZER == (int)BIAS_REGULARIZER &&
                   C1D_SLOT_ACTIVITY_REGULARIZER == (int)ACTIVITY_REGULARIZER &&
                   C1D_SLOT_KERNEL_CONSTRAINT == (int)KERNEL_CONSTRAINT &&
                   C1D_SLOT_BIAS_CONSTRAINT == (int)BIAS_CONSTRAINT && C1D_SLOT_COUNT == (int)N_OBJECTS,
               "c1d_keras_slot must follow the object order of keras_json.c");

const c1d_keras_object *c1d_keras_config_object(const c1d_keras_config *config, c1d_keras_slot slot) {
    return &config->object[slot];
}

const char *c1d_keras_config_name(const c1d_keras_config *config) { return config->name; }

bool c1d_keras_config_trainable(const c1d_keras_config *config) { return config->trainable; }

json_int_t c1d_keras_config_lora_rank(const c1d_keras_config *config) { return config->lora_rank; }

c1d_keras_number c1d_keras_config_lora_alpha(const c1d_keras_config *config) { return config->lora_alpha; }

void c1d_keras_config_set_state(c1d_keras_config *config, size_t in_channels, bool trainable, json_int_t lora_rank,
                                c1d_keras_number lora_alpha) {
    config->in_channels = in_channels;
    config->trainable = trainable;
    config->lora_rank = lora_rank;
    config->lora_alpha = lora_alpha;
}

c1d_status c1d_keras_config_copy(const c1d_keras_config *config, c1d_keras_config **copy) {
    c1d_keras_config *out = c1d_alloc(sizeof *out);
    if (!out) return c1d_fail(C1D_NOMEM, "config: out of memory copying the config");
    memset(out, 0, sizeof *out);
    out->conv = config->conv;
    out->in_channels = config->in_channels;
    out->trainable = config->trainable;
    out->lora_rank = config->lora_rank;
    out->lora_alpha = config->lora_alpha;
    out->name = c1d_keras_strdup(config->name);
    c1d_status st = out->name ? C1D_OK : c1d_fail(C1D_NOMEM, "config: out of memory copying the layer name");
    for (size_t i = 0; !st && i < N_OBJECTS; i++) st = c1d_keras_object_copy(&config->object[i], &out->object[i]);
    if (st) {
        c1d_keras_config_destroy(out);
        return st;
    }
    *copy = out;
    return C1D_OK;
}

c1d_status c1d_keras_config_from_conv(const c1d_config *conv, size_t in_channels, c1d_keras_config **config) {
    c1d_keras_config *out = c1d_alloc(sizeof *out);
    if (!out) return c1d_fail(C1D_NOMEM, "config: out of memory allocating the config");
    memset(out, 0, sizeof *out);
    out->conv = *conv;
    out->in_channels = in_channels;
    out->trainable = true;
    out->lora_alpha = (c1d_keras_number){.is_int = true};
    out->name = c1d_keras_strdup("conv1d");
    if (!out->name) {
        c1d_free(out);
        return c1d_fail(C1D_NOMEM, "config: out of memory copying the layer name");
    }
    for (size_t i = 0; i < N_OBJECTS; i++)
        if (object_fields[i].default_class)
            c1d_keras_object_default(object_fields[i].family, object_fields[i].default_class, &out->object[i]);
    *config = out;
    return C1D_OK;
}
