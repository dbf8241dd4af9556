/* test_layer.c: the Keras side of a layer (src/layer.c; spec sections 3,
 * 6, 12.4): creation from a parsed config with its initializers, Keras's
 * weight list and its trainability, get/set of one weight, count_params,
 * compute_output_shape with unknown sizes, get_config, and the stored
 * variables. Every refusal checks its status, that the message names the
 * argument, and that outputs are unchanged. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "test_util.h"

static c1d_keras_config *parse(const char *json) {
    c1d_keras_config *k = NULL;
    ck_assert_msg(c1d_keras_config_parse(json, strlen(json), &k) == C1D_OK, "%s: %s", json, c1d_last_error());
    return k;
}

static c1d_conv *from_json(const char *json, size_t in_channels) {
    c1d_keras_config *k = parse(json);
    c1d_conv *conv = NULL;
    ck_assert_msg(c1d_conv_create_from_keras(k, in_channels, &conv) == C1D_OK, "%s: %s", json, c1d_last_error());
    c1d_keras_config_destroy(k);
    return conv;
}

static float *weight(const c1d_conv *conv, size_t index, size_t n) {
    float *v = tu_canary_alloc(n);
    ck_assert_msg(c1d_conv_get_weight(conv, index, v, n) == C1D_OK, "%s", c1d_last_error());
    ck_assert(tu_guard_intact(v, n));
    return v;
}

/* The JSON text of a parsed config, as a jansson tree. */
static json_t *config_tree(c1d_keras_config *k) {
    char *text = NULL;
    ck_assert_int_eq(c1d_keras_config_to_json(k, &text), C1D_OK);
    json_t *tree = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(tree);
    c1d_json_free(text);
    return tree;
}

START_TEST(create_takes_the_channel_count) {
    const char *with_shape = "{\"class_name\": \"Conv1D\", \"config\": {\"filters\": 6, \"kernel_size\": 3, "
                             "\"groups\": 2}, \"build_config\": {\"input_shape\": [null, 10, 4]}}";
    c1d_conv *conv = from_json(with_shape, 0);
    size_t c_in = 0;
    ck_assert_int_eq(c1d_conv_get_config(conv, NULL, &c_in), C1D_OK);
    ck_assert_uint_eq(c_in, 4);
    c1d_conv_destroy(conv);
    conv = from_json(with_shape, 4);
    c1d_conv_destroy(conv);

    c1d_keras_config *k = parse(with_shape);
    c1d_conv *const sentinel = (c1d_conv *)(void *)&c_in;
    conv = sentinel;
    ASSERT_FAILS(c1d_conv_create_from_keras(k, 6, &conv), C1D_SHAPE_MISMATCH, "in_channels: 6 disagrees with the 4");
    ASSERT_FAILS(c1d_conv_create_from_keras(NULL, 4, &conv), C1D_INVALID_ARG, "config");
    ASSERT_FAILS(c1d_conv_create_from_keras(k, 4, NULL), C1D_INVALID_ARG, "conv");
    c1d_keras_config_destroy(k);
    k = parse("{\"filters\": 6, \"kernel_size\": 3, \"groups\": 2}");
    ASSERT_FAILS(c1d_conv_create_from_keras(k, 0, &conv), C1D_INVALID_ARG, "in_channels");
    ASSERT_FAILS(c1d_conv_create_from_keras(k, 5, &conv), C1D_INVALID_ARG, "evenly divisible");
    /* Keras's build errors of an initializer name it. */
    c1d_keras_config_destroy(k);
    k = parse("{\"filters\": 6, \"kernel_size\": 3, \"kernel_initializer\": \"identity\"}");
    ASSERT_FAILS(c1d_conv_create_from_keras(k, 4, &conv), C1D_INVALID_ARG,
                 "kernel_initializer: Identity matrix initializer can only be used for 2D matrices. Received: "
                 "shape=(3, 4, 6) of rank 3.");
    c1d_keras_config_destroy(k);
    k = parse("{\"filters\": 6, \"kernel_size\": 3, \"bias_initializer\": \"orthogonal\"}");
    ASSERT_FAILS(c1d_conv_create_from_keras(k, 4, &conv), C1D_INVALID_ARG, "bias_initializer: The tensor");
    c1d_keras_config_destroy(k);
    ck_assert_ptr_eq(conv, sentinel);
}
END_TEST

START_TEST(initialized_as_keras_builds) {
    /* Defaults: glorot_uniform kernel with fans K * C/G = 3 * 4 and K * F = 3 * 6 (full F, spec 8), zero bias. */
    c1d_conv *conv = from_json("{\"filters\": 6, \"kernel_size\": 3, \"groups\": 2}", 8);
    float *w = weight(conv, 0, 72), *b = weight(conv, 1, 6);
    const float limit = (float)sqrt(6.0 / (12.0 + 18.0));
    size_t near_limit = 0;
    for (size_t i = 0; i < 72; i++) {
        ck_assert(w[i] >= -limit && w[i] < limit);
        near_limit += fabsf(w[i]) > 0.5f * limit;
    }
    ck_assert_uint_gt(near_limit, 18); /* about half of them */
    for (size_t i = 0; i < 6; i++) ck_assert(b[i] == 0.0f);
    free(w);
    free(b);
    c1d_conv_destroy(conv);

    /* Explicit initializers; a null bias_initializer is glorot_uniform on (F,) (spec 1). */
    conv = from_json("{\"filters\": 3, \"kernel_size\": 2, \"kernel_initializer\": {\"class_name\": \"Constant\", "
                     "\"config\": {\"value\": 0.5}}, \"bias_initializer\": \"ones\"}",
                     2);
    w = weight(conv, 0, 12);
    b = weight(conv, 1, 3);
    for (size_t i = 0; i < 12; i++) ck_assert(w[i] == 0.5f);
    for (size_t i = 0; i < 3; i++) ck_assert(b[i] == 1.0f);
    free(w);
    free(b);
    c1d_conv_destroy(conv);
    conv = from_json("{\"filters\": 300, \"kernel_size\": 2, \"bias_initializer\": null}", 2);
    b = weight(conv, 1, 300);
    const float bias_limit = (float)sqrt(6.0 / 600.0);
    float biggest = 0.0f;
    for (size_t i = 0; i < 300; i++) {
        ck_assert(b[i] >= -bias_limit && b[i] < bias_limit);
        biggest = fmaxf(biggest, fabsf(b[i]));
    }
    ck_assert(biggest > 0.9f * bias_limit);
    free(b);
    c1d_conv_destroy(conv);

    /* A seed makes the kernel the same in every layer built from the config; no seed makes them differ. */
    const char *seeded = "{\"filters\": 5, \"kernel_size\": 3, \"kernel_initializer\": {\"class_name\": "
                         "\"HeNormal\", \"config\": {\"seed\": 17}}, \"bias_initializer\": {\"class_name\": "
                         "\"RandomNormal\", \"config\": {\"seed\": 3}}}";
    c1d_conv *a = from_json(seeded, 4), *c = from_json(seeded, 4);
    float *wa = weight(a, 0, 60), *wc = weight(c, 0, 60), *ba = weight(a, 1, 5), *bc = weight(c, 1, 5);
    ck_assert_mem_eq(wa, wc, 60 * sizeof(float));
    ck_assert_mem_eq(ba, bc, 5 * sizeof(float));
    free(wa);
    free(wc);
    free(ba);
    free(bc);
    c1d_conv_destroy(a);
    c1d_conv_destroy(c);
    a = from_json("{\"filters\": 5, \"kernel_size\": 3}", 4);
    c = from_json("{\"filters\": 5, \"kernel_size\": 3}", 4);
    wa = weight(a, 0, 60);
    wc = weight(c, 0, 60);
    ck_assert(memcmp(wa, wc, 60 * sizeof(float)) != 0);
    free(wa);
    free(wc);
    c1d_conv_destroy(a);
    c1d_conv_destroy(c);
}
END_TEST

START_TEST(created_layer_runs) {
    /* The initialized weights are the ones the forward pass uses. */
    c1d_conv *conv = from_json("{\"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\", \"activation\": "
                               "\"tanh\", \"bias_initializer\": \"random_normal\"}",
                               3);
    float *w = weight(conv, 0, 36), *b = weight(conv, 1, 4);
    c1d_config cfg;
    ck_assert_int_eq(c1d_conv_get_config(conv, &cfg, NULL), C1D_OK);
    uint64_t seed = 99;
    float x[2 * 9 * 3];
    tu_fill_uniform(x, 54, &seed, -1.0f, 1.0f);
    float y[2 * 9 * 4 + TU_GUARD];
    ck_assert_int_eq(c1d_conv_forward(conv, 2, 9, x, y, NULL, 0), C1D_OK);
    size_t n = 0;
    float *ref = tu_run(&cfg, 3, 2, 9, x, w, b, &n);
    ck_assert_ptr_nonnull(ref);
    ck_assert_uint_eq(n, 72);
    ck_assert_mem_eq(y, ref, 72 * sizeof(float));
    tu_report rep;
    ck_assert(tu_check_forward(&cfg, 3, 2, 9, x, w, b, &rep));
    ck_assert_uint_eq(rep.failures, 0);
    free(ref);
    free(w);
    free(b);
    c1d_conv_destroy(conv);
}
END_TEST

START_TEST(weights_list) {
    c1d_config cfg = c1d_config_default(6, 3);
    cfg.groups = 2;
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, 8, &conv), C1D_OK);
    c1d_weight_info info[C1D_MAX_WEIGHTS];
    size_t count = 0;
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert_str_eq(info[0].name, "kernel");
    ck_assert_uint_eq(info[0].rank, 3);
    ck_assert_uint_eq(info[0].shape[0], 3);
    ck_assert_uint_eq(info[0].shape[1], 4);
    ck_assert_uint_eq(info[0].shape[2], 6);
    ck_assert_uint_eq(info[0].size, 72);
    ck_assert(info[0].trainable);
    ck_assert_str_eq(info[1].name, "bias");
    ck_assert_uint_eq(info[1].rank, 1);
    ck_assert_uint_eq(info[1].shape[0], 6);
    ck_assert_uint_eq(info[1].shape[1], 0);
    ck_assert_uint_eq(info[1].size, 6);
    ck_assert(info[1].trainable);
    size_t params = 0;
    ck_assert_int_eq(c1d_conv_count_params(conv, &params), C1D_OK);
    ck_assert_uint_eq(params, 3 * 4 * 6 + 6);

    /* layer.trainable = False: every weight non-trainable; True again: all trainable. */
    bool trainable = false;
    ck_assert_int_eq(c1d_conv_set_trainable(conv, false), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_trainable(conv, &trainable), C1D_OK);
    ck_assert(!trainable);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert(!info[0].trainable && !info[1].trainable);
    ck_assert_int_eq(c1d_conv_set_trainable(conv, true), C1D_OK);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert(info[0].trainable && info[1].trainable);
    c1d_conv_destroy(conv);

    cfg.use_bias = false;
    ck_assert_int_eq(c1d_conv_create(&cfg, 8, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert_int_eq(c1d_conv_count_params(conv, &params), C1D_OK);
    ck_assert_uint_eq(params, 72);
    ASSERT_FAILS(c1d_conv_weights(NULL, info, &count), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_weights(conv, NULL, &count), C1D_INVALID_ARG, "info");
    ASSERT_FAILS(c1d_conv_count_params(conv, NULL), C1D_INVALID_ARG, "count");
    ASSERT_FAILS(c1d_conv_get_trainable(conv, NULL), C1D_INVALID_ARG, "trainable");
    ASSERT_FAILS(c1d_conv_set_trainable(NULL, true), C1D_INVALID_ARG, "conv");
    c1d_conv_destroy(conv);

    /* A config with trainable: false builds frozen weights. */
    conv = from_json("{\"filters\": 2, \"kernel_size\": 1, \"trainable\": false}", 3);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert(!info[0].trainable && !info[1].trainable);
    c1d_conv_destroy(conv);
}
END_TEST

START_TEST(weights_round_trip) {
    c1d_config cfg = c1d_config_default(4, 3);
    c1d_conv *conv = NULL, *direct = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, 2, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_create(&cfg, 2, &direct), C1D_OK);
    uint64_t seed = 7;
    float w[24], b[4], x[10 * 2];
    tu_fill_uniform(w, 24, &seed, -1.0f, 1.0f);
    tu_fill_uniform(b, 4, &seed, -1.0f, 1.0f);
    tu_fill_uniform(x, 20, &seed, -1.0f, 1.0f);

    /* The kernel of a layer from c1d_conv_create is unset until set. */
    float *out = tu_canary_alloc(24);
    ASSERT_FAILS(c1d_conv_get_weight(conv, 0, out, 24), C1D_NOT_READY, "kernel");
    const size_t kshape[3] = {3, 2, 4}, bshape[1] = {4};
    ck_assert_int_eq(c1d_conv_set_weight(conv, 0, w, 3, kshape), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_weight(conv, 1, b, 1, bshape), C1D_OK);
    float *wg = weight(conv, 0, 24), *bg = weight(conv, 1, 4);
    ck_assert_mem_eq(wg, w, sizeof w);
    ck_assert_mem_eq(bg, b, sizeof b);
    free(wg);
    free(bg);
    /* set_weight and set_kernel / set_bias store the same layer. */
    ck_assert_int_eq(c1d_conv_set_kernel(direct, w, 3, 2, 4), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_bias(direct, b, 4), C1D_OK);
    float y1[8 * 4], y2[8 * 4];
    ck_assert_int_eq(c1d_conv_forward(conv, 1, 10, x, y1, NULL, 0), C1D_OK);
    ck_assert_int_eq(c1d_conv_forward(direct, 1, 10, x, y2, NULL, 0), C1D_OK);
    ck_assert_mem_eq(y1, y2, sizeof y1);

    /* Refusals leave the layer and the output alone. */
    const size_t wrong[2] = {3, 4}, wrong3[3] = {3, 4, 2};
    float other[24];
    for (size_t i = 0; i < 24; i++) other[i] = 9.0f;
    ck_assert_int_eq(c1d_conv_set_weight(conv, 0, other, 2, wrong), C1D_SHAPE_MISMATCH);
    ck_assert_str_eq(c1d_last_error(), "kernel: Layer conv1d weight shape (3, 2, 4) is not compatible with provided "
                                       "weight shape (3, 4).");
    ASSERT_FAILS(c1d_conv_set_weight(conv, 0, other, 3, wrong3), C1D_SHAPE_MISMATCH, "shape (3, 4, 2)");
    ASSERT_FAILS(c1d_conv_set_weight(conv, 1, other, 1, kshape), C1D_SHAPE_MISMATCH,
                 "bias: Layer conv1d weight shape (4,)");
    ASSERT_FAILS(c1d_conv_set_weight(conv, 2, other, 3, kshape), C1D_INVALID_ARG, "index: the layer has 2 weights");
    ASSERT_FAILS(c1d_conv_set_weight(conv, 0, NULL, 3, kshape), C1D_INVALID_ARG, "values");
    ASSERT_FAILS(c1d_conv_set_weight(conv, 0, other, 3, NULL), C1D_INVALID_ARG, "shape");
    ASSERT_FAILS(c1d_conv_set_weight(NULL, 0, other, 3, kshape), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_get_weight(conv, 0, out, 23), C1D_INVALID_ARG, "kernel needs 24");
    ASSERT_FAILS(c1d_conv_get_weight(conv, 5, out, 24), C1D_INVALID_ARG, "index");
    ASSERT_FAILS(c1d_conv_get_weight(conv, 0, NULL, 24), C1D_INVALID_ARG, "values");
    ck_assert(tu_canary_intact(out, 24));
    wg = weight(conv, 0, 24);
    ck_assert_mem_eq(wg, w, sizeof w);
    free(wg);
    free(out);
    c1d_conv_destroy(conv);
    c1d_conv_destroy(direct);
}
END_TEST

START_TEST(stored_variables) {
    c1d_conv *conv = from_json("{\"filters\": 4, \"kernel_size\": 3, \"bias_initializer\": \"ones\"}", 2);
    uint64_t seed = 11;
    float w[24], b[4];
    tu_fill_uniform(w, 24, &seed, -1.0f, 1.0f);
    tu_fill_uniform(b, 4, &seed, -1.0f, 1.0f);
    ck_assert_int_eq(c1d_conv_load_variables(conv, w, 24, b, 4), C1D_OK);
    float *k = tu_canary_alloc(24), *bias = tu_canary_alloc(4);
    ck_assert_int_eq(c1d_conv_save_variables(conv, k, 24, bias, 4), C1D_OK);
    ck_assert_mem_eq(k, w, sizeof w);
    ck_assert_mem_eq(bias, b, sizeof b);
    ck_assert(tu_guard_intact(k, 24) && tu_guard_intact(bias, 4));
    free(k);
    free(bias);

    k = tu_canary_alloc(24);
    bias = tu_canary_alloc(4);
    ASSERT_FAILS(c1d_conv_save_variables(conv, k, 23, bias, 4), C1D_INVALID_ARG, "kernel_size");
    ASSERT_FAILS(c1d_conv_save_variables(conv, k, 24, NULL, 0), C1D_INVALID_ARG, "bias");
    ASSERT_FAILS(c1d_conv_save_variables(conv, k, 24, bias, 3), C1D_INVALID_ARG, "bias_size");
    ck_assert(tu_canary_intact(k, 24) && tu_canary_intact(bias, 4));
    float other[24] = {0};
    ASSERT_FAILS(c1d_conv_load_variables(conv, other, 20, b, 4), C1D_SHAPE_MISMATCH, "kernel_size");
    ASSERT_FAILS(c1d_conv_load_variables(conv, other, 24, b, 5), C1D_SHAPE_MISMATCH, "bias_size");
    ASSERT_FAILS(c1d_conv_load_variables(conv, NULL, 24, b, 4), C1D_INVALID_ARG, "kernel");
    ASSERT_FAILS(c1d_conv_load_variables(NULL, other, 24, b, 4), C1D_INVALID_ARG, "conv");
    float *still = weight(conv, 0, 24);
    ck_assert_mem_eq(still, w, sizeof w);
    free(still);
    free(k);
    free(bias);
    c1d_conv_destroy(conv);

    /* Without bias, Keras expects one stored variable. */
    conv = from_json("{\"name\": \"enc\", \"filters\": 4, \"kernel_size\": 3, \"use_bias\": false}", 2);
    ck_assert_int_eq(c1d_conv_load_variables(conv, w, 24, NULL, 0), C1D_OK);
    ck_assert_int_eq(c1d_conv_load_variables(conv, w, 24, b, 4), C1D_INVALID_ARG);
    ck_assert_str_eq(c1d_last_error(), "bias: Layer 'enc' expected 1 variables, but received 2 variables during "
                                       "loading. Expected: ['kernel'] (the layer has use_bias=false)");
    k = tu_canary_alloc(24);
    ASSERT_FAILS(c1d_conv_save_variables(conv, k, 24, b, 4), C1D_INVALID_ARG, "no bias");
    ck_assert_int_eq(c1d_conv_save_variables(conv, k, 24, NULL, 0), C1D_OK);
    ck_assert_mem_eq(k, w, sizeof w);
    free(k);
    c1d_conv_destroy(conv);
}
END_TEST

static void expect_shape(const c1d_conv *conv, size_t a, size_t b, size_t c, size_t ea, size_t eb, size_t ec) {
    const size_t in[3] = {a, b, c};
    size_t out[3] = {0, 0, 0};
    ck_assert_msg(c1d_conv_compute_output_shape(conv, in, out) == C1D_OK, "%s", c1d_last_error());
    ck_assert_msg(out[0] == ea && out[1] == eb && out[2] == ec, "(%zu, %zu, %zu) gave (%zu, %zu, %zu)", a, b, c,
                  out[0], out[1], out[2]);
}

START_TEST(compute_output_shape) {
    const size_t U = C1D_UNKNOWN;
    c1d_config cfg = c1d_config_default(6, 3);
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_OK);
    expect_shape(conv, 2, 10, 4, 2, 8, 6);
    expect_shape(conv, U, 10, 4, U, 8, 6);
    expect_shape(conv, 2, U, 4, 2, U, 6);
    expect_shape(conv, U, U, U, U, U, 6);
    expect_shape(conv, 2, 3, 4, 2, 1, 6);
    const size_t short_input[3] = {2, 2, 4};
    size_t out[3] = {7, 7, 7};
    ASSERT_FAILS(c1d_conv_compute_output_shape(conv, short_input, out), C1D_INVALID_ARG,
                 "Computed output size would be zero or negative");
    ASSERT_FAILS(c1d_conv_compute_output_shape(conv, NULL, out), C1D_INVALID_ARG, "input_shape");
    ASSERT_FAILS(c1d_conv_compute_output_shape(conv, short_input, NULL), C1D_INVALID_ARG, "output_shape");
    ASSERT_FAILS(c1d_conv_compute_output_shape(NULL, short_input, out), C1D_INVALID_ARG, "conv");
    ck_assert(out[0] == 7 && out[1] == 7 && out[2] == 7);
    c1d_conv_destroy(conv);

    /* channels_first, same padding, stride 2: ceil(L / 2); an empty input gives an empty output. */
    cfg.data_format = C1D_CHANNELS_FIRST;
    cfg.padding = C1D_PADDING_SAME;
    cfg.strides = 2;
    ck_assert_int_eq(c1d_conv_create(&cfg, 4, &conv), C1D_OK);
    expect_shape(conv, 3, 4, 11, 3, 6, 6);
    expect_shape(conv, 3, U, 0, 3, 6, 0);
    expect_shape(conv, U, 4, U, U, 6, U);
    c1d_conv_destroy(conv);

    /* causal with dilation: ceil(L / s) = L. */
    cfg = c1d_config_default(5, 3);
    cfg.padding = C1D_PADDING_CAUSAL;
    cfg.dilation_rate = 4;
    ck_assert_int_eq(c1d_conv_create(&cfg, 2, &conv), C1D_OK);
    expect_shape(conv, 1, 1, 2, 1, 1, 5);
    c1d_conv_destroy(conv);

    /* glu: Keras's compute_output_shape reports F channels; the real output has F / 2 (spec 6). */
    cfg = c1d_config_default(8, 1);
    cfg.activation = C1D_ACTIVATION_GLU;
    ck_assert_int_eq(c1d_conv_create(&cfg, 2, &conv), C1D_OK);
    expect_shape(conv, 2, 5, 2, 2, 5, 8);
    size_t real[3];
    ck_assert_int_eq(c1d_conv_output_shape(conv, 2, 5, real), C1D_OK);
    ck_assert_uint_eq(real[2], 4);
    c1d_conv_destroy(conv);
}
END_TEST

START_TEST(get_config_of_a_layer) {
    /* From a config: the same get_config (the seed generator's name copied too), with the input channel count
     * recorded. */
    const char *json = "{\"name\": \"enc\", \"filters\": 4, \"kernel_size\": 3, \"strides\": 2, "
                       "\"kernel_initializer\": {\"class_name\": \"HeNormal\", \"config\": {\"seed\": 5}}, "
                       "\"kernel_regularizer\": \"l2\", \"bias_constraint\": \"non_neg\", \"bias_initializer\": "
                       "{\"class_name\": \"RandomNormal\", \"config\": {\"seed\": {\"module\": \"keras.random\", "
                       "\"class_name\": \"SeedGenerator\", \"config\": {\"seed\": 3, \"name\": \"sg\"}}}}}";
    c1d_keras_config *original = parse(json);
    c1d_conv *conv = from_json(json, 6);
    c1d_keras_config *got = NULL;
    ck_assert_int_eq(c1d_conv_get_keras_config(conv, &got), C1D_OK);
    json_t *want_tree = config_tree(original), *got_tree = config_tree(got);
    ck_assert(json_equal(want_tree, got_tree));
    size_t channels = 0;
    ck_assert_int_eq(c1d_keras_config_get(got, NULL, &channels), C1D_OK);
    ck_assert_uint_eq(channels, 6);
    json_decref(got_tree);
    c1d_keras_config_destroy(got);

    /* layer.trainable = False shows in get_config. */
    ck_assert_int_eq(c1d_conv_set_trainable(conv, false), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_keras_config(conv, &got), C1D_OK);
    got_tree = config_tree(got);
    ck_assert(json_is_false(json_object_get(got_tree, "trainable")));
    json_object_set_new(want_tree, "trainable", json_false());
    ck_assert(json_equal(want_tree, got_tree));
    json_decref(got_tree);
    json_decref(want_tree);
    c1d_keras_config_destroy(got);
    c1d_keras_config_destroy(original);
    c1d_conv_destroy(conv);

    /* From c1d_conv_create: Keras's defaults around the c1d_config; it loads back into the same layer. */
    c1d_config cfg = c1d_config_default(4, 3);
    cfg.padding = C1D_PADDING_CAUSAL;
    cfg.activation = C1D_ACTIVATION_GELU;
    ck_assert_int_eq(c1d_conv_create(&cfg, 2, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_keras_config(conv, &got), C1D_OK);
    original = parse("{\"filters\": 4, \"kernel_size\": 3, \"padding\": \"causal\", \"activation\": \"gelu\"}");
    want_tree = config_tree(original);
    got_tree = config_tree(got);
    ck_assert(json_equal(want_tree, got_tree));
    c1d_config back;
    ck_assert_int_eq(c1d_keras_config_get(got, &back, &channels), C1D_OK);
    ck_assert(back.filters == cfg.filters && back.kernel_size == cfg.kernel_size && back.strides == cfg.strides &&
              back.padding == cfg.padding && back.data_format == cfg.data_format &&
              back.dilation_rate == cfg.dilation_rate && back.groups == cfg.groups &&
              back.activation == cfg.activation && back.use_bias == cfg.use_bias);
    ck_assert_uint_eq(channels, 2);
    json_decref(want_tree);
    json_decref(got_tree);
    c1d_keras_config_destroy(got);
    c1d_keras_config_destroy(original);
    c1d_keras_config *const sentinel = (c1d_keras_config *)(void *)&channels;
    got = sentinel;
    ASSERT_FAILS(c1d_conv_get_keras_config(NULL, &got), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_get_keras_config(conv, NULL), C1D_INVALID_ARG, "config");
    ck_assert_ptr_eq(got, sentinel);
    c1d_conv_destroy(conv);
}
END_TEST

int main(void) {
    Suite *s = suite_create("layer");
    TCase *tc = tcase_create("layer");
    tcase_add_test(tc, create_takes_the_channel_count);
    tcase_add_test(tc, initialized_as_keras_builds);
    tcase_add_test(tc, created_layer_runs);
    tcase_add_test(tc, weights_list);
    tcase_add_test(tc, weights_round_trip);
    tcase_add_test(tc, stored_variables);
    tcase_add_test(tc, compute_output_shape);
    tcase_add_test(tc, get_config_of_a_layer);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
