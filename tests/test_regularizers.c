/* test_regularizers.c: regularizers and the losses a layer adds
 * (src/regularizers.c, spec section 9), against numbers worked out by hand
 * on small kernels written out here: L1 (with its float32 factor), L2,
 * L1L2, the "l1l2" string's zero penalty, the base class, the
 * OrthogonalRegularizer's rank error and its value on rank-2 inputs, one
 * loss per regularized trainable weight (none when frozen, the kernel
 * regularizer on both LoRA factors), and the activity loss divided by the
 * batch size. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "layer.h"
#include "test_util.h"

/* Kernel (2, 1, 2) = [[[1, -2]], [[3, -4]]]: sum |w| = 10, sum w^2 = 30.
 * Bias [0.5, -1.5]: sum |b| = 2, sum b^2 = 2.5. */
static const float W[4] = {1.0f, -2.0f, 3.0f, -4.0f};
static const float B[2] = {0.5f, -1.5f};

/* A layer filters=2, kernel_size=2, one input channel, with `extra` keys and the weights above. */
static c1d_conv *layer_with(const char *extra) {
    char json[1024];
    snprintf(json, sizeof json, "{\"filters\": 2, \"kernel_size\": 2%s%s}", extra[0] ? ", " : "", extra);
    c1d_keras_config *k = NULL;
    ck_assert_msg(c1d_keras_config_parse(json, strlen(json), &k) == C1D_OK, "%s: %s", json, c1d_last_error());
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create_from_keras(k, 1, &conv), C1D_OK);
    c1d_keras_config_destroy(k);
    ck_assert_int_eq(c1d_conv_set_kernel(conv, W, 2, 1, 2), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_bias(conv, B, 2), C1D_OK);
    return conv;
}

static void expect_losses(const char *extra, size_t count, const double *want, const size_t *index) {
    c1d_conv *conv = layer_with(extra);
    double losses[C1D_MAX_WEIGHTS] = {-1, -1, -1, -1};
    size_t which[C1D_MAX_WEIGHTS] = {9, 9, 9, 9}, n = 99;
    ck_assert_msg(c1d_conv_regularization_losses(conv, losses, which, &n) == C1D_OK, "%s: %s", extra,
                  c1d_last_error());
    ck_assert_msg(n == count, "%s: %zu losses, expected %zu", extra, n, count);
    for (size_t i = 0; i < count; i++) {
        ck_assert_msg(fabs(losses[i] - want[i]) <= 1e-15 * fabs(want[i]), "%s: loss %zu = %.17g, expected %.17g", extra,
                      i, losses[i], want[i]);
        ck_assert_uint_eq(which[i], index[i]);
    }
    for (size_t i = count; i < C1D_MAX_WEIGHTS; i++) ck_assert(losses[i] == -1.0);
    c1d_conv_destroy(conv);
}

START_TEST(weight_losses) {
    /* L1(0.5): 0.5 * 10; L2(0.1): 0.1 * 2.5 (spec 9: no 1/2, no batch division). */
    expect_losses("\"kernel_regularizer\": {\"class_name\": \"L1\", \"config\": {\"l1\": 0.5}}, \"bias_regularizer\": "
                  "{\"class_name\": \"L2\", \"config\": {\"l2\": 0.1}}",
                  2, (const double[]){5.0, 0.1 * 2.5}, (const size_t[]){0, 1});
    /* "l1" is L1(0.01), its factor kept in float32: 0.009999999776482582 * 10. */
    expect_losses("\"kernel_regularizer\": \"l1\"", 1, (const double[]){0.009999999776482582 * 10.0},
                  (const size_t[]){0});
    /* L1L2(0.25, 0.125): 2.5 + 3.75. */
    expect_losses("\"bias_regularizer\": \"L2\", \"kernel_regularizer\": {\"class_name\": \"L1L2\", \"config\": "
                  "{\"l1\": 0.25, \"l2\": 0.125}}",
                  2, (const double[]){6.25, 0.01 * 2.5}, (const size_t[]){0, 1});
    /* The "l1l2" string is L1L2(0, 0): a loss of 0 is still added; so is the base class's. */
    expect_losses("\"kernel_regularizer\": \"l1l2\", \"bias_regularizer\": \"regularizer\"", 2,
                  (const double[]){0.0, 0.0}, (const size_t[]){0, 1});
    /* No regularizer, no loss; a frozen layer adds none (spec 9). */
    expect_losses("", 0, NULL, NULL);
    expect_losses("\"kernel_regularizer\": \"l2\", \"trainable\": false", 0, NULL, NULL);
}
END_TEST

START_TEST(orthogonal_rank_error) {
    double losses[C1D_MAX_WEIGHTS] = {-1, -1, -1, -1};
    size_t n = 99;
    c1d_conv *conv = layer_with("\"kernel_regularizer\": \"orthogonal_regularizer\"");
    ck_assert_int_eq(c1d_conv_regularization_losses(conv, losses, NULL, &n), C1D_INVALID_ARG);
    ck_assert_str_eq(c1d_last_error(), "kernel_regularizer (on kernel): Inputs to OrthogonalRegularizer must have rank "
                                       "2. Received: inputs.shape=(2, 1, 2)");
    c1d_conv_destroy(conv);
    conv = layer_with("\"bias_regularizer\": {\"class_name\": \"OrthogonalRegularizer\", \"config\": {}}");
    ASSERT_FAILS(c1d_conv_regularization_losses(conv, losses, NULL, &n), C1D_INVALID_ARG,
                 "bias_regularizer (on bias): Inputs to OrthogonalRegularizer must have rank 2. Received: "
                 "inputs.shape=(2,)");
    ck_assert(n == 99 && losses[0] == -1.0);
    ASSERT_FAILS(c1d_conv_regularization_losses(NULL, losses, NULL, &n), C1D_INVALID_ARG, "conv");
    ASSERT_FAILS(c1d_conv_regularization_losses(conv, NULL, NULL, &n), C1D_INVALID_ARG, "losses");
    ASSERT_FAILS(c1d_conv_regularization_losses(conv, losses, NULL, NULL), C1D_INVALID_ARG, "count");
    c1d_conv_destroy(conv);
}
END_TEST

static double orthogonal_value(const char *mode, const float *x, size_t rows, size_t cols) {
    char json[160];
    snprintf(json, sizeof json, "{\"class_name\": \"OrthogonalRegularizer\", \"config\": {\"factor\": 0.5, \"mode\": "
                                "\"%s\"}}", mode);
    json_t *value = json_loads(json, 0, NULL);
    c1d_keras_object reg;
    ck_assert_int_eq(c1d_keras_object_parse(C1D_KERAS_REGULARIZER, value, "r", &reg), C1D_OK);
    json_decref(value);
    const c1d_shape shape = {2, {rows, cols}};
    double loss = -1.0;
    ck_assert_int_eq(c1d_regularizer_loss(&reg, x, &shape, "r", &loss), C1D_OK);
    c1d_keras_object_clear(&reg);
    return loss;
}

START_TEST(orthogonal_value_on_rank_2) {
    /* [[1, 0], [1, 1], [0, 1]]. rows: unit rows r0 = (1, 0), r1 = (1, 1) / sqrt 2, r2 = (0, 1);
     * |<r0, r1>| + |<r1, r2>| = sqrt 2 over 3 pairs, so 0.5 * 0.5 * 2 sqrt 2 / 3.
     * columns: c0 = (1, 1, 0) / sqrt 2, c1 = (0, 1, 1) / sqrt 2, <c0, c1> = 1/2 over 1 pair: 0.5 * 0.5 * 1. */
    const float m[6] = {1, 0, 1, 1, 0, 1};
    ck_assert_double_eq_tol(orthogonal_value("rows", m, 3, 2), 0.5 * 0.5 * 2.0 * sqrt(2.0) / 3.0, 1e-15);
    ck_assert_double_eq_tol(orthogonal_value("columns", m, 3, 2), 0.25, 1e-15);
    /* A zero row: ops.normalize caps 1 / norm at 1 / epsilon, so it adds 0, not NaN. */
    const float z[4] = {0, 0, 3, 4};
    ck_assert(orthogonal_value("rows", z, 2, 2) == 0.0);
    /* One row: Keras divides 0 by 0 pairs. */
    const float one[3] = {1, 2, 3};
    ck_assert(isnan(orthogonal_value("rows", one, 1, 3)));
}
END_TEST

START_TEST(lora_factors_take_the_kernel_regularizer) {
    /* With LoRA the trainable weights are bias, A, B: the kernel regularizer applies to A and B (spec 9). */
    c1d_conv *conv = layer_with("\"kernel_regularizer\": {\"class_name\": \"L2\", \"config\": {\"l2\": 0.5}}, "
                                "\"bias_regularizer\": {\"class_name\": \"L1\", \"config\": {\"l1\": 1.0}}");
    ck_assert_int_eq(c1d_conv_enable_lora(conv, 2, 2.0, NULL, NULL), C1D_OK);
    const float a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, -2}; /* sum a^2 = 30, sum b^2 = 5 */
    const size_t a_shape[3] = {2, 1, 2}, b_shape[2] = {2, 2};
    ck_assert_int_eq(c1d_conv_set_weight(conv, 2, a, 3, a_shape), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_weight(conv, 3, b, 2, b_shape), C1D_OK);
    double losses[C1D_MAX_WEIGHTS];
    size_t which[C1D_MAX_WEIGHTS], n = 0;
    ck_assert_int_eq(c1d_conv_regularization_losses(conv, losses, which, &n), C1D_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert(losses[0] == 2.0 && which[0] == 1);
    ck_assert(losses[1] == 15.0 && which[1] == 2);
    ck_assert(losses[2] == 2.5 && which[2] == 3);
    /* A frozen LoRA layer adds nothing; trainable again, the base kernel (trainable too now) adds 0.5 * 30. */
    ck_assert_int_eq(c1d_conv_set_trainable(conv, false), C1D_OK);
    ck_assert_int_eq(c1d_conv_regularization_losses(conv, losses, which, &n), C1D_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(c1d_conv_set_trainable(conv, true), C1D_OK);
    ck_assert_int_eq(c1d_conv_regularization_losses(conv, losses, which, &n), C1D_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert(losses[0] == 15.0 && which[0] == 0);
    c1d_conv_destroy(conv);
}
END_TEST

START_TEST(activity_loss) {
    /* kernel_size 1, one channel, one filter: y = 2 x + 1. x = [1, 2, 3] gives [3, 5, 7], sum y^2 = 83. */
    const char *json = "{\"filters\": 1, \"kernel_size\": 1, \"activity_regularizer\": {\"class_name\": \"L2\", "
                       "\"config\": {\"l2\": 0.5}}}";
    c1d_keras_config *k = NULL;
    ck_assert_int_eq(c1d_keras_config_parse(json, strlen(json), &k), C1D_OK);
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create_from_keras(k, 1, &conv), C1D_OK);
    c1d_keras_config_destroy(k);
    const float w[1] = {2.0f}, b[1] = {1.0f};
    ck_assert_int_eq(c1d_conv_set_kernel(conv, w, 1, 1, 1), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_bias(conv, b, 1), C1D_OK);
    const float x[6] = {1, 2, 3, 0, 0, 0};
    float y[6];
    ck_assert_int_eq(c1d_conv_forward(conv, 1, 3, x, y, NULL, 0), C1D_OK);
    double loss = -1.0;
    size_t count = 9;
    ck_assert_int_eq(c1d_conv_activity_loss(conv, 1, 3, y, &loss, &count), C1D_OK);
    ck_assert_uint_eq(count, 1);
    ck_assert(loss == 0.5 * 83.0);
    /* Batch 2 adds [1, 1, 1]: 0.5 * 86 / 2 (Keras >= 3.14 divides by the batch size). */
    ck_assert_int_eq(c1d_conv_forward(conv, 2, 3, x, y, NULL, 0), C1D_OK);
    ck_assert_int_eq(c1d_conv_activity_loss(conv, 2, 3, y, &loss, &count), C1D_OK);
    ck_assert(loss == 0.5 * 86.0 / 2.0);
    /* An empty batch: divide_no_nan gives 0. */
    ck_assert_int_eq(c1d_conv_activity_loss(conv, 0, 3, NULL, &loss, &count), C1D_OK);
    ck_assert(loss == 0.0 && count == 1);
    loss = -1.0;
    ASSERT_FAILS(c1d_conv_activity_loss(conv, 1, 3, NULL, &loss, &count), C1D_INVALID_ARG, "output");
    ASSERT_FAILS(c1d_conv_activity_loss(conv, 1, 0, y, &loss, &count), C1D_INVALID_ARG, "steps");
    ASSERT_FAILS(c1d_conv_activity_loss(conv, 1, 3, y, NULL, &count), C1D_INVALID_ARG, "loss");
    ASSERT_FAILS(c1d_conv_activity_loss(NULL, 1, 3, y, &loss, &count), C1D_INVALID_ARG, "conv");
    ck_assert(loss == -1.0);
    c1d_conv_destroy(conv);

    /* No activity regularizer: no loss. The orthogonal one fails on the rank-3 output. */
    c1d_config cfg = c1d_config_default(1, 1);
    ck_assert_int_eq(c1d_conv_create(&cfg, 1, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_activity_loss(conv, 1, 3, y, &loss, &count), C1D_OK);
    ck_assert(count == 0 && loss == 0.0);
    c1d_conv_destroy(conv);
    json = "{\"filters\": 1, \"kernel_size\": 1, \"activity_regularizer\": \"orthogonal_regularizer\"}";
    ck_assert_int_eq(c1d_keras_config_parse(json, strlen(json), &k), C1D_OK);
    ck_assert_int_eq(c1d_conv_create_from_keras(k, 1, &conv), C1D_OK);
    c1d_keras_config_destroy(k);
    ASSERT_FAILS(c1d_conv_activity_loss(conv, 1, 3, y, &loss, &count), C1D_INVALID_ARG,
                 "activity_regularizer: Inputs to OrthogonalRegularizer must have rank 2. Received: "
                 "inputs.shape=(1, 3, 1)");
    c1d_conv_destroy(conv);
}
END_TEST

int main(void) {
    Suite *s = suite_create("regularizers");
    TCase *tc = tcase_create("regularizers");
    tcase_add_test(tc, weight_losses);
    tcase_add_test(tc, orthogonal_rank_error);
    tcase_add_test(tc, orthogonal_value_on_rank_2);
    tcase_add_test(tc, lora_factors_take_the_kernel_regularizer);
    tcase_add_test(tc, activity_loss);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
