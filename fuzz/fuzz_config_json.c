/* fuzz_config_json.c: bytes -> c1d_keras_config_parse. Oracles:
 *   - failure: a message, and the output pointer untouched;
 *   - success: the forward-pass config validates; get_config JSON
 *     (c1d_keras_config_to_json) parses again to the same config and the
 *     same text (a fixed point after one round);
 *   - a small layer built from it (c1d_conv_create_from_keras, which runs the
 *     initializers) gives the same get_config back.
 * Run with -max_len=4096 and fuzz/keras_json.dict. */
#include <jansson.h>
#include <string.h>

#include "c1d.h"
#include "fuzz.h"

/* Largest kernel (floats) and LoRA rank a layer is built for: the parser is
 * the target, not the initializers' speed or libFuzzer's malloc limit. */
#define MAX_WEIGHT_FLOATS ((size_t)1 << 16)
#define MAX_LORA_RANK 64

static char canary;
#define CANARY ((c1d_keras_config *)(void *)&canary)

static bool same_config(const c1d_config *a, const c1d_config *b) {
    return a->filters == b->filters && a->kernel_size == b->kernel_size && a->strides == b->strides &&
           a->padding == b->padding && a->data_format == b->data_format && a->dilation_rate == b->dilation_rate &&
           a->groups == b->groups && a->activation == b->activation && a->use_bias == b->use_bias;
}

static char *to_json(const c1d_keras_config *k) {
    char *text = NULL;
    c1d_status st = c1d_keras_config_to_json(k, &text);
    FUZZ_CHECK(st == C1D_OK && text, "to_json failed: %s", c1d_last_error());
    return text;
}

/* lora_rank as get_config writes it (0 when absent). */
static json_int_t lora_rank_of(const char *json) {
    json_t *root = json_loads(json, 0, NULL);
    FUZZ_CHECK(root != NULL, "to_json wrote invalid JSON: %s", json);
    json_int_t r = json_integer_value(json_object_get(root, "lora_rank"));
    json_decref(root);
    return r;
}

/* Builds a small layer from the config and checks its get_config. */
static void check_layer(const c1d_keras_config *k, const c1d_config *cfg, size_t recorded, const char *json) {
    size_t c_in = recorded ? recorded : cfg->groups, floats;
    json_int_t rank = lora_rank_of(json);
    if (c_in % cfg->groups || rank < 0 || rank > MAX_LORA_RANK) return;
    if (__builtin_mul_overflow(cfg->kernel_size, c_in / cfg->groups, &floats) ||
        __builtin_mul_overflow(floats, cfg->filters, &floats) || floats > MAX_WEIGHT_FLOATS)
        return;
    c1d_conv *conv = NULL;
    if (c1d_conv_create_from_keras(k, 0, &conv) != C1D_OK) {
        FUZZ_CHECK(conv == NULL, "create_from_keras wrote its output on failure");
        FUZZ_CHECK(c1d_last_error()[0] != '\0', "create_from_keras failed without a message");
        if (recorded) return;
        /* Without a recorded shape in_channels must be given. */
        if (c1d_conv_create_from_keras(k, c_in, &conv) != C1D_OK) return;
    }
    c1d_keras_config *back = NULL;
    FUZZ_CHECK(c1d_conv_get_keras_config(conv, &back) == C1D_OK, "get_keras_config: %s", c1d_last_error());
    char *again = to_json(back);
    FUZZ_CHECK(strcmp(again, json) == 0, "the layer's get_config differs:\n%s\n%s", json, again);
    c1d_json_free(again);
    c1d_keras_config_destroy(back);
    c1d_conv_destroy(conv);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    c1d_random_set_seed(1); /* unseeded initializers draw reproducible seeds */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    c1d_keras_config *k = CANARY;
    c1d_status st = c1d_keras_config_parse((const char *)data, size, &k);
    if (st != C1D_OK) {
        FUZZ_CHECK(k == CANARY, "parse wrote its output on failure (%s)", c1d_status_name(st));
        FUZZ_CHECK(c1d_last_error()[0] != '\0', "parse failed (%s) without a message", c1d_status_name(st));
        return 0;
    }
    c1d_config cfg;
    size_t recorded;
    FUZZ_CHECK(c1d_keras_config_get(k, &cfg, &recorded) == C1D_OK, "get: %s", c1d_last_error());
    FUZZ_CHECK(c1d_config_validate(&cfg) == C1D_OK, "a parsed config does not validate: %s", c1d_last_error());

    char *first = to_json(k);
    c1d_keras_config *k2 = NULL;
    st = c1d_keras_config_parse(first, strlen(first), &k2);
    FUZZ_CHECK(st == C1D_OK, "get_config output does not parse (%s: %s):\n%s", c1d_status_name(st),
               c1d_last_error(), first);
    c1d_config cfg2;
    size_t recorded2;
    FUZZ_CHECK(c1d_keras_config_get(k2, &cfg2, &recorded2) == C1D_OK, "get: %s", c1d_last_error());
    FUZZ_CHECK(same_config(&cfg, &cfg2), "the round trip changed the forward-pass config:\n%s", first);
    FUZZ_CHECK(recorded2 == 0, "get_config recorded an input shape:\n%s", first);
    char *second = to_json(k2);
    FUZZ_CHECK(strcmp(first, second) == 0, "the round trip changed get_config:\n%s\n%s", first, second);
    c1d_json_free(second);
    c1d_keras_config_destroy(k2);

    check_layer(k, &cfg, recorded, first);
    c1d_json_free(first);
    c1d_keras_config_destroy(k);
    return 0;
}
