/* test_keras_json.c: Keras Conv1D configs as JSON (src/keras_json.c,
 * src/keras_objects.c). The fixtures of tests/data (every config form and
 * every initializer / regularizer / constraint class) against hand-written
 * expectations: the c1d_config and channel count of each, and its whole
 * get_config() output (tests/data/<name>.expected.json, compared with
 * jansson's json_equal, which tells 2 from 2.0); round trips; the refusal
 * fixtures of tests/data/refuse; the hostile-JSON rows J1-J17 of
 * RELIABILITY.md; seeded random configs; failing allocations. Every refusal
 * checks its status, that the message names the key, and that the output
 * pointer was not written. */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "test_util.h"

/* ---- Helpers ---- */

static char canary_target;
/* What the output pointer holds before a call that must fail. */
#define CANARY ((c1d_keras_config *)(void *)&canary_target)

static void refuse_at(int line, const char *text, size_t len, c1d_status status, const char *word) {
    c1d_keras_config *out = CANARY;
    c1d_status st = c1d_keras_config_parse(text, len, &out);
    ck_assert_msg(st == status, "line %d: %.200s\n  gave %s (%s), expected %s", line, text, c1d_status_name(st),
                  c1d_last_error(), c1d_status_name(status));
    ck_assert_msg(strstr(c1d_last_error(), word) != NULL, "line %d: message '%s' lacks '%s'", line,
                  c1d_last_error(), word);
    ck_assert_msg(out == CANARY, "line %d: the output pointer was written on failure", line);
}
#define REFUSE(text, status, word) refuse_at(__LINE__, (text), strlen(text), (status), (word))

static c1d_keras_config *accept_at(int line, const char *text, size_t len) {
    c1d_keras_config *out = NULL;
    c1d_status st = c1d_keras_config_parse(text, len, &out);
    ck_assert_msg(st == C1D_OK, "line %d: %.300s\n  gave %s: %s", line, text, c1d_status_name(st), c1d_last_error());
    ck_assert_ptr_nonnull(out);
    return out;
}
#define ACCEPT(text) accept_at(__LINE__, (text), strlen(text))

static c1d_config get_config(const c1d_keras_config *k, size_t *in_channels) {
    c1d_config c;
    memset(&c, 0, sizeof c);
    ck_assert_int_eq(c1d_keras_config_get(k, &c, in_channels), C1D_OK);
    return c;
}

static bool config_equal(const c1d_config *a, const c1d_config *b) {
    return a->filters == b->filters && a->kernel_size == b->kernel_size && a->strides == b->strides &&
           a->padding == b->padding && a->data_format == b->data_format && a->dilation_rate == b->dilation_rate &&
           a->groups == b->groups && a->activation == b->activation && a->use_bias == b->use_bias;
}

static char *to_json(const c1d_keras_config *k) {
    char *text = NULL;
    ck_assert_msg(c1d_keras_config_to_json(k, &text) == C1D_OK, "to_json: %s", c1d_last_error());
    ck_assert_ptr_nonnull(text);
    return text;
}

/* get_config output as a jansson tree. */
static json_t *emitted(const c1d_keras_config *k) {
    char *text = to_json(k);
    json_error_t err;
    json_t *tree = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    ck_assert_msg(tree != NULL, "to_json wrote invalid JSON (%s): %s", err.text, text);
    c1d_json_free(text);
    return tree;
}

/* Parses get_config output again: the config and the text must come back
 * unchanged. to_json writes every field of the parsed config (it is the
 * get_config() of all of it), so equal texts mean equal configs. The
 * input shape is not part of get_config(), so the channel count is 0. */
static void check_round_trip(const c1d_keras_config *k, const char *what) {
    char *first = to_json(k);
    c1d_keras_config *again = NULL;
    ck_assert_msg(c1d_keras_config_parse(first, strlen(first), &again) == C1D_OK,
                  "%s: its get_config output does not parse: %s\n%s", what, c1d_last_error(), first);
    char *second = to_json(again);
    ck_assert_msg(strcmp(first, second) == 0, "%s: round trip changed the config:\n%s\n%s", what, first, second);
    size_t c_first, c_again;
    c1d_config a = get_config(k, &c_first), b = get_config(again, &c_again);
    ck_assert_msg(config_equal(&a, &b), "%s: round trip changed the forward-pass fields", what);
    ck_assert_uint_eq(c_again, 0);
    c1d_json_free(first);
    c1d_json_free(second);
    c1d_keras_config_destroy(again);
}

static json_t *at(json_t *tree, const char *key, const char *sub, const char *leaf) {
    json_t *v = json_object_get(tree, key);
    if (sub) v = json_object_get(v, sub);
    if (leaf) v = json_object_get(v, leaf);
    return v;
}

/* ---- Fixtures that load ---- */

typedef struct accept_case {
    const char *file;
    c1d_config expect;
    size_t in_channels;
} accept_case;

#define CFG(f, k, s, p, df, d, g, a, b)                                                                       \
    {.filters = f, .kernel_size = k, .strides = s, .padding = C1D_PADDING_##p, .data_format = C1D_CHANNELS_##df, \
     .dilation_rate = d, .groups = g, .activation = C1D_ACTIVATION_##a, .use_bias = b}

static const accept_case accepted[] = {
    {"keras316_bare.json", CFG(8, 3, 1, CAUSAL, LAST, 2, 1, RELU, true), 0},
    {"keras316_wrapped.json", CFG(16, 5, 2, SAME, LAST, 1, 2, GELU, true), 4},
    {"keras30_string_dtype.json", CFG(32, 3, 1, VALID, LAST, 4, 1, TANH, true), 0},
    {"keras310_lora_channels_first.json", CFG(4, 3, 1, CAUSAL, FIRST, 1, 2, SPARSE_SIGMOID, true), 6},
    {"keras33_lora_rank_only.json", CFG(6, 2, 1, SAME, LAST, 1, 1, HARD_SILU, false), 0},
    {"tfkeras215_wrapped.json", CFG(10, 4, 1, SAME, LAST, 1, 1, SILU, true), 8},
    {"tfkeras212_legacy.json", CFG(12, 7, 3, VALID, LAST, 1, 1, LINEAR, false), 3},
    {"string_forms_channels_first.json", CFG(8, 2, 1, SAME, FIRST, 3, 4, LINEAR, true), 8},
    {"keras316_stft_identity.json", CFG(33, 64, 16, VALID, LAST, 1, 1, SOFTPLUS, true), 0},
    {"keras316_functional_entry.json", CFG(3, 1, 1, VALID, LAST, 1, 1, SOFTMAX, true), 2},
    {"tfkeras_savedmodel_tuples.json", CFG(5, 3, 1, CAUSAL, LAST, 2, 5, ELU, true), 5},
};
#define N_ACCEPTED (sizeof accepted / sizeof accepted[0])

static void expected_name(const char *file, char *buf, size_t size) {
    size_t n = strlen(file) - strlen(".json");
    snprintf(buf, size, "%.*s.expected.json", (int)n, file);
}

START_TEST(fixture_loads) {
    const accept_case *tc = &accepted[_i];
    size_t len, golden_len;
    char *text = tu_read_data(tc->file, &len);
    c1d_keras_config *k = accept_at(__LINE__, text, len);
    size_t channels = 99;
    c1d_config got = get_config(k, &channels);
    ck_assert_msg(config_equal(&got, &tc->expect), "%s: forward-pass fields differ", tc->file);
    ck_assert_uint_eq(channels, tc->in_channels);

    char name[256];
    expected_name(tc->file, name, sizeof name);
    char *golden_text = tu_read_data(name, &golden_len);
    json_error_t err;
    json_t *golden = json_loadb(golden_text, golden_len, JSON_REJECT_DUPLICATES, &err);
    ck_assert_msg(golden != NULL, "%s: %s", name, err.text);
    json_t *out = emitted(k);
    if (!json_equal(out, golden)) {
        char *got_text = json_dumps(out, JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        char *want_text = json_dumps(golden, JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        ck_abort_msg("%s: get_config differs from %s\n got  %s\n want %s", tc->file, name, got_text, want_text);
    }
    check_round_trip(k, tc->file);
    json_decref(out);
    json_decref(golden);
    free(golden_text);
    free(text);
    c1d_keras_config_destroy(k);
}
END_TEST

/* Every class of spec sections 8-10 appears in some expected get_config. */
START_TEST(fixtures_cover_every_class) {
    static const char *const classes[] = {
        "Zeros", "Ones", "Constant", "Identity", "RandomNormal", "RandomUniform", "TruncatedNormal",
        "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform",
        "LecunNormal", "Orthogonal", "STFT", "Initializer", /* initializers */
        "L1", "L2", "L1L2", "OrthogonalRegularizer", "Regularizer", /* regularizers */
        "MaxNorm", "MinMaxNorm", "UnitNorm", "NonNeg", "Constraint"};
    static const char *const keys[] = {"kernel_initializer", "bias_initializer", "kernel_regularizer",
                                       "bias_regularizer", "activity_regularizer", "kernel_constraint",
                                       "bias_constraint"};
    bool seen[sizeof classes / sizeof classes[0]] = {false};
    for (size_t f = 0; f < N_ACCEPTED; f++) {
        char name[256];
        size_t len;
        expected_name(accepted[f].file, name, sizeof name);
        char *text = tu_read_data(name, &len);
        json_t *tree = json_loadb(text, len, 0, NULL);
        ck_assert_ptr_nonnull(tree);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *cls = json_string_value(at(tree, keys[k], "class_name", NULL));
            for (size_t c = 0; cls && c < sizeof classes / sizeof classes[0]; c++)
                if (strcmp(cls, classes[c]) == 0) seen[c] = true;
        }
        json_decref(tree);
        free(text);
    }
    for (size_t c = 0; c < sizeof classes / sizeof classes[0]; c++)
        ck_assert_msg(seen[c], "no fixture uses %s", classes[c]);
}
END_TEST

/* ---- Refusal fixtures ---- */

typedef struct refuse_case {
    const char *file;
    c1d_status status;
    const char *word; /* the key the message must name */
} refuse_case;

static const refuse_case refused[] = {
    {"refuse/dense_layer.json", C1D_UNSUPPORTED, "class_name"},
    {"refuse/lambda_activation.json", C1D_UNSUPPORTED, "activation"},
    {"refuse/os_system_activation.json", C1D_UNSUPPORTED, "activation"},
    {"refuse/os_function_activation.json", C1D_UNSUPPORTED, "activation"},
    {"refuse/custom_registered_activation.json", C1D_UNSUPPORTED, "activation.registered_name"},
    {"refuse/keras2_relu_activation.json", C1D_UNSUPPORTED, "activation"},
    {"refuse/activation_layer.json", C1D_UNSUPPORTED, "activation"},
    {"refuse/mixed_float16_policy.json", C1D_UNSUPPORTED, "dtype"},
    {"refuse/tfkeras_mixed_policy.json", C1D_UNSUPPORTED, "dtype"},
    {"refuse/quantized_policy.json", C1D_UNSUPPORTED, "dtype"},
    {"refuse/float64_dtype.json", C1D_UNSUPPORTED, "dtype"},
    {"refuse/module_null_initializer.json", C1D_UNSUPPORTED, "kernel_initializer.module"},
    {"refuse/custom_initializer.json", C1D_UNSUPPORTED, "kernel_initializer.registered_name"},
    {"refuse/l1_l2_string.json", C1D_UNSUPPORTED, "kernel_regularizer"},
    {"refuse/keras2_maxnorm_string.json", C1D_UNSUPPORTED, "kernel_constraint"},
    {"refuse/custom_registered_layer.json", C1D_UNSUPPORTED, "module"},
    {"refuse/stft_kaiser_window.json", C1D_UNSUPPORTED, "kernel_initializer.config.window"},
    {"refuse/lora_with_kernel_constraint.json", C1D_INVALID_ARG, "lora_rank"},
    {"refuse/channels_disagree.json", C1D_INVALID_ARG, "batch_input_shape"},
    {"refuse/build_rank4.json", C1D_INVALID_ARG, "build_config.input_shape"},
    {"refuse/build_unknown_channels.json", C1D_INVALID_ARG, "build_config.input_shape"},
    {"refuse/groups_vs_channels.json", C1D_INVALID_ARG, "build_config.input_shape"},
    {"refuse/valid_input_too_short.json", C1D_INVALID_ARG, "build_config.input_shape"},
    {"refuse/strides_and_dilation.json", C1D_INVALID_ARG, "strides"},
    {"refuse/variance_scaling_mode_case.json", C1D_INVALID_ARG, "kernel_initializer.config.mode"},
    {"refuse/glorot_with_scale.json", C1D_INVALID_ARG, "kernel_initializer.config.scale"},
    {"refuse/negative_l2.json", C1D_INVALID_ARG, "kernel_regularizer.config.l2"},
    {"refuse/seed_string.json", C1D_INVALID_ARG, "kernel_initializer.config.seed"},
    {"refuse/unknown_key.json", C1D_INVALID_ARG, "dynamic"},
    {"refuse/missing_filters.json", C1D_INVALID_ARG, "filters"},
    {"refuse/name_with_slash.json", C1D_INVALID_ARG, "name"},
    {"refuse/constant_value_is_path.json", C1D_INVALID_ARG, "kernel_initializer.config.value"},
};
#define N_REFUSED (sizeof refused / sizeof refused[0])

START_TEST(fixture_refused) {
    size_t len;
    char *text = tu_read_data(refused[_i].file, &len);
    refuse_at(__LINE__, text, len, refused[_i].status, refused[_i].word);
    free(text);
}
END_TEST

/* No fixture sits in tests/data without a row in the tables above. */
START_TEST(every_fixture_is_tested) {
    const char *dir = getenv("C1D_TEST_DATA");
    ck_assert_ptr_nonnull(dir);
    const char *subdirs[] = {"", "refuse/"};
    size_t files = 0;
    for (size_t s = 0; s < 2; s++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, subdirs[s]);
        DIR *d = opendir(path);
        ck_assert_msg(d != NULL, "cannot list %s", path);
        for (struct dirent *e; (e = readdir(d));) {
            size_t n = strlen(e->d_name);
            if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
            if (n > 14 && strcmp(e->d_name + n - 14, ".expected.json") == 0) continue;
            char name[512];
            snprintf(name, sizeof name, "%s%s", subdirs[s], e->d_name);
            bool listed = false;
            for (size_t i = 0; i < N_ACCEPTED && !listed; i++) listed = strcmp(name, accepted[i].file) == 0;
            for (size_t i = 0; i < N_REFUSED && !listed; i++) listed = strcmp(name, refused[i].file) == 0;
            ck_assert_msg(listed, "tests/data/%s has no row in test_keras_json.c", name);
            files++;
        }
        closedir(d);
    }
    ck_assert_uint_eq(files, N_ACCEPTED + N_REFUSED);
}
END_TEST

/* ---- Numbers (J2, J3, J4) ---- */

typedef struct value_case {
    const char *value;
    c1d_status status;
} value_case;

/* J2/J3 for `filters`: never saturated, truncated or read from a bool;
 * the message names the key and shows the value. */
START_TEST(filters_values) {
    static const struct {
        const char *value;
        c1d_status status;
        const char *shown;
    } cases[] = {
        {"0", C1D_INVALID_ARG, "filters=0."},
        {"-3", C1D_INVALID_ARG, "filters=-3."},
        {"-0", C1D_INVALID_ARG, "filters=0."}, /* jansson reads -0 as the integer 0 */
        {"2147483648", C1D_TOO_LARGE, "2147483648"},
        {"9223372036854775807", C1D_TOO_LARGE, "9223372036854775807"},
        {"9223372036854775808", C1D_TOO_LARGE, "too big integer near '9223372036854775808'"},
        {"-9223372036854775809", C1D_TOO_LARGE, "-9223372036854775809"},
        {"1e10", C1D_INVALID_ARG, "expected an integer, got 10000000000.0"},
        {"1e400", C1D_TOO_LARGE, "real number overflow near '1e400'"},
        {"32.5", C1D_INVALID_ARG, "got 32.5"},
        {"32.0", C1D_INVALID_ARG, "got 32.0"},
        {"\"32\"", C1D_INVALID_ARG, "got \"32\""},
        {"true", C1D_INVALID_ARG, "got true (c1d does not read JSON booleans as integers)"},
        {"null", C1D_INVALID_ARG, "got null"},
        {"[32]", C1D_INVALID_ARG, "got [32]"},
        {"{}", C1D_INVALID_ARG, "got {}"},
    };
    char text[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "{\"filters\": %s, \"kernel_size\": 3}", cases[i].value);
        REFUSE(text, cases[i].status, "filters");
        ck_assert_msg(strstr(c1d_last_error(), cases[i].shown) != NULL, "message '%s' does not show '%s'",
                      c1d_last_error(), cases[i].shown);
    }
    /* The largest count c1d takes is kept exactly. */
    c1d_keras_config *k = ACCEPT("{\"filters\": 2147483647, \"kernel_size\": 3}");
    ck_assert_uint_eq(get_config(k, NULL).filters, 2147483647u);
    c1d_keras_config_destroy(k);
}
END_TEST

/* J4: the forms of kernel_size (and the same reader for strides, dilation_rate). */
START_TEST(tuple_forms) {
    static const struct {
        const char *value;
        c1d_status status;
        size_t k;
    } cases[] = {
        {"3", C1D_OK, 3},
        {"[3]", C1D_OK, 3},
        {"{\"class_name\": \"__tuple__\", \"items\": [3]}", C1D_OK, 3}, /* tf.keras SavedModel JSON */
        {"2147483648", C1D_OK, 2147483648u},                           /* kept exactly; c1d_conv_create refuses */
        {"[3, 3]", C1D_INVALID_ARG, 0},
        {"[]", C1D_INVALID_ARG, 0},
        {"[0]", C1D_INVALID_ARG, 0},
        {"0", C1D_INVALID_ARG, 0},
        {"[-2]", C1D_INVALID_ARG, 0},
        {"[3.0]", C1D_INVALID_ARG, 0}, /* Keras keeps the float and fails at build */
        {"3.0", C1D_INVALID_ARG, 0},
        {"true", C1D_INVALID_ARG, 0},
        {"[true]", C1D_INVALID_ARG, 0},
        {"\"3\"", C1D_INVALID_ARG, 0},
        {"null", C1D_INVALID_ARG, 0},
        {"{\"class_name\": \"__tuple__\", \"items\": [3, 3]}", C1D_INVALID_ARG, 0},
        {"{\"items\": [3]}", C1D_INVALID_ARG, 0},
        {"[9223372036854775808]", C1D_TOO_LARGE, 0},
    };
    char text[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": %s}", cases[i].value);
        if (cases[i].status != C1D_OK) {
            REFUSE(text, cases[i].status, "kernel_size");
            snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 1, \"strides\": %s}", cases[i].value);
            REFUSE(text, cases[i].status, "strides");
            continue;
        }
        c1d_keras_config *k = ACCEPT(text);
        ck_assert_uint_eq(get_config(k, NULL).kernel_size, cases[i].k);
        c1d_keras_config_destroy(k);
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 1, \"dilation_rate\": %s}", cases[i].value);
        k = ACCEPT(text);
        ck_assert_uint_eq(get_config(k, NULL).dilation_rate, cases[i].k);
        c1d_keras_config_destroy(k);
    }
}
END_TEST

/* ---- Strings and enums (J5, J6, J7) ---- */

START_TEST(padding_and_data_format) {
    static const struct {
        const char *value;
        c1d_padding p;
    } pads[] = {{"\"SAME\"", C1D_PADDING_SAME}, {"\"Causal\"", C1D_PADDING_CAUSAL}, {"\"vAlId\"", C1D_PADDING_VALID}};
    char text[256];
    for (size_t i = 0; i < 3; i++) {
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"padding\": %s}", pads[i].value);
        c1d_keras_config *k = ACCEPT(text);
        ck_assert_int_eq(get_config(k, NULL).padding, pads[i].p);
        c1d_keras_config_destroy(k);
    }
    static const char *const bad_pads[] = {"\"full\"", "\"reflect\"", "\"\"", "null", "[\"same\"]", "1"};
    for (size_t i = 0; i < sizeof bad_pads / sizeof bad_pads[0]; i++) {
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"padding\": %s}", bad_pads[i]);
        REFUSE(text, C1D_INVALID_ARG, "padding");
    }
    c1d_keras_config *k = ACCEPT("{\"filters\": 4, \"kernel_size\": 3, \"data_format\": null}");
    ck_assert_int_eq(get_config(k, NULL).data_format, C1D_CHANNELS_LAST);
    c1d_keras_config_destroy(k);
    k = ACCEPT("{\"filters\": 4, \"kernel_size\": 3, \"data_format\": \"CHANNELS_FIRST\"}");
    ck_assert_int_eq(get_config(k, NULL).data_format, C1D_CHANNELS_FIRST);
    c1d_keras_config_destroy(k);
    REFUSE("{\"filters\": 4, \"kernel_size\": 3, \"data_format\": \"channels_middle\"}", C1D_INVALID_ARG,
           "data_format");
    REFUSE("{\"filters\": 4, \"kernel_size\": 3, \"data_format\": 1}", C1D_INVALID_ARG, "data_format");
}
END_TEST

START_TEST(activations) {
    static const struct {
        const char *value;
        c1d_activation a;
    } ok[] = {
        {"null", C1D_ACTIVATION_LINEAR},
        {"\"linear\"", C1D_ACTIVATION_LINEAR},
        {"\"swish\"", C1D_ACTIVATION_SILU},
        {"\"hard_swish\"", C1D_ACTIVATION_HARD_SILU},
        {"\"log_softmax\"", C1D_ACTIVATION_LOG_SOFTMAX},
        {"{\"module\": \"keras.activations\", \"class_name\": \"function\", \"config\": \"mish\", "
         "\"registered_name\": \"mish\"}",
         C1D_ACTIVATION_MISH},
        {"{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"selu\"}", C1D_ACTIVATION_SELU},
    };
    char text[512];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"activation\": %s}", ok[i].value);
        c1d_keras_config *k = ACCEPT(text);
        ck_assert_int_eq(get_config(k, NULL).activation, ok[i].a);
        c1d_keras_config_destroy(k);
    }
    static const value_case bad[] = {
        {"\"gelu_custom\"", C1D_UNSUPPORTED},
        {"\"Relu\"", C1D_UNSUPPORTED}, /* case-sensitive, as Keras */
        {"\"threshold\"", C1D_UNSUPPORTED},
        {"\"LeakyReLU\"", C1D_UNSUPPORTED},
        {"{\"class_name\": \"__lambda__\", \"config\": {\"value\": \"x\"}}", C1D_UNSUPPORTED},
        {"{\"module\": \"os\", \"class_name\": \"system\", \"config\": {}}", C1D_UNSUPPORTED},
        {"{\"module\": null, \"class_name\": \"function\", \"config\": \"relu\"}", C1D_UNSUPPORTED},
        {"{\"module\": \"keras.activations\", \"class_name\": \"function\", \"config\": \"relu\", "
         "\"registered_name\": \"pkg>relu\"}",
         C1D_UNSUPPORTED},
        {"{\"config\": \"relu\"}", C1D_INVALID_ARG},
        {"5", C1D_INVALID_ARG},
        {"[\"relu\"]", C1D_INVALID_ARG},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"activation\": %s}", bad[i].value);
        REFUSE(text, bad[i].status, "activation");
    }
}
END_TEST

/* ---- Nested objects (J8) ---- */

START_TEST(nested_objects) {
    static const struct {
        const char *key, *value;
        c1d_status status;
        const char *word;
    } bad[] = {
        {"kernel_regularizer", "{\"class_name\": \"L2\", \"config\": {\"l2\": 1e400}}", C1D_TOO_LARGE, "l2"},
        {"kernel_regularizer", "{\"class_name\": \"L2\", \"config\": {\"l2\": \"0.1\"}}", C1D_INVALID_ARG,
         "kernel_regularizer.config.l2"},
        {"kernel_regularizer", "{\"class_name\": \"L1\", \"config\": {\"l1\": 1e39}}", C1D_INVALID_ARG,
         "kernel_regularizer.config.l1"},
        {"kernel_regularizer", "{\"class_name\": \"OrthogonalRegularizer\", \"config\": {\"factor\": null}}",
         C1D_INVALID_ARG, "kernel_regularizer.config.factor"},
        {"kernel_regularizer", "{\"class_name\": \"OrthogonalRegularizer\", \"config\": {\"mode\": \"diag\"}}",
         C1D_INVALID_ARG, "kernel_regularizer.config.mode"},
        {"kernel_regularizer", "{\"class_name\": \"L2\", \"config\": {\"l2\": 0.1, \"l1\": 0.1}}", C1D_INVALID_ARG,
         "kernel_regularizer.config.l1"},
        {"kernel_initializer", "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": -1}}",
         C1D_INVALID_ARG, "kernel_initializer.config.scale"},
        {"kernel_initializer", "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 0}}",
         C1D_INVALID_ARG, "kernel_initializer.config.scale"},
        {"kernel_initializer", "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": -0.0}}",
         C1D_INVALID_ARG, "Received: scale=-0.0"},
        {"kernel_initializer", "{\"class_name\": \"VarianceScaling\", \"config\": {\"distribution\": \"gaussian\"}}",
         C1D_INVALID_ARG, "kernel_initializer.config.distribution"},
        {"kernel_initializer", "{\"class_name\": \"HeUniform\", \"config\": {\"seed\": true}}", C1D_INVALID_ARG,
         "kernel_initializer.config.seed"},
        {"kernel_initializer", "{\"class_name\": \"HeUniform\", \"config\": {\"seed\": 1.5}}", C1D_INVALID_ARG,
         "kernel_initializer.config.seed"},
        {"kernel_initializer", "{\"class_name\": \"HeUniform\", \"config\": {\"input_axes\": \"0\"}}",
         C1D_INVALID_ARG, "kernel_initializer.config.input_axes"},
        {"kernel_initializer",
         "{\"class_name\": \"HeUniform\", \"config\": {\"seed\": {\"class_name\": \"SeedGenerator\", \"config\": "
         "{\"seed\": 1}}}}",
         C1D_UNSUPPORTED, "kernel_initializer.config.seed.module"},
        {"kernel_initializer",
         "{\"class_name\": \"HeUniform\", \"config\": {\"seed\": {\"module\": \"keras.random\", \"class_name\": "
         "\"SeedGenerator\", \"config\": {\"seed\": \"x\"}}}}",
         C1D_INVALID_ARG, "kernel_initializer.config.seed.config.seed"},
        {"kernel_initializer", "{\"class_name\": \"RandomNormal\", \"config\": {\"stddev\": null}}",
         C1D_INVALID_ARG, "kernel_initializer.config.stddev"},
        {"kernel_initializer", "{\"class_name\": \"Constant\", \"config\": {\"value\": [1, 2]}}", C1D_INVALID_ARG,
         "kernel_initializer.config.value"},
        {"kernel_initializer", "{\"class_name\": \"STFT\", \"config\": {\"side\": \"both\"}}", C1D_INVALID_ARG,
         "kernel_initializer.config.side"},
        {"kernel_initializer", "{\"class_name\": \"STFT\", \"config\": {\"window\": [1, 2, 3]}}", C1D_UNSUPPORTED,
         "kernel_initializer.config.window"},
        {"kernel_initializer", "{\"class_name\": \"STFT\", \"config\": {\"periodic\": 1}}", C1D_INVALID_ARG,
         "kernel_initializer.config.periodic"},
        {"kernel_initializer", "{\"class_name\": \"MyInit\", \"config\": {}}", C1D_UNSUPPORTED,
         "kernel_initializer.class_name"},
        {"kernel_initializer", "\"file:///etc/passwd\"", C1D_UNSUPPORTED, "kernel_initializer"},
        {"kernel_initializer", "{\"class_name\": \"Zeros\", \"config\": {}, \"extra\": 1}", C1D_INVALID_ARG,
         "kernel_initializer.extra"},
        {"kernel_initializer", "{\"class_name\": \"Zeros\", \"config\": []}", C1D_INVALID_ARG,
         "kernel_initializer.config"},
        {"kernel_initializer", "{\"class_name\": 7}", C1D_INVALID_ARG, "kernel_initializer.class_name"},
        {"kernel_initializer", "{\"config\": {}}", C1D_INVALID_ARG, "kernel_initializer.class_name"},
        {"kernel_initializer", "3", C1D_INVALID_ARG, "kernel_initializer"},
        {"bias_constraint", "{\"class_name\": \"MaxNorm\", \"config\": {\"axis\": \"0\"}}", C1D_INVALID_ARG,
         "bias_constraint.config.axis"},
        {"bias_constraint", "{\"class_name\": \"MaxNorm\", \"config\": {\"axis\": [0,1,2,3,4,5,6,7,8]}}",
         C1D_INVALID_ARG, "bias_constraint.config.axis"},
        {"bias_constraint", "{\"class_name\": \"UnitNorm\", \"config\": {\"axis\": [0, 1.5]}}", C1D_INVALID_ARG,
         "bias_constraint.config.axis[1]"},
        {"bias_constraint", "{\"class_name\": \"MinMaxNorm\", \"config\": {\"rate\": false}}", C1D_INVALID_ARG,
         "bias_constraint.config.rate"},
        {"bias_constraint", "\"unitnorm\"", C1D_UNSUPPORTED, "bias_constraint"},
        {"bias_constraint", "{\"class_name\": \"NonNeg\", \"shared_object_id\": \"a\"}", C1D_INVALID_ARG,
         "bias_constraint.shared_object_id"},
    };
    char text[1024];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"%s\": %s}", bad[i].key, bad[i].value);
        REFUSE(text, bad[i].status, bad[i].word);
    }

    /* Accepted as Keras accepts them: a negative stddev (Keras does not
     * check it), null factors (the defaults), "normal" distribution,
     * legacy 2-key and alias names; each read back from get_config. */
    c1d_keras_config *k = ACCEPT(
        "{\"filters\": 4, \"kernel_size\": 3,"
        " \"kernel_initializer\": {\"class_name\": \"normal\", \"config\": {\"stddev\": -0.5, \"mean\": 1}},"
        " \"bias_initializer\": {\"class_name\": \"variance_scaling\", \"config\": {\"distribution\": \"NORMAL\","
        "  \"seed\": -12, \"input_axes\": 2, \"output_axes\": [0, -1]}},"
        " \"kernel_regularizer\": {\"class_name\": \"l1\", \"config\": {\"l1\": null}},"
        " \"bias_regularizer\": {\"class_name\": \"L2\", \"config\": {\"l2\": 0}},"
        " \"kernel_constraint\": {\"class_name\": \"min_max_norm\", \"config\": {\"axis\": null}}}");
    json_t *out = emitted(k);
    ck_assert_str_eq(json_string_value(at(out, "kernel_initializer", "class_name", NULL)), "RandomNormal");
    ck_assert(json_real_value(at(out, "kernel_initializer", "config", "stddev")) == -0.5);
    ck_assert(json_is_integer(at(out, "kernel_initializer", "config", "mean")));
    ck_assert_str_eq(json_string_value(at(out, "bias_initializer", "config", "distribution")), "truncated_normal");
    ck_assert_int_eq(json_integer_value(at(out, "bias_initializer", "config", "seed")), -12);
    ck_assert_int_eq(json_integer_value(at(out, "bias_initializer", "config", "input_axes")), 2);
    ck_assert_int_eq(json_integer_value(json_array_get(at(out, "bias_initializer", "config", "output_axes"), 1)), -1);
    ck_assert(json_real_value(at(out, "kernel_regularizer", "config", "l1")) == (double)0.01f);
    ck_assert(json_is_real(at(out, "bias_regularizer", "config", "l2")));
    ck_assert(json_real_value(at(out, "bias_regularizer", "config", "l2")) == 0.0);
    ck_assert_str_eq(json_string_value(at(out, "kernel_constraint", "class_name", NULL)), "MinMaxNorm");
    ck_assert(json_is_null(at(out, "kernel_constraint", "config", "axis")));
    ck_assert(json_real_value(at(out, "kernel_constraint", "config", "max_value")) == 1.0);
    json_decref(out);
    check_round_trip(k, "nested objects");
    c1d_keras_config_destroy(k);

    /* L1 and OrthogonalRegularizer keep their factor in a float32 tensor,
     * so get_config gives it float32-rounded (spec 9); L2 and L1L2 keep
     * the Python float. */
    k = ACCEPT("{\"filters\": 4, \"kernel_size\": 3,"
               " \"kernel_regularizer\": {\"class_name\": \"L1\", \"config\": {\"l1\": 0.01}},"
               " \"bias_regularizer\": {\"class_name\": \"OrthogonalRegularizer\", \"config\": {\"factor\": 0.1}},"
               " \"activity_regularizer\": {\"class_name\": \"L1L2\", \"config\": {\"l1\": 0.01, \"l2\": 0.1}}}");
    out = emitted(k);
    ck_assert(json_real_value(at(out, "kernel_regularizer", "config", "l1")) == 0.009999999776482582);
    ck_assert(json_real_value(at(out, "bias_regularizer", "config", "factor")) == 0.10000000149011612);
    ck_assert(json_real_value(at(out, "activity_regularizer", "config", "l1")) == 0.01);
    ck_assert(json_real_value(at(out, "activity_regularizer", "config", "l2")) == 0.1);
    json_decref(out);
    check_round_trip(k, "float32 factors");
    c1d_keras_config_destroy(k);

    /* `null` initializers stay None (Keras keeps None; the bias then gets
     * glorot_uniform at build, spec 1); absent ones get the defaults. */
    k = ACCEPT("{\"filters\": 4, \"kernel_size\": 3, \"bias_initializer\": null}");
    out = emitted(k);
    ck_assert(json_is_null(json_object_get(out, "bias_initializer")));
    ck_assert_str_eq(json_string_value(at(out, "kernel_initializer", "class_name", NULL)), "GlorotUniform");
    json_decref(out);
    c1d_keras_config_destroy(k);
}
END_TEST

/* Every name Keras 3 resolves (spec 8-10: class names, snake_case names,
 * aliases), as a string and as a dict class_name, gives the canonical
 * class in get_config. */
START_TEST(class_names) {
    static const struct {
        const char *key, *name, *canonical;
    } names[] = {
        {"kernel_initializer", "zeros", "Zeros"},
        {"kernel_initializer", "zero", "Zeros"},
        {"kernel_initializer", "ones", "Ones"},
        {"kernel_initializer", "one", "Ones"},
        {"kernel_initializer", "constant", "Constant"},
        {"kernel_initializer", "identity", "Identity"},
        {"kernel_initializer", "IdentityInitializer", "Identity"},
        {"kernel_initializer", "random_normal", "RandomNormal"},
        {"kernel_initializer", "normal", "RandomNormal"},
        {"kernel_initializer", "random_uniform", "RandomUniform"},
        {"kernel_initializer", "uniform", "RandomUniform"},
        {"kernel_initializer", "truncated_normal", "TruncatedNormal"},
        {"kernel_initializer", "variance_scaling", "VarianceScaling"},
        {"kernel_initializer", "glorot_uniform", "GlorotUniform"},
        {"kernel_initializer", "glorot_normal", "GlorotNormal"},
        {"kernel_initializer", "he_uniform", "HeUniform"},
        {"kernel_initializer", "he_normal", "HeNormal"},
        {"kernel_initializer", "lecun_uniform", "LecunUniform"},
        {"kernel_initializer", "lecun_normal", "LecunNormal"},
        {"kernel_initializer", "orthogonal", "Orthogonal"},
        {"kernel_initializer", "OrthogonalInitializer", "Orthogonal"},
        {"kernel_initializer", "stft", "STFT"},
        {"kernel_initializer", "STFTInitializer", "STFT"},
        {"kernel_initializer", "initializer", "Initializer"},
        {"kernel_regularizer", "l1", "L1"},
        {"kernel_regularizer", "l2", "L2"},
        {"kernel_regularizer", "l1l2", "L1L2"},
        {"kernel_regularizer", "orthogonal_regularizer", "OrthogonalRegularizer"},
        {"kernel_regularizer", "regularizer", "Regularizer"},
        {"bias_constraint", "max_norm", "MaxNorm"},
        {"bias_constraint", "min_max_norm", "MinMaxNorm"},
        {"bias_constraint", "unit_norm", "UnitNorm"},
        {"bias_constraint", "non_neg", "NonNeg"},
        {"bias_constraint", "constraint", "Constraint"},
    };
    char text[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (int as_dict = 0; as_dict < 2; as_dict++) {
            if (as_dict)
                snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"%s\": {\"class_name\": \"%s\"}}",
                         names[i].key, names[i].name);
            else
                snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"%s\": \"%s\"}", names[i].key,
                         names[i].name);
            c1d_keras_config *k = ACCEPT(text);
            json_t *out = emitted(k);
            ck_assert_str_eq(json_string_value(at(out, names[i].key, "class_name", NULL)), names[i].canonical);
            json_decref(out);
            c1d_keras_config_destroy(k);
        }
        /* Names are case-sensitive, as in Keras. */
        snprintf(text, sizeof text, "{\"filters\": 4, \"kernel_size\": 3, \"%s\": \"%s_X\"}", names[i].key,
                 names[i].name);
        REFUSE(text, C1D_UNSUPPORTED, names[i].key);
    }
    REFUSE("{\"filters\": 4, \"kernel_size\": 3, \"kernel_initializer\": \"Glorot_Uniform\"}", C1D_UNSUPPORTED,
           "kernel_initializer");
    REFUSE("{\"filters\": 4, \"kernel_size\": 3, \"kernel_initializer\": \"l2\"}", C1D_UNSUPPORTED,
           "kernel_initializer");
    REFUSE("{\"filters\": 4, \"kernel_size\": 3, \"kernel_regularizer\": \"glorot_uniform\"}", C1D_UNSUPPORTED,
           "kernel_regularizer");
}
END_TEST

/* ---- Wrapper and layer keys (J1, J9, J10) ---- */

START_TEST(wrapper_and_keys) {
    static const struct {
        const char *text;
        c1d_status status;
        const char *word;
    } bad[] = {
        {"{}", C1D_INVALID_ARG, "filters"},
        {"{\"filters\": 4}", C1D_INVALID_ARG, "kernel_size"},
        {"[]", C1D_INVALID_ARG, "json"},
        {"\"conv\"", C1D_INVALID_ARG, "json"},
        {"{\"class_name\": \"Conv1D\"}", C1D_INVALID_ARG, "config"},
        {"{\"class_name\": \"Conv1D\", \"config\": [1]}", C1D_INVALID_ARG, "config"},
        {"{\"class_name\": \"Conv2D\", \"config\": {}}", C1D_UNSUPPORTED, "class_name"},
        {"{\"class_name\": 1, \"config\": {}}", C1D_INVALID_ARG, "class_name"},
        {"{\"module\": null, \"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}}",
         C1D_UNSUPPORTED, "module"},
        {"{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}, \"compile_config\": {}}",
         C1D_INVALID_ARG, "compile_config"},
        {"{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}, \"build_config\": 3}",
         C1D_INVALID_ARG, "build_config"},
        {"{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}, "
         "\"build_config\": {\"input_shape\": [null, 10, -4]}}",
         C1D_INVALID_ARG, "build_config.input_shape[2]"},
        {"{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}, "
         "\"build_config\": {\"input_shape\": [null, 10, 0]}}",
         C1D_INVALID_ARG, "build_config.input_shape"},
        {"{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}, "
         "\"build_config\": {\"shapes_dict\": {}}}",
         C1D_INVALID_ARG, "build_config.shapes_dict"},
        {"{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}, \"name\": 5}",
         C1D_INVALID_ARG, "name"},
        {"{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3}, \"inbound_nodes\": {}}",
         C1D_INVALID_ARG, "inbound_nodes"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"trainable\": \"yes\"}", C1D_INVALID_ARG, "trainable"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"trainable\": null}", C1D_INVALID_ARG, "trainable"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"use_bias\": 1}", C1D_INVALID_ARG, "use_bias"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"autocast\": \"no\"}", C1D_INVALID_ARG, "autocast"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"name\": 7}", C1D_INVALID_ARG, "name"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"dtype\": \"float31\"}", C1D_INVALID_ARG, "dtype"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"dtype\": \"bfloat16\"}", C1D_UNSUPPORTED, "dtype"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"dtype\": \"int8_from_float32\"}", C1D_UNSUPPORTED, "dtype"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"dtype\": 32}", C1D_INVALID_ARG, "dtype"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"dtype\": {\"class_name\": \"DTypePolicy\", \"config\": "
         "{\"name\": \"float32\", \"x\": 1}}}",
         C1D_INVALID_ARG, "dtype.config.x"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"dtype\": {\"class_name\": \"DTypePolicyMap\", \"config\": {}}}",
         C1D_UNSUPPORTED, "dtype.class_name"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"lora_rank\": -1}", C1D_INVALID_ARG, "lora_rank"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"lora_rank\": true}", C1D_INVALID_ARG, "lora_rank"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"lora_rank\": 2, \"lora_alpha\": \"8\"}", C1D_INVALID_ARG,
         "lora_alpha"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"input_dim\": 4}", C1D_INVALID_ARG, "input_dim"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"input_shape\": [null, 10, 4]}", C1D_INVALID_ARG, "input_shape"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"batch_input_shape\": [10, 4]}", C1D_INVALID_ARG,
         "batch_input_shape"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"groups\": -2}", C1D_INVALID_ARG, "groups"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"groups\": 3}", C1D_INVALID_ARG, "groups"},
        {"{\"filters\": 3, \"kernel_size\": 3, \"activation\": \"glu\"}", C1D_INVALID_ARG, "activation"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refuse_at(__LINE__, bad[i].text, strlen(bad[i].text), bad[i].status, bad[i].word);

    /* The alias class name, a registered_name equal to the class, the
     * deprecated input_shape kwarg (no batch entry), LoRA rank 0 (off),
     * trainable false and an integer lora_alpha. */
    c1d_keras_config *k = ACCEPT(
        "{\"module\": \"keras.layers\", \"class_name\": \"Convolution1D\", \"registered_name\": \"Convolution1D\","
        " \"config\": {\"filters\": 4, \"kernel_size\": 3, \"input_shape\": [null, 7], \"lora_rank\": 0,"
        " \"lora_alpha\": 5, \"trainable\": false, \"dtype\": null, \"name\": null}}");
    size_t c;
    get_config(k, &c);
    ck_assert_uint_eq(c, 7);
    json_t *out = emitted(k);
    ck_assert_ptr_null(json_object_get(out, "lora_rank"));
    ck_assert_ptr_null(json_object_get(out, "lora_alpha"));
    ck_assert(json_is_false(json_object_get(out, "trainable")));
    ck_assert_str_eq(json_string_value(json_object_get(out, "name")), "conv1d");
    json_decref(out);
    c1d_keras_config_destroy(k);

    /* batch_input_shape and build_config agreeing, channels_first. */
    k = ACCEPT("{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 4, \"kernel_size\": 3, \"data_format\": "
               "\"channels_first\", \"batch_input_shape\": [2, 6, null]}, \"build_config\": {\"input_shape\": "
               "[null, 6, 40]}}");
    get_config(k, &c);
    ck_assert_uint_eq(c, 6);
    c1d_keras_config_destroy(k);
}
END_TEST

/* ---- Hostile text (J11-J16) ---- */

/* J11: deep nesting is refused by a scan before jansson recurses; the
 * documented limit is 64 levels. */
START_TEST(deep_nesting) {
    const size_t n = 100000;
    char *text = malloc(2 * n + 64);
    ck_assert_ptr_nonnull(text);
    memset(text, '[', n);
    refuse_at(__LINE__, text, n, C1D_PARSE, "deeper than 64");
    /* 100000 nested {"a": */
    size_t used = 0;
    for (size_t i = 0; i < n / 5; i++) {
        memcpy(text + used, "{\"a\":", 5);
        used += 5;
    }
    refuse_at(__LINE__, text, used, C1D_PARSE, "deeper than 64");
    ck_assert_msg(strstr(c1d_last_error(), "a.a.a") != NULL, "no key path in '%s'", c1d_last_error());

    /* The object plus 63 nested lists (64 levels) reach validation, which
     * refuses a list as a name; one list more is refused by the scan. */
    for (size_t lists = 62; lists <= 64; lists++) {
        used = (size_t)sprintf(text, "{\"filters\": 4, \"kernel_size\": 3, \"name\": ");
        memset(text + used, '[', lists);
        memset(text + used + lists, ']', lists);
        used += 2 * lists;
        text[used++] = '}';
        if (lists < 64)
            refuse_at(__LINE__, text, used, C1D_INVALID_ARG, "name: Argument `name` must be a string");
        else
            refuse_at(__LINE__, text, used, C1D_PARSE, "deeper than 64");
    }
    free(text);
}
END_TEST

/* J12: the 1 MiB cap applies before parsing; inside it, a huge number or
 * string costs linear time and is handled normally. */
START_TEST(size_cap) {
    const size_t cap = (size_t)1 << 20;
    const char *base = "{\"filters\": 4, \"kernel_size\": 3}";
    char *text = malloc(cap + 2);
    ck_assert_ptr_nonnull(text);
    /* Exactly 1 MiB (the config padded with whitespace) passes... */
    memset(text, ' ', cap + 1);
    memcpy(text, base, strlen(base));
    c1d_keras_config *k = accept_at(__LINE__, text, cap);
    c1d_keras_config_destroy(k);
    /* ...one byte more is refused without parsing. */
    refuse_at(__LINE__, text, cap + 1, C1D_TOO_LARGE, "1048576");
    refuse_at(__LINE__, text, (size_t)100 << 20, C1D_TOO_LARGE, "json");

    /* A 10^5-digit number: jansson refuses it as too big, in linear time. */
    size_t used = (size_t)sprintf(text, "{\"kernel_size\": 3, \"filters\": 1");
    memset(text + used, '0', 100000);
    used += 100000;
    text[used++] = '}';
    refuse_at(__LINE__, text, used, C1D_TOO_LARGE, "filters");

    /* A 900 kB name is a valid Keras name: kept and written back whole. */
    used = (size_t)sprintf(text, "{\"kernel_size\": 3, \"filters\": 1, \"name\": \"");
    memset(text + used, 'n', 900000);
    used += 900000;
    used += (size_t)sprintf(text + used, "\"}");
    k = accept_at(__LINE__, text, used);
    char *out = to_json(k);
    ck_assert_uint_gt(strlen(out), 900000);
    c1d_json_free(out);
    c1d_keras_config_destroy(k);
    free(text);
}
END_TEST

/* J13, J14, J15: syntax. */
START_TEST(syntax_errors) {
    static const struct {
        const char *text;
        const char *word;
    } bad[] = {
        {"{\"filters\": 8, \"kernel_size\": 3, \"filters\": 16}", "duplicate"},
        {"{\"filters\": NaN, \"kernel_size\": 3}", "filters"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"kernel_regularizer\": {\"class_name\": \"L2\", "
         "\"config\": {\"l2\": Infinity}}}",
         "kernel_regularizer.config.l2"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"kernel_regularizer\": {\"class_name\": \"L2\", "
         "\"config\": {\"l2\": -Infinity}}}",
         "l2"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"name\": \"\xff\"}", "name"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"name\": \"\xc0\xaf\"}", "name"},   /* overlong '/' */
        {"{\"filters\": 4, \"kernel_size\": 3, \"name\": \"\xe4\xb8\"}", "name"},   /* cut multibyte */
        {"{\"filters\": 4, \"kernel_size\": 3, \"name\": \"a\\u0000b\"}", "name"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"name\": \"\\ud800\"}", "name"},
        {"{\"filters\": 4, \"kernel_size\": 3, \"name\": \"a\tb\"}", "name"},      /* raw control char */
        {"{\"filters\": 4, \"kernel_size\": 3} x", "json"},
        {"{\"filters\": 4, \"kernel_size\": 3}{}", "json"},
        {"{\"filters\": 4, // comment\n \"kernel_size\": 3}", "filters"},
        {"{\"filters\": 4, /* comment */ \"kernel_size\": 3}", "filters"},
        {"{\"filters\": 012, \"kernel_size\": 3}", "filters"},
        {"{\"filters\": 4, \"kernel_size\": [3,]}", "kernel_size"},
        {"{\"filters\": 8,", "filters"},
        {"{\"filters\": 8, \"kernel_size\": [3", "kernel_size[0]"},
        {"{'filters': 8}", "json"},
        {"  \n ", "json"},
        {"\xEF\xBB\xBF{\"filters\": 4, \"kernel_size\": 3}", "byte-order mark"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refuse_at(__LINE__, bad[i].text, strlen(bad[i].text), C1D_PARSE, bad[i].word);
    /* A raw NUL byte inside a string, within `length`. */
    static const char nul[] = "{\"filters\": 4, \"kernel_size\": 3, \"name\": \"a\0b\"}";
    refuse_at(__LINE__, nul, sizeof nul - 1, C1D_PARSE, "name");
}
END_TEST

/* Arguments of the four functions; nothing written on failure (J1 too). */
START_TEST(arguments) {
    c1d_keras_config *out = CANARY;
    ck_assert_int_eq(c1d_keras_config_parse("{}", 2, NULL), C1D_INVALID_ARG);
    ck_assert_int_eq(c1d_keras_config_parse(NULL, 5, &out), C1D_INVALID_ARG);
    ck_assert_ptr_eq(out, CANARY);
    ck_assert_int_eq(c1d_keras_config_parse(NULL, 0, &out), C1D_PARSE);
    ck_assert(strstr(c1d_last_error(), "empty") != NULL);
    ck_assert_int_eq(c1d_keras_config_parse("", 0, &out), C1D_PARSE);
    ck_assert_ptr_eq(out, CANARY);
    /* `length` bounds the text: no terminator is needed or read. */
    const char text[] = "{\"filters\": 4, \"kernel_size\": 3}garbage";
    c1d_keras_config *k = accept_at(__LINE__, text, strlen(text) - 7);

    c1d_config cfg = c1d_config_default(99, 99);
    size_t c = 77;
    ck_assert_int_eq(c1d_keras_config_get(NULL, &cfg, &c), C1D_INVALID_ARG);
    ck_assert_uint_eq(cfg.filters, 99);
    ck_assert_uint_eq(c, 77);
    ck_assert_int_eq(c1d_keras_config_get(k, NULL, NULL), C1D_OK);
    char *json = (char *)&canary_target;
    ck_assert_int_eq(c1d_keras_config_to_json(NULL, &json), C1D_INVALID_ARG);
    ck_assert_ptr_eq(json, (char *)&canary_target);
    ck_assert_int_eq(c1d_keras_config_to_json(k, NULL), C1D_INVALID_ARG);
    c1d_keras_config_destroy(k);
    c1d_keras_config_destroy(NULL);
    c1d_json_free(NULL);
}
END_TEST

/* J17: numbers read the same under a locale whose decimal point is ','. */
START_TEST(comma_locale) {
    static const char *const candidates[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8",
                                             "ru_RU.UTF-8", "nl_NL.UTF-8", "it_IT.UTF-8", "es_ES.UTF-8",
                                             "pt_BR.UTF-8", "de_DE"};
    const char *used = NULL;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && !used; i++)
        if (setlocale(LC_NUMERIC, candidates[i]) && strcmp(localeconv()->decimal_point, ",") == 0)
            used = candidates[i];
    if (!used) {
        setlocale(LC_NUMERIC, "C");
        printf("keras_json comma_locale: skipped: no locale with a ',' decimal point is installed "
               "(tried de_DE.UTF-8, fr_FR.UTF-8, ru_RU.UTF-8, ...)\n");
        return;
    }
    c1d_keras_config *k = ACCEPT(
        "{\"filters\": 4, \"kernel_size\": 3, \"kernel_regularizer\": {\"class_name\": \"L2\", \"config\": "
        "{\"l2\": 0.001}}, \"bias_initializer\": {\"class_name\": \"RandomUniform\", \"config\": {\"minval\": "
        "-1.25e-3, \"maxval\": 2.5}}}");
    char *text = to_json(k);
    ck_assert_msg(strstr(text, "\"l2\": 0.001") != NULL, "under %s: %s", used, text);
    ck_assert_msg(strstr(text, "\"minval\": -0.00125") != NULL, "under %s: %s", used, text);
    ck_assert_msg(strstr(text, "\"maxval\": 2.5") != NULL, "under %s: %s", used, text);
    check_round_trip(k, used);
    setlocale(LC_NUMERIC, "C");
    json_t *tree = json_loads(text, 0, NULL);
    ck_assert(json_real_value(at(tree, "kernel_regularizer", "config", "l2")) == 0.001);
    json_decref(tree);
    c1d_json_free(text);
    c1d_keras_config_destroy(k);
}
END_TEST

/* ---- Seeded random configs ---- */

static const char *const activation_names[C1D_ACTIVATION_COUNT_] = {
    [C1D_ACTIVATION_LINEAR] = "linear",         [C1D_ACTIVATION_RELU] = "relu",
    [C1D_ACTIVATION_RELU6] = "relu6",           [C1D_ACTIVATION_LEAKY_RELU] = "leaky_relu",
    [C1D_ACTIVATION_ELU] = "elu",               [C1D_ACTIVATION_SELU] = "selu",
    [C1D_ACTIVATION_CELU] = "celu",             [C1D_ACTIVATION_SIGMOID] = "sigmoid",
    [C1D_ACTIVATION_HARD_SIGMOID] = "hard_sigmoid", [C1D_ACTIVATION_SPARSE_SIGMOID] = "sparse_sigmoid",
    [C1D_ACTIVATION_LOG_SIGMOID] = "log_sigmoid", [C1D_ACTIVATION_SILU] = "silu",
    [C1D_ACTIVATION_HARD_SILU] = "hard_silu",   [C1D_ACTIVATION_GELU] = "gelu",
    [C1D_ACTIVATION_TANH] = "tanh",             [C1D_ACTIVATION_TANH_SHRINK] = "tanh_shrink",
    [C1D_ACTIVATION_HARD_TANH] = "hard_tanh",   [C1D_ACTIVATION_SOFTPLUS] = "softplus",
    [C1D_ACTIVATION_SOFTSIGN] = "softsign",     [C1D_ACTIVATION_SQUAREPLUS] = "squareplus",
    [C1D_ACTIVATION_SPARSE_PLUS] = "sparse_plus", [C1D_ACTIVATION_SOFT_SHRINK] = "soft_shrink",
    [C1D_ACTIVATION_HARD_SHRINK] = "hard_shrink", [C1D_ACTIVATION_EXPONENTIAL] = "exponential",
    [C1D_ACTIVATION_MISH] = "mish",             [C1D_ACTIVATION_SOFTMAX] = "softmax",
    [C1D_ACTIVATION_LOG_SOFTMAX] = "log_softmax", [C1D_ACTIVATION_SPARSEMAX] = "sparsemax",
    [C1D_ACTIVATION_GLU] = "glu",
};

typedef struct random_case {
    c1d_config cfg;
    size_t in_channels;
    double scale, mean, stddev, l2, max_value;
    long long seed;
    int axis;
    bool constrained;
    long long lora_rank;
} random_case;

static double random_real(uint64_t *s, double lo, double hi) {
    return lo + (hi - lo) * ((double)(tu_next(s) >> 11) * 0x1.0p-53);
}

static size_t pick(uint64_t *s, size_t n) { return (size_t)(tu_next(s) % n); }

/* A random string with some letters upper-cased (Keras lower-cases
 * padding and data_format). */
static void shout(uint64_t *s, const char *in, char *out) {
    size_t i = 0;
    for (; in[i]; i++) out[i] = (pick(s, 3) == 0 && in[i] >= 'a' && in[i] <= 'z') ? (char)(in[i] - 32) : in[i];
    out[i] = '\0';
}

static void tuple_text(uint64_t *s, size_t v, char *out, size_t size) {
    switch (pick(s, 3)) {
    case 0: snprintf(out, size, "%zu", v); break;
    case 1: snprintf(out, size, "[%zu]", v); break;
    default: snprintf(out, size, "{\"class_name\": \"__tuple__\", \"items\": [%zu]}", v); break;
    }
}

static size_t random_text(uint64_t *s, char *text, size_t size, random_case *rc) {
    static const char *const paddings[] = {"valid", "same", "causal"};
    static const char *const formats[] = {"channels_last", "channels_first"};
    static const char *const modes[] = {"fan_in", "fan_out", "fan_avg"};
    static const char *const distributions[] = {"uniform", "truncated_normal", "untruncated_normal"};
    memset(rc, 0, sizeof *rc);
    c1d_config *c = &rc->cfg;
    c->groups = (size_t)1 << pick(s, 3);
    c->filters = c->groups * (1 + pick(s, 12));
    c->kernel_size = 1 + pick(s, 9);
    c->strides = 1 + pick(s, 4);
    c->dilation_rate = c->strides > 1 ? 1 : 1 + pick(s, 4);
    c->padding = (c1d_padding)pick(s, 3);
    c->data_format = (c1d_data_format)pick(s, 2);
    c->activation = (c1d_activation)pick(s, C1D_ACTIVATION_COUNT_);
    if (c->activation == C1D_ACTIVATION_GLU) c->filters *= 2;
    c->use_bias = pick(s, 2) == 1;
    rc->scale = random_real(s, 1e-6, 10.0);
    rc->mean = random_real(s, -1.0, 1.0);
    rc->stddev = random_real(s, 0.0, 1.0);
    rc->l2 = random_real(s, 0.0, 1e-2);
    rc->max_value = random_real(s, 0.1, 5.0);
    rc->seed = (long long)(tu_next(s) >> 1) * (pick(s, 2) ? 1 : -1);
    rc->axis = (int)pick(s, 3);
    rc->lora_rank = pick(s, 3) == 0 ? (long long)(1 + pick(s, 8)) : 0;
    rc->constrained = rc->lora_rank == 0 && pick(s, 2);
    const bool wrapped = pick(s, 2) == 1;
    if (wrapped) rc->in_channels = c->groups * (1 + pick(s, 6));

    char pad[16], fmt[24], k[64], st[64], d[64];
    shout(s, paddings[c->padding], pad);
    shout(s, formats[c->data_format], fmt);
    tuple_text(s, c->kernel_size, k, sizeof k);
    tuple_text(s, c->strides, st, sizeof st);
    tuple_text(s, c->dilation_rate, d, sizeof d);
    size_t used = 0;
#define ADD(...) used += (size_t)snprintf(text + used, size - used, __VA_ARGS__)
    if (wrapped) ADD("{\"module\": \"keras.layers\", \"class_name\": \"Conv1D\", \"config\": ");
    ADD("{\"name\": \"layer_%zu\", \"filters\": %zu, \"kernel_size\": %s, \"strides\": %s, \"dilation_rate\": %s, ",
        pick(s, 1000), c->filters, k, st, d);
    ADD("\"padding\": \"%s\", \"data_format\": \"%s\", \"groups\": %zu, \"activation\": \"%s\", \"use_bias\": %s, ",
        pad, fmt, c->groups, activation_names[c->activation], c->use_bias ? "true" : "false");
    ADD("\"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"VarianceScaling\", "
        "\"config\": {\"seed\": %lld, \"scale\": %.17g, \"mode\": \"%s\", \"distribution\": \"%s\"}, "
        "\"registered_name\": null}, ",
        rc->seed, rc->scale, modes[pick(s, 3)], distributions[pick(s, 3)]);
    ADD("\"bias_initializer\": {\"class_name\": \"RandomNormal\", \"config\": {\"mean\": %.17g, \"stddev\": %.17g, "
        "\"seed\": null}}, ",
        rc->mean, rc->stddev);
    ADD("\"kernel_regularizer\": {\"class_name\": \"L2\", \"config\": {\"l2\": %.17g}}", rc->l2);
    if (rc->constrained)
        ADD(", \"kernel_constraint\": {\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": %.17g, \"axis\": %d}}",
            rc->max_value, rc->axis);
    if (rc->lora_rank) ADD(", \"lora_rank\": %lld", rc->lora_rank);
    ADD("}");
    if (wrapped) {
        size_t steps = c->dilation_rate * (c->kernel_size - 1) + 1 + pick(s, 20);
        if (c->data_format == C1D_CHANNELS_LAST)
            ADD(", \"build_config\": {\"input_shape\": [null, %zu, %zu]}}", steps, rc->in_channels);
        else
            ADD(", \"build_config\": {\"input_shape\": [null, %zu, %zu]}}", rc->in_channels, steps);
    }
#undef ADD
    ck_assert_uint_lt(used, size);
    return used;
}

START_TEST(random_configs) {
    uint64_t seed = 0x6b657261736a736full;
    char text[4096];
    for (int iter = 0; iter < 400; iter++) {
        random_case rc;
        size_t len = random_text(&seed, text, sizeof text, &rc);
        c1d_keras_config *k = accept_at(__LINE__, text, len);
        size_t c;
        c1d_config got = get_config(k, &c);
        ck_assert_msg(config_equal(&got, &rc.cfg), "iteration %d: forward-pass fields differ: %s", iter, text);
        ck_assert_uint_eq(c, rc.in_channels);
        json_t *out = emitted(k);
        ck_assert(json_number_value(at(out, "kernel_initializer", "config", "scale")) == rc.scale);
        ck_assert_int_eq(json_integer_value(at(out, "kernel_initializer", "config", "seed")), rc.seed);
        ck_assert(json_real_value(at(out, "bias_initializer", "config", "mean")) == rc.mean);
        ck_assert(json_number_value(at(out, "bias_initializer", "config", "stddev")) == rc.stddev);
        ck_assert(json_real_value(at(out, "kernel_regularizer", "config", "l2")) == rc.l2);
        if (rc.constrained) {
            ck_assert(json_number_value(at(out, "kernel_constraint", "config", "max_value")) == rc.max_value);
            ck_assert_int_eq(json_integer_value(at(out, "kernel_constraint", "config", "axis")), rc.axis);
        } else {
            ck_assert(json_is_null(json_object_get(out, "kernel_constraint")));
        }
        ck_assert_int_eq(json_integer_value(json_object_get(out, "lora_rank")), rc.lora_rank);
        ck_assert_str_eq(json_string_value(json_object_get(out, "activation")), activation_names[rc.cfg.activation]);
        json_decref(out);
        check_round_trip(k, text);
        c1d_keras_config_destroy(k);
    }
}
END_TEST

/* ---- Failing allocations (RELIABILITY A1, for jansson's allocations) ---- */

static size_t alloc_calls, alloc_fail_at; /* fail the alloc_fail_at-th call; 0: never */

static void *counting_malloc(size_t n) {
    if (++alloc_calls == alloc_fail_at) return NULL;
    return malloc(n);
}

START_TEST(failing_allocations) {
    size_t len;
    char *text = tu_read_data("keras316_wrapped.json", &len);
    json_set_alloc_funcs(counting_malloc, free);
    alloc_calls = 0;
    alloc_fail_at = 0;
    c1d_keras_config *k = accept_at(__LINE__, text, len);
    const size_t parse_allocs = alloc_calls;
    char *reference = to_json(k);
    ck_assert_uint_gt(parse_allocs, 10);
    /* Each of jansson's allocations during the parse fails in turn. Most
     * failures come back as C1D_NOMEM; jansson's lexer reports some as the
     * syntax error they cause, and ignores a failure to grow its token
     * buffer, so a token can lose bytes and then fail validation or even
     * pass (jansson issue #362, open in 2.14). What c1d controls must hold
     * every time: no crash or leak, nothing written on failure, and the
     * next call works. */
    size_t nomem = 0;
    for (size_t i = 1; i <= parse_allocs; i++) {
        alloc_calls = 0;
        alloc_fail_at = i;
        c1d_keras_config *out = CANARY;
        c1d_status st = c1d_keras_config_parse(text, len, &out);
        alloc_fail_at = 0;
        if (st == C1D_OK) {
            ck_assert_ptr_ne(out, CANARY);
            c1d_keras_config_destroy(out);
        } else {
            ck_assert_msg(c1d_last_error()[0] != '\0', "allocation %zu: no message", i);
            ck_assert_ptr_eq(out, CANARY);
        }
        nomem += st == C1D_NOMEM;
        c1d_keras_config *again = accept_at(__LINE__, text, len);
        c1d_keras_config_destroy(again);
    }
    ck_assert_uint_gt(nomem, parse_allocs / 2);
    /* to_json: out of memory, or (when only a digit-count probe failed)
     * the same config written with more digits. */
    alloc_calls = 0;
    alloc_fail_at = 0;
    char *probe = to_json(k);
    const size_t emit_allocs = alloc_calls;
    c1d_json_free(probe);
    json_t *want = json_loads(reference, 0, NULL);
    for (size_t i = 1; i <= emit_allocs; i++) {
        alloc_calls = 0;
        alloc_fail_at = i;
        char *json = (char *)&canary_target;
        c1d_status st = c1d_keras_config_to_json(k, &json);
        alloc_fail_at = 0;
        if (st == C1D_OK) {
            json_t *got = json_loads(json, 0, NULL);
            ck_assert_msg(json_equal(got, want), "allocation %zu failing changed the output: %s", i, json);
            json_decref(got);
            c1d_json_free(json);
        } else {
            ck_assert_int_eq(st, C1D_NOMEM);
            ck_assert_ptr_eq(json, (char *)&canary_target);
        }
    }
    alloc_fail_at = 0;
    json_decref(want);
    json_set_alloc_funcs(malloc, free);
    c1d_json_free(reference);
    c1d_keras_config_destroy(k);
    free(text);
}
END_TEST

static Suite *keras_json_suite(void) {
    Suite *s = suite_create("keras_json");
    TCase *tc = tcase_create("fixtures");
    tcase_add_loop_test(tc, fixture_loads, 0, (int)N_ACCEPTED);
    tcase_add_test(tc, fixtures_cover_every_class);
    tcase_add_loop_test(tc, fixture_refused, 0, (int)N_REFUSED);
    tcase_add_test(tc, every_fixture_is_tested);
    suite_add_tcase(s, tc);
    tc = tcase_create("values");
    tcase_add_test(tc, filters_values);
    tcase_add_test(tc, tuple_forms);
    tcase_add_test(tc, padding_and_data_format);
    tcase_add_test(tc, activations);
    tcase_add_test(tc, nested_objects);
    tcase_add_test(tc, class_names);
    tcase_add_test(tc, wrapper_and_keys);
    tcase_add_test(tc, arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_test(tc, deep_nesting);
    tcase_add_test(tc, size_cap);
    tcase_add_test(tc, syntax_errors);
    tcase_add_test(tc, comma_locale);
    tcase_add_test(tc, failing_allocations);
    suite_add_tcase(s, tc);
    tc = tcase_create("random");
    tcase_add_test(tc, random_configs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) {
    return tu_run_suite(keras_json_suite());
}
