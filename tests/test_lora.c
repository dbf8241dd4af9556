/* test_lora.c: LoRA (src/lora.c, spec section 11): Keras's checks in its
 * order with its messages, the factor shapes and trainability (3
 * trainable + 1 non-trainable with bias), the forward pass with LoRA
 * against the forward pass with the merged kernel set directly (bitwise
 * on integer data, where the merge is exact; tier 2 against the reference
 * on random data), loading stored weights zeroing the factors, a config
 * with lora_rank re-enabling LoRA, and refusals that change nothing. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "test_util.h"

/* The layer of most tests: K = 3, C = 4, groups 2 (C/G = 2), F = 6, same padding. */
enum { K = 3, C = 4, CG = 2, F = 6, KW = K * CG, STEPS = 11, BATCH = 2 };

static c1d_conv *from_json(const char *json, size_t in_channels) {
    c1d_keras_config *k = NULL;
    ck_assert_msg(c1d_keras_config_parse(json, strlen(json), &k) == C1D_OK, "%s: %s", json, c1d_last_error());
    c1d_conv *conv = NULL;
    ck_assert_msg(c1d_conv_create_from_keras(k, in_channels, &conv) == C1D_OK, "%s", c1d_last_error());
    c1d_keras_config_destroy(k);
    return conv;
}

static c1d_config layer_config(void) {
    c1d_config cfg = c1d_config_default(F, K);
    cfg.groups = 2;
    cfg.padding = C1D_PADDING_SAME;
    return cfg;
}

static c1d_conv *plain_layer(const float *w, const float *b) {
    c1d_config cfg = layer_config();
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, C, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, K, CG, F), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_bias(conv, b, F), C1D_OK);
    return conv;
}

static void forward(const c1d_conv *conv, const float *x, float *y) {
    ck_assert_msg(c1d_conv_forward(conv, BATCH, STEPS, x, y, NULL, 0) == C1D_OK, "%s", c1d_last_error());
}

static void set(c1d_conv *conv, size_t index, const float *v, size_t rank, size_t d0, size_t d1, size_t d2) {
    const size_t shape[3] = {d0, d1, d2};
    ck_assert_msg(c1d_conv_set_weight(conv, index, v, rank, shape) == C1D_OK, "%s", c1d_last_error());
}

/* merged[r][f] = w[r][f] + scale * sum_j a[r][j] b[j][f], in double. */
static void merge(const float *w, const float *a, const float *b, size_t rank, double scale, double *merged) {
    for (size_t r = 0; r < KW; r++)
        for (size_t f = 0; f < F; f++) {
            double d = 0.0;
            for (size_t j = 0; j < rank; j++) d += (double)a[r * rank + j] * (double)b[j * F + f];
            merged[r * F + f] = (double)w[r * F + f] + scale * d;
        }
}

START_TEST(checks_in_keras_order) {
    /* A kernel constraint comes first, even before the rank. */
    c1d_conv *constrained = from_json("{\"filters\": 6, \"kernel_size\": 3, \"kernel_constraint\": \"max_norm\"}", 4);
    ck_assert_int_eq(c1d_conv_enable_lora(constrained, 0, 1.0, NULL, NULL), C1D_INVALID_ARG);
    ck_assert_str_eq(c1d_last_error(), "kernel_constraint: Lora is incompatible with kernel constraints. In order to "
                                       "enable lora on this layer, remove the `kernel_constraint` argument.");
    c1d_conv_destroy(constrained);

    c1d_config cfg = layer_config();
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create(&cfg, C, &conv), C1D_OK);
    ASSERT_FAILS(c1d_conv_enable_lora(conv, 0, 1.0, NULL, NULL), C1D_INVALID_ARG,
                 "rank: expected an integer >= 1, got 0");
    ASSERT_FAILS(c1d_conv_enable_lora(conv, 2, NAN, NULL, NULL), C1D_INVALID_ARG, "lora_alpha");
    ASSERT_FAILS(c1d_conv_enable_lora(conv, 2, 1.0, "no_such_initializer", NULL), C1D_UNSUPPORTED, "a_initializer");
    ASSERT_FAILS(c1d_conv_enable_lora(conv, 2, 1.0, NULL, "{\"class_name\": "), C1D_PARSE, "b_initializer");
    /* Identity fits B (rank 2) but not A (rank 3), as in Keras. */
    ASSERT_FAILS(c1d_conv_enable_lora(conv, 2, 1.0, "identity", NULL), C1D_INVALID_ARG,
                 "a_initializer: Identity matrix initializer can only be used for 2D matrices. Received: "
                 "shape=(3, 2, 2)");
    ASSERT_FAILS(c1d_conv_enable_lora(conv, (size_t)1 << 40, 1.0, NULL, NULL), C1D_TOO_LARGE, "rank");
    ASSERT_FAILS(c1d_conv_enable_lora(NULL, 2, 1.0, NULL, NULL), C1D_INVALID_ARG, "conv");
    /* Nothing changed. */
    size_t rank = 9, count = 0;
    c1d_weight_info info[C1D_MAX_WEIGHTS];
    ck_assert_int_eq(c1d_conv_get_lora(conv, &rank, NULL), C1D_OK);
    ck_assert_uint_eq(rank, 0);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert_uint_eq(count, 2);
    ck_assert(info[0].trainable);

    ck_assert_int_eq(c1d_conv_enable_lora(conv, 2, 1.0, NULL, "identity"), C1D_OK);
    float b[2 * F + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(conv, 3, b, 2 * F), C1D_OK);
    for (size_t r = 0; r < 2; r++)
        for (size_t f = 0; f < F; f++) ck_assert(b[r * F + f] == (r == f ? 1.0f : 0.0f));
    /* Enabled: "already enabled" comes before the rank check. */
    ck_assert_int_eq(c1d_conv_enable_lora(conv, 0, 1.0, NULL, NULL), C1D_INVALID_ARG);
    ck_assert_str_eq(c1d_last_error(), "lora_rank: lora is already enabled. This can only be done once per layer.");
    c1d_conv_destroy(conv);
}
END_TEST

START_TEST(factor_shapes_and_trainability) {
    uint64_t seed = 21;
    float w[KW * F], bias[F], x[BATCH * STEPS * C];
    tu_fill_uniform(w, KW * F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(bias, F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(x, BATCH * STEPS * C, &seed, -1.0f, 1.0f);
    c1d_conv *conv = plain_layer(w, bias);
    float before[BATCH * STEPS * F], after[BATCH * STEPS * F];
    forward(conv, x, before);
    ck_assert_int_eq(c1d_conv_enable_lora(conv, 2, 2.0, NULL, NULL), C1D_OK);

    /* Spec 11: A (K, C/G, rank), B (rank, F); the base kernel frozen: 3 trainable + 1 non-trainable. */
    static const char *const names[4] = {"kernel", "bias", "lora_kernel_a", "lora_kernel_b"};
    static const size_t ranks[4] = {3, 1, 3, 2};
    static const size_t shapes[4][3] = {{K, CG, F}, {F, 0, 0}, {K, CG, 2}, {2, F, 0}};
    static const bool trainable[4] = {false, true, true, true};
    c1d_weight_info info[C1D_MAX_WEIGHTS];
    size_t count = 0, params = 0;
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert_uint_eq(count, 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(info[i].name, names[i]);
        ck_assert_uint_eq(info[i].rank, ranks[i]);
        for (size_t d = 0; d < 3; d++) ck_assert_uint_eq(info[i].shape[d], shapes[i][d]);
        ck_assert(info[i].trainable == trainable[i]);
    }
    ck_assert_int_eq(c1d_conv_count_params(conv, &params), C1D_OK);
    ck_assert_uint_eq(params, KW * F + F + KW * 2 + 2 * F);

    /* A is he_uniform on (3, 2, 2): fan_in = K * C/G = 6, so U(-1, 1); B is zeros, so outputs are unchanged. */
    float a[KW * 2 + TU_GUARD], b[2 * F + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(conv, 2, a, KW * 2), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_weight(conv, 3, b, 2 * F), C1D_OK);
    bool some_nonzero = false;
    for (size_t i = 0; i < KW * 2; i++) {
        ck_assert(a[i] >= -1.0f && a[i] < 1.0f);
        some_nonzero |= a[i] != 0.0f;
    }
    ck_assert(some_nonzero);
    for (size_t i = 0; i < 2 * F; i++) ck_assert(b[i] == 0.0f);
    forward(conv, x, after);
    ck_assert_mem_eq(before, after, sizeof before);
    /* get_weights gives the base kernel, as Keras's does. */
    float got[KW * F + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, got, KW * F), C1D_OK);
    ck_assert_mem_eq(got, w, sizeof w);

    /* layer.trainable = False freezes all; True makes all trainable, the base kernel too (Keras's setter). */
    ck_assert_int_eq(c1d_conv_set_trainable(conv, false), C1D_OK);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    for (size_t i = 0; i < 4; i++) ck_assert(!info[i].trainable);
    ck_assert_int_eq(c1d_conv_set_trainable(conv, true), C1D_OK);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    for (size_t i = 0; i < 4; i++) ck_assert(info[i].trainable);
    c1d_conv_destroy(conv);

    /* Without bias: 2 trainable + 1 non-trainable. */
    c1d_config cfg = layer_config();
    cfg.use_bias = false;
    ck_assert_int_eq(c1d_conv_create(&cfg, C, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_enable_lora(conv, 3, 3.0, NULL, NULL), C1D_OK);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert_uint_eq(count, 3);
    ck_assert(!info[0].trainable && info[1].trainable && info[2].trainable);
    ck_assert_str_eq(info[1].name, "lora_kernel_a");
    /* The kernel was never set: forward refuses until it is. */
    float y[BATCH * STEPS * F];
    ASSERT_FAILS(c1d_conv_forward(conv, BATCH, STEPS, x, y, NULL, 0), C1D_NOT_READY, "kernel");
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, K, CG, F), C1D_OK);
    forward(conv, x, y);
    c1d_conv_destroy(conv);
}
END_TEST

/* Run on every path (_i): paths that keep a packed copy of the kernel
 * (direct) must see every change of the merged kernel. */
static const c1d_path lora_paths[] = {C1D_PATH_AUTO, C1D_PATH_IM2COL_GEMM, C1D_PATH_DIRECT};

START_TEST(forward_equals_merged_kernel_exact) {
    /* Integer data and scale alpha / rank = 0.5: every step of the merge is exact in float32. */
    const c1d_path path = lora_paths[_i];
    uint64_t seed = 5;
    float w[KW * F], bias[F], a[KW * 2], bb[2 * F], x[BATCH * STEPS * C];
    tu_fill_int(w, KW * F, &seed, -4, 4);
    tu_fill_int(bias, F, &seed, -8, 8);
    tu_fill_int(a, KW * 2, &seed, -2, 2);
    tu_fill_int(bb, 2 * F, &seed, -2, 2);
    tu_fill_int(x, BATCH * STEPS * C, &seed, -4, 4);
    c1d_conv *lora = plain_layer(w, bias);
    ck_assert_int_eq(c1d_conv_set_path(lora, path), C1D_OK);
    ck_assert_int_eq(c1d_conv_enable_lora(lora, 2, 1.0, NULL, NULL), C1D_OK);
    set(lora, 2, a, 3, K, CG, 2);
    set(lora, 3, bb, 2, 2, F, 0);

    double exact[KW * F];
    merge(w, a, bb, 2, 0.5, exact);
    float merged[KW * F], stored[KW * F + TU_GUARD], stored_bias[F + TU_GUARD];
    size_t nonzero_delta = 0;
    for (size_t i = 0; i < KW * F; i++) {
        merged[i] = (float)exact[i];
        ck_assert(exact[i] == (double)merged[i]);
        nonzero_delta += merged[i] != w[i];
    }
    ck_assert_uint_gt(nonzero_delta, KW * F / 3);
    /* Keras saves the merged kernel. */
    ck_assert_int_eq(c1d_conv_save_variables(lora, stored, KW * F, stored_bias, F), C1D_OK);
    ck_assert_mem_eq(stored, merged, sizeof merged);
    ck_assert_mem_eq(stored_bias, bias, sizeof bias);

    c1d_conv *direct = plain_layer(merged, bias);
    ck_assert_int_eq(c1d_conv_set_path(direct, path), C1D_OK);
    float y_lora[BATCH * STEPS * F], y_direct[BATCH * STEPS * F];
    forward(lora, x, y_lora);
    forward(direct, x, y_direct);
    ck_assert_mem_eq(y_lora, y_direct, sizeof y_lora);
    size_t zeros = 0;
    for (size_t i = 0; i < BATCH * STEPS * F; i++) zeros += y_lora[i] == 0.0f;
    ck_assert_uint_lt(zeros, BATCH * STEPS * F * 7 / 10);

    /* Setting the base kernel (c1d_conv_set_kernel, or weight 0) keeps the merge right. */
    float w2[KW * F];
    tu_fill_int(w2, KW * F, &seed, -4, 4);
    ck_assert_int_eq(c1d_conv_set_kernel(lora, w2, K, CG, F), C1D_OK);
    merge(w2, a, bb, 2, 0.5, exact);
    ck_assert_int_eq(c1d_conv_save_variables(lora, stored, KW * F, stored_bias, F), C1D_OK);
    for (size_t i = 0; i < KW * F; i++) ck_assert(stored[i] == (float)exact[i]);
    float base[KW * F + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(lora, 0, base, KW * F), C1D_OK);
    ck_assert_mem_eq(base, w2, sizeof w2);
    /* ... and the forward pass computes with the new merge. */
    for (size_t i = 0; i < KW * F; i++) merged[i] = (float)exact[i];
    ck_assert_int_eq(c1d_conv_set_kernel(direct, merged, K, CG, F), C1D_OK);
    forward(lora, x, y_lora);
    forward(direct, x, y_direct);
    ck_assert_mem_eq(y_lora, y_direct, sizeof y_lora);
    c1d_conv_destroy(direct);
    c1d_conv_destroy(lora);
}
END_TEST

START_TEST(forward_equals_merged_kernel_random) {
    uint64_t seed = 77;
    float w[KW * F], bias[F], a[KW * 4], bb[4 * F], x[BATCH * STEPS * C];
    tu_fill_uniform(w, KW * F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(bias, F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(a, KW * 4, &seed, -1.0f, 1.0f);
    tu_fill_uniform(bb, 4 * F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(x, BATCH * STEPS * C, &seed, -1.0f, 1.0f);
    c1d_conv *lora = plain_layer(w, bias);
    ck_assert_int_eq(c1d_conv_enable_lora(lora, 4, 3.0, NULL, NULL), C1D_OK);
    set(lora, 2, a, 3, K, CG, 4);
    set(lora, 3, bb, 2, 4, F, 0);

    /* The merged kernel within float32 rounding of the double merge (scale 0.75). */
    double exact[KW * F];
    merge(w, a, bb, 4, 0.75, exact);
    float merged[KW * F + TU_GUARD], stored_bias[F + TU_GUARD];
    ck_assert_int_eq(c1d_conv_save_variables(lora, merged, KW * F, stored_bias, F), C1D_OK);
    for (size_t i = 0; i < KW * F; i++) {
        double mag = fabs((double)w[i]);
        for (size_t j = 0; j < 4; j++) mag += 0.75 * fabs((double)a[(i / F) * 4 + j] * (double)bb[j * F + i % F]);
        ck_assert_msg(fabs((double)merged[i] - exact[i]) <= 8.0 * 0x1.0p-24 * mag, "merged[%zu] = %.9g, exact %.12g",
                      i, merged[i], exact[i]);
    }
    /* The forward pass with LoRA is the forward pass with that kernel: bitwise against c1d, tier 2 against the
     * naive reference. */
    c1d_conv *direct = plain_layer(merged, bias);
    float y_lora[BATCH * STEPS * F], y_direct[BATCH * STEPS * F];
    forward(lora, x, y_lora);
    forward(direct, x, y_direct);
    ck_assert_mem_eq(y_lora, y_direct, sizeof y_lora);
    c1d_config cfg = layer_config();
    tu_report rep;
    ck_assert(tu_check_forward(&cfg, C, BATCH, STEPS, x, merged, bias, &rep));
    ck_assert_msg(rep.failures == 0, "%s", rep.first_failure);
    c1d_conv_destroy(direct);
    c1d_conv_destroy(lora);
}
END_TEST

START_TEST(loading_stored_weights_zeroes_factors) {
    uint64_t seed = 3;
    float w[KW * F], bias[F], a[KW * 2], bb[2 * F], x[BATCH * STEPS * C], stored[KW * F], stored_bias[F];
    tu_fill_uniform(w, KW * F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(bias, F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(a, KW * 2, &seed, -1.0f, 1.0f);
    tu_fill_uniform(bb, 2 * F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(stored, KW * F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(stored_bias, F, &seed, -1.0f, 1.0f);
    tu_fill_uniform(x, BATCH * STEPS * C, &seed, -1.0f, 1.0f);
    c1d_conv *lora = plain_layer(w, bias);
    ck_assert_int_eq(c1d_conv_enable_lora(lora, 2, 5.0, NULL, NULL), C1D_OK);
    set(lora, 2, a, 3, K, CG, 2);
    set(lora, 3, bb, 2, 2, F, 0);
    ck_assert_int_eq(c1d_conv_load_variables(lora, stored, KW * F, stored_bias, F), C1D_OK);
    float got[KW * F + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(lora, 2, got, KW * 2), C1D_OK);
    for (size_t i = 0; i < KW * 2; i++) ck_assert(got[i] == 0.0f);
    ck_assert_int_eq(c1d_conv_get_weight(lora, 3, got, 2 * F), C1D_OK);
    for (size_t i = 0; i < 2 * F; i++) ck_assert(got[i] == 0.0f);
    ck_assert_int_eq(c1d_conv_get_weight(lora, 0, got, KW * F), C1D_OK);
    ck_assert_mem_eq(got, stored, sizeof stored);
    ASSERT_FAILS(c1d_conv_save_variables(lora, got, KW * F, NULL, 0), C1D_INVALID_ARG, "bias");
    float saved_bias[F];
    ck_assert_int_eq(c1d_conv_save_variables(lora, got, KW * F, saved_bias, F), C1D_OK);
    ck_assert_mem_eq(got, stored, sizeof stored);
    /* The layer computes with exactly the stored kernel: no delta added again. */
    c1d_conv *direct = plain_layer(stored, stored_bias);
    float y_lora[BATCH * STEPS * F], y_direct[BATCH * STEPS * F];
    forward(lora, x, y_lora);
    forward(direct, x, y_direct);
    ck_assert_mem_eq(y_lora, y_direct, sizeof y_lora);
    c1d_conv_destroy(direct);
    c1d_conv_destroy(lora);
}
END_TEST

START_TEST(config_reenables_lora) {
    /* Spec 11: a config with lora_rank enables LoRA at build; lora_alpha comes back as written. */
    const char *json = "{\"filters\": 6, \"kernel_size\": 3, \"groups\": 2, \"lora_rank\": 2, \"lora_alpha\": 8.0}";
    c1d_conv *conv = from_json(json, C);
    size_t rank = 0, count = 0;
    double alpha = 0.0;
    ck_assert_int_eq(c1d_conv_get_lora(conv, &rank, &alpha), C1D_OK);
    ck_assert_uint_eq(rank, 2);
    ck_assert(alpha == 8.0);
    c1d_weight_info info[C1D_MAX_WEIGHTS];
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert_uint_eq(count, 4);
    ck_assert(!info[0].trainable && info[1].trainable && info[2].trainable && info[3].trainable);
    /* B = 0: the merged kernel is the initialized base kernel. */
    float base[KW * F + TU_GUARD], merged[KW * F + TU_GUARD], bias[F + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, base, KW * F), C1D_OK);
    ck_assert_int_eq(c1d_conv_save_variables(conv, merged, KW * F, bias, F), C1D_OK);
    ck_assert_mem_eq(base, merged, KW * F * sizeof(float));
    c1d_keras_config *k = NULL;
    char *text = NULL;
    ck_assert_int_eq(c1d_conv_get_keras_config(conv, &k), C1D_OK);
    ck_assert_int_eq(c1d_keras_config_to_json(k, &text), C1D_OK);
    json_t *tree = json_loads(text, 0, NULL);
    ck_assert(json_integer_value(json_object_get(tree, "lora_rank")) == 2);
    const json_t *alpha_value = json_object_get(tree, "lora_alpha");
    ck_assert(json_is_real(alpha_value) && json_real_value(alpha_value) == 8.0);
    json_decref(tree);
    c1d_json_free(text);
    c1d_keras_config_destroy(k);
    c1d_conv_destroy(conv);

    /* enable_lora on a layer without it: get_config gains the keys; an integral alpha is written as an int. */
    conv = from_json("{\"filters\": 6, \"kernel_size\": 3, \"groups\": 2}", C);
    ck_assert_int_eq(c1d_conv_get_keras_config(conv, &k), C1D_OK);
    ck_assert_int_eq(c1d_keras_config_to_json(k, &text), C1D_OK);
    ck_assert_ptr_null(strstr(text, "lora"));
    c1d_json_free(text);
    c1d_keras_config_destroy(k);
    ck_assert_int_eq(c1d_conv_enable_lora(conv, 3, 6.0, "{\"class_name\": \"Orthogonal\", \"config\": {\"seed\": 1}}",
                                          NULL),
                     C1D_OK);
    ck_assert_int_eq(c1d_conv_get_keras_config(conv, &k), C1D_OK);
    ck_assert_int_eq(c1d_keras_config_to_json(k, &text), C1D_OK);
    tree = json_loads(text, 0, NULL);
    ck_assert(json_integer_value(json_object_get(tree, "lora_rank")) == 3);
    ck_assert(json_is_integer(json_object_get(tree, "lora_alpha")) &&
              json_integer_value(json_object_get(tree, "lora_alpha")) == 6);
    json_decref(tree);
    /* And the config it gives re-enables LoRA with that rank. */
    c1d_conv *again = NULL;
    ck_assert_int_eq(c1d_conv_create_from_keras(k, 0, &again), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_lora(again, &rank, &alpha), C1D_OK);
    ck_assert_uint_eq(rank, 3);
    ck_assert(alpha == 6.0);
    c1d_conv_destroy(again);
    c1d_json_free(text);
    c1d_keras_config_destroy(k);
    c1d_conv_destroy(conv);

    /* A frozen config with LoRA: nothing trainable. */
    conv = from_json("{\"filters\": 6, \"kernel_size\": 3, \"lora_rank\": 1, \"trainable\": false}", C);
    ck_assert_int_eq(c1d_conv_weights(conv, info, &count), C1D_OK);
    ck_assert_uint_eq(count, 4);
    for (size_t i = 0; i < 4; i++) ck_assert(!info[i].trainable);
    ASSERT_FAILS(c1d_conv_get_lora(NULL, &rank, &alpha), C1D_INVALID_ARG, "conv");
    c1d_conv_destroy(conv);
}
END_TEST

int main(void) {
    Suite *s = suite_create("lora");
    TCase *tc = tcase_create("lora");
    tcase_add_test(tc, checks_in_keras_order);
    tcase_add_test(tc, factor_shapes_and_trainability);
    tcase_add_loop_test(tc, forward_equals_merged_kernel_exact, 0, 3);
    tcase_add_test(tc, forward_equals_merged_kernel_random);
    tcase_add_test(tc, loading_stored_weights_zeroes_factors);
    tcase_add_test(tc, config_reenables_lora);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
