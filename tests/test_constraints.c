/* test_constraints.c: weight constraints applied as Keras's optimizer
 * applies them (src/constraints.c, spec section 10), against projections
 * worked out by hand on a small kernel written out here: MaxNorm over the
 * default axis 0 (per input channel and filter), over [0, 1] (per filter),
 * over -1, MinMaxNorm with a rate, UnitNorm over all axes and over none,
 * NonNeg, the base class; epsilon 1e-7 made visible on tiny norms; the
 * bias; frozen weights left alone; bad axes refused before anything
 * changes. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "test_util.h"

#define EPS 1e-7

/* Kernel (K = 2, C/G = 2, F = 2), w[k][c][f]:
 *   k0: c0 [3, 0]  c1 [0, 1]
 *   k1: c0 [4, 0]  c1 [0, 1]
 * Over axis 0 (the taps) the (c, f) norms are 5, 0, 0, sqrt 2. */
static const float W[8] = {3, 0, 0, 1, 4, 0, 0, 1};
static const float BIAS[2] = {3, 4};

static c1d_conv *layer_with(const char *extra, const float *bias) {
    char json[512];
    snprintf(json, sizeof json, "{\"filters\": 2, \"kernel_size\": 2, %s}", extra);
    c1d_keras_config *k = NULL;
    ck_assert_msg(c1d_keras_config_parse(json, strlen(json), &k) == C1D_OK, "%s: %s", json, c1d_last_error());
    c1d_conv *conv = NULL;
    ck_assert_int_eq(c1d_conv_create_from_keras(k, 2, &conv), C1D_OK);
    c1d_keras_config_destroy(k);
    ck_assert_int_eq(c1d_conv_set_kernel(conv, W, 2, 2, 2), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_bias(conv, bias ? bias : BIAS, 2), C1D_OK);
    return conv;
}

/* Applies the constraints and compares weight `index` with want (double, rounded to float once). */
static void expect_after(c1d_conv *conv, size_t index, const double *want, size_t n) {
    ck_assert_msg(c1d_conv_apply_constraints(conv) == C1D_OK, "%s", c1d_last_error());
    float got[8 + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(conv, index, got, n), C1D_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(got[i] == (float)want[i] || (isnan(got[i]) && isnan(want[i])), "element %zu: %.9g, expected %.9g",
                      i, got[i], want[i]);
}

static void expect_kernel(const char *extra, const double *want) {
    c1d_conv *conv = layer_with(extra, NULL);
    expect_after(conv, 0, want, 8);
    c1d_conv_destroy(conv);
}

START_TEST(max_norm_axes) {
    const double s5 = 2.0 / (EPS + 5.0), r2 = sqrt(2.0), s2 = r2 / (EPS + r2);
    /* Default axis 0: (c0, f0) has norm 5 > 2, scaled by 2 / 5; (c1, f1) has sqrt 2 <= 2, kept up to epsilon;
     * the zero pairs stay 0 (spec 10: per (channel, filter) pair, not per filter). */
    expect_kernel("\"kernel_constraint\": \"max_norm\"",
                  (const double[]){3 * s5, 0, 0, 1 * s2, 4 * s5, 0, 0, 1 * s2});
    /* [0, 1]: per filter. Filter 0 has norm 5, filter 1 sqrt 2. Same numbers here, so use max_value 1. */
    const double f0 = 1.0 / (EPS + 5.0), f1 = 1.0 / (EPS + r2);
    expect_kernel("\"kernel_constraint\": {\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": 1, "
                  "\"axis\": [0, 1]}}",
                  (const double[]){3 * f0, 0, 0, 1 * f1, 4 * f0, 0, 0, 1 * f1});
    /* axis 0 with max_value 1 differs only where the (c, f) norm differs from the filter norm: not here,
     * so take axis -1 (the filters): rows (k, c) [3, 0] norm 3, [0, 1] norm 1, [4, 0] norm 4, [0, 1] norm 1. */
    expect_kernel("\"kernel_constraint\": {\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": 2.0, "
                  "\"axis\": -1}}",
                  (const double[]){3 * (2 / (EPS + 3)), 0, 0, 1 / (EPS + 1), 4 * (2 / (EPS + 4)), 0, 0, 1 / (EPS + 1)});
    /* [1, 2]: per tap, norms 3 + ... : k0 sqrt(9 + 1), k1 sqrt(16 + 1). */
    const double k0 = sqrt(10.0), k1 = sqrt(17.0);
    expect_kernel("\"kernel_constraint\": {\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": 3, "
                  "\"axis\": [2, -2]}}",
                  (const double[]){3 * (3 / (EPS + k0)), 0, 0, 3 / (EPS + k0), 4 * (3 / (EPS + k1)), 0, 0,
                                   3 / (EPS + k1)});
}
END_TEST

START_TEST(other_constraints) {
    const double r2 = sqrt(2.0), all = sqrt(27.0);
    /* MinMaxNorm(1.5, 4, rate 0.5), axis 0: norm 5 -> 0.5 * 4 + 0.5 * 5 = 4.5; sqrt 2 -> 0.5 * 1.5 + 0.5 sqrt 2;
     * zero pairs: 0.5 * 1.5 / eps times 0 = 0. */
    const double big = 4.5 / (EPS + 5.0), small = (0.75 + 0.5 * r2) / (EPS + r2);
    expect_kernel("\"kernel_constraint\": {\"class_name\": \"MinMaxNorm\", \"config\": {\"min_value\": 1.5, "
                  "\"max_value\": 4, \"rate\": 0.5}}",
                  (const double[]){3 * big, 0, 0, small, 4 * big, 0, 0, small});
    /* UnitNorm over all axes (axis null): one norm, sqrt 27. */
    const double u = 1.0 / (EPS + all);
    expect_kernel("\"kernel_constraint\": {\"class_name\": \"UnitNorm\", \"config\": {\"axis\": null}}",
                  (const double[]){3 * u, 0, 0, u, 4 * u, 0, 0, u});
    /* UnitNorm over no axis ([]): each element by itself, w / (eps + |w|). */
    expect_kernel("\"kernel_constraint\": {\"class_name\": \"UnitNorm\", \"config\": {\"axis\": []}}",
                  (const double[]){3 / (EPS + 3), 0, 0, 1 / (EPS + 1), 4 / (EPS + 4), 0, 0, 1 / (EPS + 1)});
    /* The base class changes nothing. */
    expect_kernel("\"kernel_constraint\": \"constraint\"", (const double[]){3, 0, 0, 1, 4, 0, 0, 1});
    /* NonNeg on the bias; a NaN stays NaN (np.maximum). */
    c1d_conv *conv = layer_with("\"bias_constraint\": \"non_neg\"", (const float[]){-1.0f, NAN});
    expect_after(conv, 1, (const double[]){0.0, NAN}, 2);
    c1d_conv_destroy(conv);
    /* MaxNorm on the bias (axis 0 = the whole vector): [3, 4] has norm 5. */
    conv = layer_with("\"bias_constraint\": \"max_norm\"", NULL);
    expect_after(conv, 1, (const double[]){3 * (2 / (EPS + 5)), 4 * (2 / (EPS + 5))}, 2);
    c1d_conv_destroy(conv);
}
END_TEST

START_TEST(epsilon) {
    /* UnitNorm of [1e-7, 0]: 1e-7 / (1e-7 + 1e-7) = 0.5, not 1; a zero vector stays 0, not NaN. */
    c1d_conv *conv = layer_with("\"bias_constraint\": \"unit_norm\"", (const float[]){1e-7f, 0.0f});
    expect_after(conv, 1, (const double[]){(double)1e-7f / (EPS + (double)1e-7f), 0.0}, 2);
    c1d_conv_destroy(conv);
    float got[2 + TU_GUARD];
    conv = layer_with("\"bias_constraint\": \"unit_norm\"", (const float[]){0.0f, 0.0f});
    ck_assert_int_eq(c1d_conv_apply_constraints(conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_weight(conv, 1, got, 2), C1D_OK);
    ck_assert(got[0] == 0.0f && got[1] == 0.0f);
    c1d_conv_destroy(conv);
    /* MaxNorm on a norm below max_value still multiplies by norm / (eps + norm): sqrt 2 / (sqrt 2 + 1e-7)
     * moves 1.0 to the float below it. */
    conv = layer_with("\"kernel_constraint\": \"max_norm\"", NULL);
    ck_assert_int_eq(c1d_conv_apply_constraints(conv), C1D_OK);
    float k[8 + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, k, 8), C1D_OK);
    ck_assert(k[3] == nextafterf(1.0f, 0.0f));
    c1d_conv_destroy(conv);
}
END_TEST

START_TEST(frozen_and_refusals) {
    /* A frozen layer is not updated, so not projected. */
    c1d_conv *conv = layer_with("\"kernel_constraint\": \"non_neg\", \"bias_constraint\": \"max_norm\"", NULL);
    ck_assert_int_eq(c1d_conv_set_trainable(conv, false), C1D_OK);
    expect_after(conv, 1, (const double[]){3, 4}, 2);
    ck_assert_int_eq(c1d_conv_set_trainable(conv, true), C1D_OK);
    expect_after(conv, 1, (const double[]){3 * (2 / (EPS + 5)), 4 * (2 / (EPS + 5))}, 2);
    c1d_conv_destroy(conv);

    /* A bad bias axis: refused before the (valid) kernel constraint changes anything. */
    conv = layer_with("\"kernel_constraint\": \"unit_norm\", \"bias_constraint\": {\"class_name\": \"MaxNorm\", "
                      "\"config\": {\"axis\": 1}}",
                      NULL);
    ck_assert_int_eq(c1d_conv_apply_constraints(conv), C1D_INVALID_ARG);
    ck_assert_str_eq(c1d_last_error(), "bias_constraint.config.axis: axis 1 is out of bounds for array of dimension 1 "
                                       "(the weight has shape (2,))");
    float k[8 + TU_GUARD];
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, k, 8), C1D_OK);
    ck_assert_mem_eq(k, W, sizeof W);
    c1d_conv_destroy(conv);
    conv = layer_with("\"kernel_constraint\": {\"class_name\": \"UnitNorm\", \"config\": {\"axis\": [0, -3]}}", NULL);
    ASSERT_FAILS(c1d_conv_apply_constraints(conv), C1D_INVALID_ARG, "kernel_constraint.config.axis: duplicate value");
    c1d_conv_destroy(conv);
    conv = layer_with("\"kernel_constraint\": {\"class_name\": \"UnitNorm\", \"config\": {\"axis\": -4}}", NULL);
    ASSERT_FAILS(c1d_conv_apply_constraints(conv), C1D_INVALID_ARG,
                 "axis -4 is out of bounds for array of dimension 3");
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, k, 8), C1D_OK);
    ck_assert_mem_eq(k, W, sizeof W);
    c1d_conv_destroy(conv);
    ASSERT_FAILS(c1d_conv_apply_constraints(NULL), C1D_INVALID_ARG, "conv");

    /* A layer from c1d_conv_create has no constraint. */
    c1d_config cfg = c1d_config_default(2, 2);
    ck_assert_int_eq(c1d_conv_create(&cfg, 2, &conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_set_kernel(conv, W, 2, 2, 2), C1D_OK);
    ck_assert_int_eq(c1d_conv_apply_constraints(conv), C1D_OK);
    ck_assert_int_eq(c1d_conv_get_weight(conv, 0, k, 8), C1D_OK);
    ck_assert_mem_eq(k, W, sizeof W);
    c1d_conv_destroy(conv);
}
END_TEST

int main(void) {
    Suite *s = suite_create("constraints");
    TCase *tc = tcase_create("constraints");
    tcase_add_test(tc, max_norm_axes);
    tcase_add_test(tc, other_constraints);
    tcase_add_test(tc, epsilon);
    tcase_add_test(tc, frozen_and_refusals);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
