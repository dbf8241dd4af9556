/* keras_objects.c: the objects a Conv1D config nests (spec sections 8-10
 * and 12): initializers, regularizers and constraints, the seed of a random
 * initializer, and the dtype policy. Each family is an allow-list of the
 * Keras 3.16 classes, with the constructor arguments of each class, their
 * defaults and the checks Keras makes (plus a type check on arguments Keras
 * stores unchecked: c1d wants numbers where Keras's formulas use numbers).
 *
 * Keras resolves these families by `class_name` (and its snake_case and
 * alias names) within the family; `module` only has to be a string, and
 * `registered_name` only matters for custom registered classes. Nothing a
 * config names is imported, opened or called: a name is looked up in the
 * tables below or refused. */
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "keras_json.h"

/* How one constructor argument is read, checked and written back. */
typedef enum arg_kind {
    ARG_NUMBER,       /* any int or float, written back as given (Keras does not check these) */
    ARG_POSITIVE,     /* VarianceScaling `scale`: > 0 */
    ARG_FACTOR,       /* regularizer factor: finite and >= 0, written back as a float */
    ARG_FACTOR32,     /* the same, rounded to float32: L1 and OrthogonalRegularizer keep it in a float32 tensor */
    ARG_CHOICE,       /* one string of `choices`, case-sensitive */
    ARG_LOWER_CHOICE, /* VarianceScaling `distribution`: lower-cased first, "normal" meaning "truncated_normal" */
    ARG_BOOL,
    ARG_SEED,
    ARG_AXES,
} arg_kind;

typedef struct arg_spec {
    const char *key;
    arg_kind kind;
    double def;               /* numbers: the default; ARG_BOOL: nonzero for True; ARG_AXES: the int default */
    bool def_is_int;          /* numbers: the default is a Python int; ARG_AXES: the default is `def`, not None */
    bool none_ok;             /* null means the default (factors) or None (choices) */
    bool unknown_unsupported; /* a string outside `choices` may still be valid Keras (scipy window aliases) */
    const char *const *choices;
    const char *def_choice;   /* NULL: None */
} arg_spec;

struct c1d_keras_class {
    const char *name;            /* Keras 3.16 class name, what get_config writes */
    const char *const *aliases;  /* other names Keras resolves to this class */
    const arg_spec *args;        /* in Keras 3.16 get_config order */
    size_t n_args;
};

typedef struct family_spec {
    const char *word;                 /* Keras's word in "Could not interpret ... identifier" */
    const char *module;               /* Keras 3 public module, written into get_config */
    const c1d_keras_class *classes;
    size_t n_classes;
    const char *const *keras2_names;  /* tf.keras 2 identifiers that Keras 3 no longer resolves */
} family_spec;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_ARGS NULL, 0
#define ARGS(a) a, COUNT(a)

static const char *const modes[] = {"fan_in", "fan_out", "fan_avg", NULL};
static const char *const distributions[] = {"uniform", "truncated_normal", "untruncated_normal", NULL};
static const char *const sides[] = {"real", "imag", NULL};
/* scipy.signal.get_window's windows that need no parameter; other names
 * (aliases, parameterised tuples) may be valid but are not offered. */
static const char *const windows[] = {"boxcar",  "triang",         "blackman", "hamming",  "hann",
                                      "bartlett", "flattop",       "parzen",   "bohman",   "blackmanharris",
                                      "nuttall", "barthann",       "cosine",   "exponential", "tukey",
                                      "taylor",  "lanczos",        NULL};
static const char *const scalings[] = {"density", "spectrum", NULL};
static const char *const rows_columns[] = {"rows", "columns", NULL};

#define SEED_ARG {.key = "seed", .kind = ARG_SEED}
#define NUMBER_ARG(k, v) {.key = k, .kind = ARG_NUMBER, .def = v}
#define AXES_NONE_ARG(k) {.key = k, .kind = ARG_AXES}
#define AXIS_ZERO_ARG {.key = "axis", .kind = ARG_AXES, .def = 0, .def_is_int = true}

static const arg_spec constant_args[] = {NUMBER_ARG("value", 0.0)};
static const arg_spec gain_args[] = {NUMBER_ARG("gain", 1.0)};
static const arg_spec normal_args[] = {SEED_ARG, NUMBER_ARG("mean", 0.0), NUMBER_ARG("stddev", 0.05)};
static const arg_spec uniform_args[] = {SEED_ARG, NUMBER_ARG("minval", -0.05), NUMBER_ARG("maxval", 0.05)};
static const arg_spec variance_scaling_args[] = {
    SEED_ARG,
    {.key = "scale", .kind = ARG_POSITIVE, .def = 1.0},
    {.key = "mode", .kind = ARG_CHOICE, .choices = modes, .def_choice = "fan_in"},
    {.key = "distribution", .kind = ARG_LOWER_CHOICE, .choices = distributions, .def_choice = "truncated_normal"},
    AXES_NONE_ARG("input_axes"),
    AXES_NONE_ARG("output_axes"),
};
/* Glorot, He and Lecun fix scale, mode and distribution; Keras >= 3.15 adds the axes. */
static const arg_spec fixed_variance_args[] = {SEED_ARG, AXES_NONE_ARG("input_axes"), AXES_NONE_ARG("output_axes")};
static const arg_spec orthogonal_args[] = {SEED_ARG, NUMBER_ARG("gain", 1.0)};
static const arg_spec stft_args[] = {
    {.key = "side", .kind = ARG_CHOICE, .choices = sides, .def_choice = "real"},
    {.key = "window", .kind = ARG_CHOICE, .none_ok = true, .unknown_unsupported = true, .choices = windows,
     .def_choice = "hann"},
    {.key = "periodic", .kind = ARG_BOOL, .def = 0},
    {.key = "scaling", .kind = ARG_CHOICE, .none_ok = true, .choices = scalings, .def_choice = "density"},
};

static const c1d_keras_class initializer_classes[] = {
    {"Zeros", NAMES("zeros", "zero"), NO_ARGS},
    {"Ones", NAMES("ones", "one"), NO_ARGS},
    {"Constant", NAMES("constant"), ARGS(constant_args)},
    {"Identity", NAMES("identity", "IdentityInitializer"), ARGS(gain_args)},
    {"RandomNormal", NAMES("random_normal", "normal"), ARGS(normal_args)},
    {"RandomUniform", NAMES("random_uniform", "uniform"), ARGS(uniform_args)},
    {"TruncatedNormal", NAMES("truncated_normal"), ARGS(normal_args)},
    {"VarianceScaling", NAMES("variance_scaling"), ARGS(variance_scaling_args)},
    {"GlorotUniform", NAMES("glorot_uniform"), ARGS(fixed_variance_args)},
    {"GlorotNormal", NAMES("glorot_normal"), ARGS(fixed_variance_args)},
    {"HeUniform", NAMES("he_uniform"), ARGS(fixed_variance_args)},
    {"HeNormal", NAMES("he_normal"), ARGS(fixed_variance_args)},
    {"LecunUniform", NAMES("lecun_uniform"), ARGS(fixed_variance_args)},
    {"LecunNormal", NAMES("lecun_normal"), ARGS(fixed_variance_args)},
    {"Orthogonal", NAMES("orthogonal", "OrthogonalInitializer"), ARGS(orthogonal_args)},
    {"STFT", NAMES("stft", "STFTInitializer"), ARGS(stft_args)},
    {"Initializer", NAMES("initializer"), NO_ARGS},
};

static const arg_spec l1_args[] = {{.key = "l1", .kind = ARG_FACTOR32, .def = 0.01, .none_ok = true}};
static const arg_spec l2_args[] = {{.key = "l2", .kind = ARG_FACTOR, .def = 0.01, .none_ok = true}};
static const arg_spec l1l2_args[] = {{.key = "l1", .kind = ARG_FACTOR, .def = 0.0, .none_ok = true},
                                     {.key = "l2", .kind = ARG_FACTOR, .def = 0.0, .none_ok = true}};
static const arg_spec orthogonal_regularizer_args[] = {
    {.key = "factor", .kind = ARG_FACTOR32, .def = 0.01},
    {.key = "mode", .kind = ARG_CHOICE, .choices = rows_columns, .def_choice = "rows"},
};

/* OrthogonalRegularizer only fails when a loss is computed on the rank-3
 * kernel (spec 9), so reading a config that names it succeeds, as in Keras. */
static const c1d_keras_class regularizer_classes[] = {
    {"L1", NAMES("l1"), ARGS(l1_args)},
    {"L2", NAMES("l2"), ARGS(l2_args)},
    {"L1L2", NAMES("l1l2"), ARGS(l1l2_args)},
    {"OrthogonalRegularizer", NAMES("orthogonal_regularizer"), ARGS(orthogonal_regularizer_args)},
    {"Regularizer", NAMES("regularizer"), NO_ARGS},
};

static const arg_spec max_norm_args[] = {{.key = "max_value", .kind = ARG_NUMBER, .def = 2, .def_is_int = true},
                                         AXIS_ZERO_ARG};
static const arg_spec min_max_norm_args[] = {NUMBER_ARG("min_value", 0.0), NUMBER_ARG("max_value", 1.0),
                                             NUMBER_ARG("rate", 1.0), AXIS_ZERO_ARG};
static const arg_spec unit_norm_args[] = {AXIS_ZERO_ARG};

static const c1d_keras_class constraint_classes[] = {
    {"MaxNorm", NAMES("max_norm"), ARGS(max_norm_args)},
    {"MinMaxNorm", NAMES("min_max_norm"), ARGS(min_max_norm_args)},
    {"UnitNorm", NAMES("unit_norm"), ARGS(unit_norm_args)},
    {"NonNeg", NAMES("non_neg"), NO_ARGS},
    {"Constraint", NAMES("constraint"), NO_ARGS},
};

static const family_spec families[] = {
    [C1D_KERAS_INITIALIZER] = {"initializer", "keras.initializers", initializer_classes,
                               COUNT(initializer_classes), NULL},
    [C1D_KERAS_REGULARIZER] = {"regularizer", "keras.regularizers", regularizer_classes,
                               COUNT(regularizer_classes), NAMES("l1_l2")},
    [C1D_KERAS_CONSTRAINT] = {"constraint", "keras.constraints", constraint_classes, COUNT(constraint_classes),
                              NAMES("maxnorm", "nonneg", "unitnorm", "radial_constraint", "RadialConstraint")},
};

/* ---- Helpers shared with keras_json.c ---- */

void c1d_json_describe(const json_t *value, char *buf, size_t size) {
    if (size < 4) {
        if (size) buf[0] = '\0';
        return;
    }
    if (!value) {
        snprintf(buf, size, "nothing");
        return;
    }
    /* jansson writes whole chunks only and leaves the rest of a short
     * buffer untouched, so zero it: the text then ends at the first NUL
     * (ENSURE_ASCII escapes everything else, and strings hold no NUL). */
    memset(buf, 0, size);
    size_t n = json_dumpb(value, buf, size - 1,
                          JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(17));
    if (n == 0) {
        snprintf(buf, size, "(unprintable value)");
    } else if (n >= size) {
        size_t used = strlen(buf);
        if (used > size - 4) used = size - 4;
        memcpy(buf + used, "...", 4);
    }
}

/* Copies up to `max` bytes of `s` keeping printable ASCII only, so a
 * message stays one clean line whatever bytes a key holds. */
static void copy_printable(char *dst, size_t size, const char *s, size_t max) {
    size_t n = 0;
    for (; n < max && n + 1 < size && s[n]; n++)
        dst[n] = (s[n] >= 0x20 && s[n] < 0x7f) ? s[n] : '?';
    dst[n] = '\0';
}

void c1d_json_join(char *buf, size_t size, const char *path, const char *key) {
    size_t used = 0;
    for (; path[used] && used + 1 < size; used++) buf[used] = path[used];
    if (used && used + 1 < size) buf[used++] = '.';
    copy_printable(buf + used, size - used, key, 63);
}

c1d_status c1d_json_check_keys(const json_t *object, const char *const *allowed, const char *path,
                               const char *owner) {
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)object, key, value) {
        bool known = false;
        for (const char *const *a = allowed; *a && !known; a++) known = strcmp(key, *a) == 0;
        if (!known) {
            char where[160], got[64];
            c1d_json_join(where, sizeof where, path, key);
            c1d_json_describe(value, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG, "%s: Unrecognized keyword argument passed to %s (value %s)", where,
                            owner, got);
        }
    }
    return C1D_OK;
}

c1d_status c1d_json_read_int(const json_t *value, const char *path, json_int_t *out) {
    if (json_is_integer(value)) {
        *out = json_integer_value(value);
        return C1D_OK;
    }
    char got[64];
    c1d_json_describe(value, got, sizeof got);
    if (json_is_boolean(value))
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: expected an integer, got %s (c1d does not read JSON booleans as integers)", path, got);
    return c1d_fail(C1D_INVALID_ARG, "%s: expected an integer, got %s", path, got);
}

char *c1d_keras_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = c1d_alloc(n);
    if (copy) memcpy(copy, s, n);
    return copy;
}

c1d_status c1d_keras_envelope_read(const json_t *value, const char *path, const char *what,
                                   c1d_keras_envelope *env) {
    static const char *const keys[] = {"module", "class_name", "config", "registered_name", "shared_object_id",
                                       NULL};
    char where[160], got[64];
    memset(env, 0, sizeof *env);
    const json_t *class_name = json_object_get(value, "class_name");
    if (!json_is_string(class_name)) {
        c1d_json_describe(class_name ? class_name : value, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s.class_name: a serialized Keras %s needs a string class_name, got %s",
                        path, what, got);
    }
    c1d_status st = c1d_json_check_keys(value, keys, path, "a serialized Keras object");
    if (st) return st;
    env->class_name = json_string_value(class_name);
    env->config = json_object_get(value, "config");
    const json_t *module = json_object_get(value, "module");
    if (json_is_null(module))
        return c1d_fail(C1D_UNSUPPORTED,
                        "%s.module: null; Cannot deserialize object of type `%.64s`. If `%.64s` is a custom "
                        "class, please register it (c1d offers the built-in Keras classes only)",
                        path, env->class_name, env->class_name);
    if (module && !json_is_string(module)) {
        c1d_json_describe(module, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s.module: expected a string, got %s", path, got);
    }
    env->module = module;
    const json_t *registered = json_object_get(value, "registered_name");
    if (registered && !json_is_null(registered) && !json_is_string(registered)) {
        c1d_json_describe(registered, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s.registered_name: expected a string or null, got %s", path, got);
    }
    env->registered_name = json_is_string(registered) ? json_string_value(registered) : NULL;
    const json_t *shared = json_object_get(value, "shared_object_id");
    json_int_t ignored;
    if (shared) {
        c1d_json_join(where, sizeof where, path, "shared_object_id");
        if ((st = c1d_json_read_int(shared, where, &ignored))) return st;
    }
    return C1D_OK;
}

/* ---- Reading arguments ---- */

static void set_default(const arg_spec *spec, c1d_keras_arg *arg) {
    memset(arg, 0, sizeof *arg);
    switch (spec->kind) {
    case ARG_NUMBER:
    case ARG_POSITIVE:
    case ARG_FACTOR:
        arg->num.is_int = spec->def_is_int;
        arg->num.i = (json_int_t)spec->def;
        arg->num.d = spec->def;
        break;
    case ARG_FACTOR32:
        arg->num.d = (double)(float)spec->def;
        break;
    case ARG_CHOICE:
    case ARG_LOWER_CHOICE:
        arg->choice = spec->def_choice;
        break;
    case ARG_BOOL:
        arg->flag = spec->def != 0;
        break;
    case ARG_SEED:
        arg->seed.kind = C1D_SEED_NONE;
        break;
    case ARG_AXES:
        arg->axes.kind = spec->def_is_int ? C1D_AXES_INT : C1D_AXES_NONE;
        arg->axes.v[0] = (json_int_t)spec->def;
        break;
    }
}

static c1d_status read_number(const json_t *value, const char *path, c1d_keras_number *out) {
    if (json_is_integer(value)) {
        out->is_int = true;
        out->i = json_integer_value(value);
        out->d = (double)out->i;
        return C1D_OK;
    }
    if (json_is_real(value)) {
        out->is_int = false;
        out->d = json_real_value(value);
        return C1D_OK;
    }
    char got[64];
    c1d_json_describe(value, got, sizeof got);
    return c1d_fail(C1D_INVALID_ARG, "%s: expected a number, got %s", path, got);
}

/* Regularizer factors (Keras's validate_float_arg): finite, >= 0. JSON has
 * no NaN or infinity (jansson refuses both, and overflowing literals). */
static c1d_status read_factor(const arg_spec *spec, const json_t *value, const char *path, c1d_keras_number *out) {
    char got[64];
    c1d_json_describe(value, got, sizeof got);
    if (!json_is_number(value) || json_number_value(value) < 0)
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: Invalid value for argument %s: expected a non-negative float.Received: %s=%s", path,
                        spec->key, spec->key, got);
    out->is_int = false;
    out->d = json_number_value(value);
    if (spec->kind == ARG_FACTOR32) {
        if (out->d > FLT_MAX)
            return c1d_fail(C1D_INVALID_ARG,
                            "%s: %s overflows the float32 tensor Keras keeps this factor in (max %g)", path, got,
                            (double)FLT_MAX);
        out->d = (double)(float)out->d;
    }
    return C1D_OK;
}

static void format_choices(const char *const *choices, char *buf, size_t size) {
    size_t used = (size_t)snprintf(buf, size, "{");
    for (const char *const *c = choices; *c && used < size; c++)
        used += (size_t)snprintf(buf + used, size - used, "%s'%s'", c == choices ? "" : ", ", *c);
    if (used < size) snprintf(buf + used, size - used, "}");
}

static c1d_status read_choice(const arg_spec *spec, const json_t *value, const char *path, const char **out) {
    char got[64], allowed[320];
    if (json_is_null(value) && spec->none_ok) {
        *out = NULL;
        return C1D_OK;
    }
    c1d_json_describe(value, got, sizeof got);
    format_choices(spec->choices, allowed, sizeof allowed);
    if (json_is_string(value)) {
        const char *s = json_string_value(value);
        char lowered[32];
        if (spec->kind == ARG_LOWER_CHOICE && json_string_length(value) < sizeof lowered) {
            size_t i = 0;
            for (; s[i]; i++) lowered[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
            lowered[i] = '\0';
            s = strcmp(lowered, "normal") == 0 ? "truncated_normal" : lowered;
        }
        for (const char *const *c = spec->choices; *c; c++)
            if (strcmp(s, *c) == 0) {
                *out = *c;
                return C1D_OK;
            }
    }
    if (spec->unknown_unsupported && (json_is_string(value) || json_is_array(value)))
        return c1d_fail(C1D_UNSUPPORTED,
                        "%s: %s is not one of the windows c1d knows %s; other scipy window names and window "
                        "arrays are not offered",
                        path, got, allowed);
    return c1d_fail(C1D_INVALID_ARG, "%s: Invalid `%s` argument: %s. Please use one of %s%s", path, spec->key, got,
                    allowed, spec->none_ok ? " or null" : "");
}

static c1d_status read_axes(const json_t *value, const char *path, c1d_keras_axes *out) {
    char got[64], where[176];
    memset(out, 0, sizeof *out);
    if (json_is_null(value)) return C1D_OK;
    if (json_is_integer(value)) {
        out->kind = C1D_AXES_INT;
        out->v[0] = json_integer_value(value);
        return C1D_OK;
    }
    if (json_is_array(value) && json_array_size(value) <= C1D_KERAS_MAX_AXES) {
        out->kind = C1D_AXES_LIST;
        out->count = json_array_size(value);
        for (size_t i = 0; i < out->count; i++) {
            snprintf(where, sizeof where, "%.150s[%zu]", path, i);
            c1d_status st = c1d_json_read_int(json_array_get(value, i), where, &out->v[i]);
            if (st) return st;
        }
        return C1D_OK;
    }
    c1d_json_describe(value, got, sizeof got);
    return c1d_fail(C1D_INVALID_ARG, "%s: expected an axis (an integer), a list of at most %d axes, or null; got %s",
                    path, C1D_KERAS_MAX_AXES, got);
}

/* A serialized keras.random.SeedGenerator: the generic deserializer finds
 * the class through its module, so the module must be keras.random. */
static c1d_status read_seed_generator(const json_t *value, const char *path, c1d_keras_seed *out) {
    static const char *const keys[] = {"seed", "name", NULL};
    char where[160], got[64];
    c1d_keras_envelope env;
    c1d_status st = c1d_keras_envelope_read(value, path, "seed", &env);
    if (st) return st;
    if (strcmp(env.class_name, "SeedGenerator") != 0 ||
        (env.registered_name && strcmp(env.registered_name, "SeedGenerator") != 0))
        return c1d_fail(C1D_UNSUPPORTED, "%s.class_name: '%.64s' is not keras.random.SeedGenerator", path,
                        env.class_name);
    if (!env.module || strcmp(json_string_value(env.module), "keras.random") != 0)
        return c1d_fail(C1D_UNSUPPORTED,
                        "%s.module: a SeedGenerator is found through module \"keras.random\"; got %s", path,
                        env.module ? json_string_value(env.module) : "no module");
    const json_t *config = env.config;
    c1d_json_join(where, sizeof where, path, "config");
    if (config && !json_is_object(config)) {
        c1d_json_describe(config, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s: expected an object, got %s", where, got);
    }
    if (config && (st = c1d_json_check_keys(config, keys, where, "SeedGenerator"))) return st;
    const json_t *seed = config ? json_object_get(config, "seed") : NULL;
    const json_t *name = config ? json_object_get(config, "name") : NULL;
    out->kind = C1D_SEED_GENERATOR;
    out->has_value = seed && !json_is_null(seed);
    if (out->has_value) {
        c1d_json_join(where, sizeof where, path, "config.seed");
        if ((st = c1d_json_read_int(seed, where, &out->value))) return st;
    }
    if (name && !json_is_null(name) && !json_is_string(name)) {
        c1d_json_describe(name, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s.config.name: expected a string, got %s", path, got);
    }
    /* Keras names an unnamed generator "seed_generator" (plus a counter). */
    out->name = c1d_keras_strdup(json_is_string(name) ? json_string_value(name) : "seed_generator");
    if (!out->name) return c1d_fail(C1D_NOMEM, "%s: out of memory copying the generator name", path);
    return C1D_OK;
}

static c1d_status read_seed(const json_t *value, const char *path, c1d_keras_seed *out) {
    memset(out, 0, sizeof *out);
    if (json_is_null(value)) return C1D_OK;
    if (json_is_integer(value)) {
        out->kind = C1D_SEED_INT;
        out->has_value = true;
        out->value = json_integer_value(value);
        return C1D_OK;
    }
    if (json_is_object(value)) return read_seed_generator(value, path, out);
    char got[64];
    c1d_json_describe(value, got, sizeof got);
    return c1d_fail(C1D_INVALID_ARG,
                    "%s: `seed` argument should be an instance of `keras.random.SeedGenerator()` or an integer. "
                    "Received: seed=%s%s",
                    path, got, json_is_boolean(value) ? " (c1d does not read JSON booleans as integers)" : "");
}

static c1d_status read_arg(const arg_spec *spec, const json_t *value, const char *path, c1d_keras_arg *arg) {
    char got[64];
    c1d_status st;
    switch (spec->kind) {
    case ARG_NUMBER:
        return read_number(value, path, &arg->num);
    case ARG_POSITIVE:
        if ((st = read_number(value, path, &arg->num))) return st;
        if (!(arg->num.d > 0)) {
            c1d_json_describe(value, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG, "%s: Argument `scale` must be positive float. Received: scale=%s",
                            path, got);
        }
        return C1D_OK;
    case ARG_FACTOR:
    case ARG_FACTOR32:
        if (json_is_null(value) && spec->none_ok) return C1D_OK; /* the default stays */
        return read_factor(spec, value, path, &arg->num);
    case ARG_CHOICE:
    case ARG_LOWER_CHOICE:
        return read_choice(spec, value, path, &arg->choice);
    case ARG_BOOL:
        if (!json_is_boolean(value)) {
            c1d_json_describe(value, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG, "%s: expected true or false, got %s", path, got);
        }
        arg->flag = json_is_true(value);
        return C1D_OK;
    case ARG_SEED:
        return read_seed(value, path, &arg->seed);
    case ARG_AXES:
        return read_axes(value, path, &arg->axes);
    }
    return c1d_fail(C1D_INVALID_ARG, "%s: unknown argument kind", path);
}

static const c1d_keras_class *find_class(const family_spec *family, const char *name) {
    for (size_t i = 0; i < family->n_classes; i++) {
        const c1d_keras_class *cls = &family->classes[i];
        if (strcmp(name, cls->name) == 0) return cls;
        for (const char *const *a = cls->aliases; *a; a++)
            if (strcmp(name, *a) == 0) return cls;
    }
    return NULL;
}

void c1d_keras_object_clear(c1d_keras_object *obj) {
    for (size_t i = 0; i < C1D_KERAS_MAX_ARGS; i++) c1d_free(obj->arg[i].seed.name);
    memset(obj, 0, sizeof *obj);
}

static c1d_status read_args(const c1d_keras_class *cls, const json_t *config, const char *path,
                            c1d_keras_object *obj) {
    const char *keys[C1D_KERAS_MAX_ARGS + 1] = {NULL};
    char base[160], where[200], owner[96];
    for (size_t i = 0; i < cls->n_args; i++) keys[i] = cls->args[i].key;
    snprintf(owner, sizeof owner, "%s.__init__()", cls->name);
    c1d_json_join(base, sizeof base, path, "config");
    c1d_status st = c1d_json_check_keys(config, keys, base, owner);
    if (st) return st;
    for (size_t i = 0; i < cls->n_args; i++) {
        const json_t *value = json_object_get(config, cls->args[i].key);
        if (!value) continue;
        c1d_json_join(where, sizeof where, base, cls->args[i].key);
        if ((st = read_arg(&cls->args[i], value, where, &obj->arg[i]))) return st;
    }
    return C1D_OK;
}

bool c1d_keras_object_default(c1d_keras_family family, const char *name, c1d_keras_object *obj) {
    memset(obj, 0, sizeof *obj);
    obj->cls = find_class(&families[family], name);
    for (size_t i = 0; obj->cls && i < obj->cls->n_args; i++) set_default(&obj->cls->args[i], &obj->arg[i]);
    return obj->cls != NULL;
}

c1d_status c1d_keras_object_parse(c1d_keras_family family, const json_t *value, const char *path,
                                  c1d_keras_object *obj) {
    const family_spec *f = &families[family];
    char got[64], where[160];
    memset(obj, 0, sizeof *obj);
    if (!value || json_is_null(value)) return C1D_OK;

    const char *name;
    const json_t *config = NULL;
    c1d_status st;
    snprintf(where, sizeof where, "%s", path);
    if (json_is_string(value)) {
        /* A string is a class or alias name with the default arguments. */
        name = json_string_value(value);
    } else if (json_is_object(value)) {
        c1d_keras_envelope env;
        if ((st = c1d_keras_envelope_read(value, path, f->word, &env))) return st;
        name = env.class_name;
        config = env.config;
        c1d_json_join(where, sizeof where, path, "class_name");
        if (env.registered_name && strcmp(env.registered_name, name) != 0)
            return c1d_fail(C1D_UNSUPPORTED,
                            "%s.registered_name: '%.64s' names a custom registered %s; c1d offers the built-in "
                            "Keras classes only",
                            path, env.registered_name, f->word);
        if (config && json_is_null(config)) config = NULL;
        if (config && !json_is_object(config)) {
            c1d_json_describe(config, got, sizeof got);
            return c1d_fail(C1D_INVALID_ARG, "%s.config: expected an object, got %s", path, got);
        }
    } else {
        c1d_json_describe(value, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s: Could not interpret %s identifier: %s", path, f->word, got);
    }

    const c1d_keras_class *cls = find_class(f, name);
    if (!cls) {
        char shown[72];
        snprintf(shown, sizeof shown, "%.64s", name);
        for (const char *const *k = f->keras2_names; k && *k; k++)
            if (strcmp(name, *k) == 0)
                return c1d_fail(C1D_UNSUPPORTED,
                                "%s: '%s' is a tf.keras 2 %s name that Keras 3 rejects (Could not interpret %s "
                                "identifier); write the class form instead",
                                where, shown, f->word, f->word);
        return c1d_fail(C1D_UNSUPPORTED,
                        "%s: Could not interpret %s identifier: '%s' (not a built-in Keras 3 %s; custom objects "
                        "are not offered)",
                        where, f->word, shown, f->word);
    }
    obj->cls = cls;
    for (size_t i = 0; i < cls->n_args; i++) set_default(&cls->args[i], &obj->arg[i]);
    if (config && (st = read_args(cls, config, path, obj))) {
        c1d_keras_object_clear(obj);
        return st;
    }
    return C1D_OK;
}

/* ---- Writing (Keras 3.16 get_config form) ---- */

static json_t *envelope_to_json(const char *module, const char *class_name, json_t *config) {
    json_t *obj = json_object();
    bool ok = obj && config && c1d_json_put(obj, "module", json_string(module)) &&
              c1d_json_put(obj, "class_name", json_string(class_name));
    if (ok) {
        ok = c1d_json_put(obj, "config", config); /* takes config, also when it fails */
        config = NULL;
        ok = ok && c1d_json_put(obj, "registered_name", json_null());
    }
    json_decref(config);
    if (!ok) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

static json_t *number_to_json(const c1d_keras_number *n, bool as_float) {
    return n->is_int && !as_float ? json_integer(n->i) : json_real(n->d);
}

static json_t *axes_to_json(const c1d_keras_axes *axes) {
    switch (axes->kind) {
    case C1D_AXES_NONE:
        return json_null();
    case C1D_AXES_INT:
        return json_integer(axes->v[0]);
    case C1D_AXES_LIST:
        break;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < axes->count; i++)
        if (json_array_append_new(list, json_integer(axes->v[i])) != 0) {
            json_decref(list);
            return NULL;
        }
    return list;
}

static json_t *seed_to_json(const c1d_keras_seed *seed) {
    switch (seed->kind) {
    case C1D_SEED_NONE:
        return json_null();
    case C1D_SEED_INT:
        return json_integer(seed->value);
    case C1D_SEED_GENERATOR:
        break;
    }
    json_t *config = json_object();
    bool ok = config != NULL;
    ok = ok && c1d_json_put(config, "seed", seed->has_value ? json_integer(seed->value) : json_null());
    ok = ok && c1d_json_put(config, "name", json_string(seed->name));
    if (!ok) {
        json_decref(config);
        return NULL;
    }
    return envelope_to_json("keras.random", "SeedGenerator", config);
}

static json_t *arg_to_json(const arg_spec *spec, const c1d_keras_arg *arg) {
    switch (spec->kind) {
    case ARG_NUMBER:
    case ARG_POSITIVE:
        return number_to_json(&arg->num, false);
    case ARG_FACTOR:
    case ARG_FACTOR32:
        return number_to_json(&arg->num, true); /* get_config returns float(factor) */
    case ARG_CHOICE:
    case ARG_LOWER_CHOICE:
        return arg->choice ? json_string(arg->choice) : json_null();
    case ARG_BOOL:
        return json_boolean(arg->flag);
    case ARG_SEED:
        return seed_to_json(&arg->seed);
    case ARG_AXES:
        return axes_to_json(&arg->axes);
    }
    return NULL;
}

json_t *c1d_keras_object_to_json(c1d_keras_family family, const c1d_keras_object *obj) {
    if (!obj->cls) return json_null();
    json_t *config = json_object();
    bool ok = config != NULL;
    for (size_t i = 0; ok && i < obj->cls->n_args; i++)
        ok = c1d_json_put(config, obj->cls->args[i].key, arg_to_json(&obj->cls->args[i], &obj->arg[i]));
    if (!ok) {
        json_decref(config);
        return NULL;
    }
    return envelope_to_json(families[family].module, obj->cls->name, config);
}

/* ---- dtype policy ---- */

/* Policy names Keras accepts that are not float32: valid, not offered. */
static const char *const other_policies[] = {
    "float16", "bfloat16", "float64", "mixed_float16", "mixed_bfloat16", "float8_e4m3fn", "float8_e5m2",
    "int8",    "int16",    "int32",   "int64",         "uint8",          "uint16",        "uint32",
    "uint64",  "bool",     "complex64", "complex128",  NULL};

static c1d_status check_policy_name(const json_t *name, const char *path) {
    char got[64];
    c1d_json_describe(name, got, sizeof got);
    if (!json_is_string(name))
        return c1d_fail(C1D_INVALID_ARG, "%s: expected a dtype policy name, got %s", path, got);
    const char *s = json_string_value(name);
    if (strcmp(s, "float32") == 0) return C1D_OK;
    bool known = strstr(s, "_from_") != NULL; /* quantized policies, e.g. int8_from_float32 */
    for (const char *const *p = other_policies; *p && !known; p++) known = strcmp(s, *p) == 0;
    if (known)
        return c1d_fail(C1D_UNSUPPORTED, "%s: c1d computes in float32 only; the dtype policy %s is not offered",
                        path, got);
    return c1d_fail(C1D_INVALID_ARG, "%s: Cannot interpret `dtype` argument: %s is not a dtype policy name", path,
                    got);
}

c1d_status c1d_keras_dtype_parse(const json_t *value, const char *path) {
    static const char *const policy_keys[] = {"name", NULL};
    char where[160], got[64];
    if (!value || json_is_null(value)) return C1D_OK; /* Keras's default policy, float32 */
    if (json_is_string(value)) return check_policy_name(value, path);
    if (!json_is_object(value)) {
        c1d_json_describe(value, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG,
                        "%s: Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
                        "Received: dtype=%s",
                        path, got);
    }
    c1d_keras_envelope env;
    c1d_status st = c1d_keras_envelope_read(value, path, "dtype policy", &env);
    if (st) return st;
    /* DTypePolicy (Keras >= 3.4), FloatDTypePolicy (its old name), Policy (tf.keras 2 mixed precision). */
    if (strcmp(env.class_name, "DTypePolicy") != 0 && strcmp(env.class_name, "FloatDTypePolicy") != 0 &&
        strcmp(env.class_name, "Policy") != 0)
        return c1d_fail(C1D_UNSUPPORTED,
                        "%s.class_name: '%.64s' is not a plain float32 dtype policy (quantized and mapped "
                        "policies are not offered)",
                        path, env.class_name);
    c1d_json_join(where, sizeof where, path, "config");
    if (!json_is_object(env.config)) {
        c1d_json_describe(env.config, got, sizeof got);
        return c1d_fail(C1D_INVALID_ARG, "%s: expected an object holding the policy name, got %s", where, got);
    }
    if ((st = c1d_json_check_keys(env.config, policy_keys, where, env.class_name))) return st;
    c1d_json_join(where, sizeof where, path, "config.name");
    return check_policy_name(json_object_get(env.config, "name"), where);
}

json_t *c1d_keras_dtype_to_json(void) {
    json_t *config = json_object();
    if (!c1d_json_put(config, "name", json_string("float32"))) {
        json_decref(config);
        return NULL;
    }
    return envelope_to_json("keras", "DTypePolicy", config);
}

/* ---- Accessors for the layer (see keras_json.h) ---- */

const char *c1d_keras_object_class(const c1d_keras_object *obj) { return obj->cls ? obj->cls->name : NULL; }

const c1d_keras_arg *c1d_keras_object_arg(const c1d_keras_object *obj, const char *key) {
    for (size_t i = 0; obj->cls && i < obj->cls->n_args; i++)
        if (strcmp(obj->cls->args[i].key, key) == 0) return &obj->arg[i];
    return NULL;
}

c1d_status c1d_keras_object_copy(const c1d_keras_object *src, c1d_keras_object *dst) {
    *dst = *src;
    for (size_t i = 0; i < C1D_KERAS_MAX_ARGS; i++) dst->arg[i].seed.name = NULL;
    for (size_t i = 0; i < C1D_KERAS_MAX_ARGS; i++) {
        if (!src->arg[i].seed.name) continue;
        dst->arg[i].seed.name = c1d_keras_strdup(src->arg[i].seed.name);
        if (!dst->arg[i].seed.name) {
            c1d_keras_object_clear(dst);
            return c1d_fail(C1D_NOMEM, "config: out of memory copying a seed generator name");
        }
    }
    return C1D_OK;
}
