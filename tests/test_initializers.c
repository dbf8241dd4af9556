/* test_initializers.c: Keras's initializers (src/initializers.c,
 * src/random.c, spec section 8). The generator against Random123's
 * known-answer vectors; every initializer's bounds exactly and its
 * moments statistically (mean and variance within 5 standard errors of
 * the values computed here from the distribution, fixed seeds so the
 * outcome is deterministic); fans for the conv kernel, the bias and
 * explicit input/output axes; Orthogonal's orthogonality in double;
 * Identity's and Orthogonal's rank errors; STFT against hand-computed
 * kernels; seeds; every refusal leaves the output untouched. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c1d.h"
#include "layer.h"
#include "test_util.h"

/* The conv kernel shape the statistical tests use: K = 5, C/G = 40, F = 150. */
static const size_t KERNEL[3] = {5, 40, 150};
#define N_KERNEL ((size_t)5 * 40 * 150)
#define FAN_IN 200.0  /* K * C/G */
#define FAN_OUT 750.0 /* K * F */
#define PI 3.14159265358979323846

static float *fill(const char *spec, const size_t *shape, size_t rank, size_t n) {
    float *v = tu_canary_alloc(n);
    ck_assert_msg(c1d_initializer_fill(spec, shape, rank, v, n) == C1D_OK, "%s: %s", spec, c1d_last_error());
    ck_assert(tu_guard_intact(v, n));
    return v;
}

typedef struct moments {
    double mean, var, min, max;
} moments;

static moments measure(const float *v, size_t n) {
    moments m = {0.0, 0.0, INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++) {
        m.mean += v[i];
        m.min = fmin(m.min, v[i]);
        m.max = fmax(m.max, v[i]);
    }
    m.mean /= (double)n;
    for (size_t i = 0; i < n; i++) m.var += ((double)v[i] - m.mean) * ((double)v[i] - m.mean);
    m.var /= (double)(n - 1);
    return m;
}

/* Mean and variance within 5 standard errors of the distribution's mean,
 * variance and fourth central moment. */
static void check_moments(const char *what, const moments *m, size_t n, double mean, double var, double mu4) {
    const double se_mean = sqrt(var / (double)n), se_var = sqrt((mu4 - var * var) / (double)n);
    ck_assert_msg(fabs(m->mean - mean) <= 5.0 * se_mean, "%s: mean %.6g, expected %.6g +- %.3g", what, m->mean, mean,
                  5.0 * se_mean);
    ck_assert_msg(fabs(m->var - var) <= 5.0 * se_var, "%s: variance %.6g, expected %.6g +- %.3g", what, m->var, var,
                  5.0 * se_var);
}

/* Uniform on [lo, hi): every value in the float32 bounds, the range used. */
static void check_uniform(const char *spec, const size_t *shape, size_t rank, size_t n, double lo, double hi) {
    float *v = fill(spec, shape, rank, n);
    const moments m = measure(v, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(v[i] >= (float)lo && v[i] < (float)hi, "%s: value %.9g outside [%.9g, %.9g)", spec, v[i], lo, hi);
    const double w = hi - lo;
    ck_assert_msg(m.min < lo + 0.01 * w && m.max > hi - 0.01 * w, "%s: range [%g, %g] does not fill [%g, %g)", spec,
                  m.min, m.max, lo, hi);
    check_moments(spec, &m, n, (lo + hi) / 2.0, w * w / 12.0, w * w * w * w / 80.0);
    free(v);
}

static void check_normal(const char *spec, size_t n, double mean, double stddev) {
    float *v = fill(spec, KERNEL, 3, n);
    const moments m = measure(v, n);
    const double var = stddev * stddev;
    check_moments(spec, &m, n, mean, var, 3.0 * var * var);
    ck_assert_msg(m.max - mean > 3.0 * stddev && mean - m.min > 3.0 * stddev, "%s: tails missing ([%g, %g])", spec,
                  m.min, m.max);
    free(v);
}

/* A normal N(mean, s^2) redrawn outside mean +- 2s: its variance and
 * fourth moment from the standard normal truncated to [-2, 2]. */
static void check_truncated(const char *spec, size_t n, double mean, double s) {
    float *v = fill(spec, KERNEL, 3, n);
    const moments m = measure(v, n);
    const double p = erf(sqrt(2.0)), phi2 = exp(-2.0) / sqrt(2.0 * PI);
    const double var = s * s * (1.0 - 4.0 * phi2 / p), mu4 = s * s * s * s * (3.0 - 28.0 * phi2 / p);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs((double)v[i] - (double)(float)mean) <= 2.0 * s, "%s: value %.9g beyond mean +- 2 * %.9g",
                      spec, v[i], s);
    ck_assert_msg(m.max - mean > 1.9 * s && mean - m.min > 1.9 * s, "%s: truncated too early ([%g, %g])", spec, m.min,
                  m.max);
    check_moments(spec, &m, n, mean, var, mu4);
    free(v);
}

START_TEST(philox_known_answers) {
    /* Random123 tests/kat_vectors, the three "philox4x32 10" lines. */
    static const uint32_t ctr[3][4] = {{0, 0, 0, 0},
                                       {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                       {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
    static const uint32_t key[3][2] = {{0, 0}, {0xffffffffu, 0xffffffffu}, {0xa4093822u, 0x299f31d0u}};
    static const uint32_t want[3][4] = {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
                                        {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
                                        {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}};
    for (int t = 0; t < 3; t++) {
        uint32_t out[4];
        c1d_philox4x32(ctr[t], key[t], out);
        for (int i = 0; i < 4; i++) ck_assert_uint_eq(out[i], want[t][i]);
    }
}
END_TEST

START_TEST(uniform_family) {
    /* Spec 8: glorot U(+-sqrt(6 / (fan_in + fan_out))), he U(+-sqrt(6 / fan_in)), lecun U(+-sqrt(3 / fan_in)). */
    const double glorot = sqrt(6.0 / (FAN_IN + FAN_OUT)), he = sqrt(6.0 / FAN_IN), lecun = sqrt(3.0 / FAN_IN);
    check_uniform("glorot_uniform", KERNEL, 3, N_KERNEL, -glorot, glorot);
    check_uniform("{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": 11}}", KERNEL, 3, N_KERNEL, -glorot,
                  glorot);
    check_uniform("HeUniform", KERNEL, 3, N_KERNEL, -he, he);
    check_uniform("lecun_uniform", KERNEL, 3, N_KERNEL, -lecun, lecun);
    const double vs_out = sqrt(3.0 * 0.5 / FAN_OUT), vs_avg = sqrt(3.0 * 2.5 / ((FAN_IN + FAN_OUT) / 2.0));
    check_uniform("{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 0.5, \"mode\": \"fan_out\", "
                  "\"distribution\": \"uniform\", \"seed\": 3}}",
                  KERNEL, 3, N_KERNEL, -vs_out, vs_out);
    check_uniform("{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 2.5, \"mode\": \"fan_avg\", "
                  "\"distribution\": \"Uniform\"}}",
                  KERNEL, 3, N_KERNEL, -vs_avg, vs_avg);
    check_uniform("random_uniform", KERNEL, 3, N_KERNEL, -0.05, 0.05);
    check_uniform("{\"class_name\": \"RandomUniform\", \"config\": {\"minval\": -1, \"maxval\": 3, \"seed\": 9}}",
                  KERNEL, 3, N_KERNEL, -1.0, 3.0);
    /* The bias (F,): fan_in = fan_out = F. */
    const size_t bias[1] = {20000};
    check_uniform("glorot_uniform", bias, 1, 20000, -sqrt(6.0 / 40000.0), sqrt(6.0 / 40000.0));
    /* Rank 2 (a, b): fans a and b. */
    const size_t matrix[2] = {100, 300};
    check_uniform("he_uniform", matrix, 2, 30000, -sqrt(6.0 / 100.0), sqrt(6.0 / 100.0));
    /* Rank 0: fans (1, 1), so U(+-sqrt(3)); 200 scalars fill the range. */
    double lo = 0.0, hi = 0.0;
    for (int i = 0; i < 200; i++) {
        float one = NAN;
        ck_assert_int_eq(c1d_initializer_fill("glorot_uniform", NULL, 0, &one, 1), C1D_OK);
        ck_assert(one >= -(float)sqrt(3.0) && one < (float)sqrt(3.0));
        lo = fmin(lo, one);
        hi = fmax(hi, one);
    }
    ck_assert(lo < -1.5 && hi > 1.5);
}
END_TEST

START_TEST(uniform_max_is_exclusive) {
    /* A range one float32 wide: every draw rounds to minval or maxval; maxval must never appear. */
    const float lo = 1.0f, hi = nextafterf(1.0f, 2.0f);
    char spec[256];
    snprintf(spec, sizeof spec,
             "{\"class_name\": \"RandomUniform\", \"config\": {\"minval\": %.9g, \"maxval\": %.9g, \"seed\": 5}}",
             (double)lo, (double)hi);
    const size_t n2000[1] = {2000}, n100[1] = {100};
    float *v = fill(spec, n2000, 1, 2000);
    for (size_t i = 0; i < 2000; i++) ck_assert(v[i] == lo);
    free(v);
    /* minval == maxval: every backend returns minval. */
    v = fill("{\"class_name\": \"RandomUniform\", \"config\": {\"minval\": 0.5, \"maxval\": 0.5}}", n100, 1, 100);
    for (size_t i = 0; i < 100; i++) ck_assert(v[i] == 0.5f);
    free(v);
}
END_TEST

START_TEST(normal_family) {
    /* Spec 8: the truncated normal has sigma = sqrt(v) / 0.87962566103423978, truncated at +-2 sigma,
     * so its standard deviation is sqrt(v). */
    const double c = 0.87962566103423978;
    check_truncated("glorot_normal", N_KERNEL, 0.0, sqrt(2.0 / (FAN_IN + FAN_OUT)) / c);
    check_truncated("he_normal", N_KERNEL, 0.0, sqrt(2.0 / FAN_IN) / c);
    check_truncated("{\"class_name\": \"LecunNormal\", \"config\": {\"seed\": 4}}", N_KERNEL, 0.0,
                    sqrt(1.0 / FAN_IN) / c);
    check_truncated("variance_scaling", N_KERNEL, 0.0, sqrt(1.0 / FAN_IN) / c);
    check_truncated("{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 3.0, \"mode\": \"fan_out\", "
                    "\"distribution\": \"normal\"}}",
                    N_KERNEL, 0.0, sqrt(3.0 / FAN_OUT) / c);
    /* TruncatedNormal: +-2 stddev, no correction. */
    check_truncated("truncated_normal", N_KERNEL, 0.0, 0.05);
    check_truncated("{\"class_name\": \"TruncatedNormal\", \"config\": {\"mean\": 1.0, \"stddev\": 0.5, \"seed\": 2}}",
                    N_KERNEL, 1.0, 0.5);
    check_normal("{\"class_name\": \"VarianceScaling\", \"config\": {\"mode\": \"fan_avg\", \"distribution\": "
                 "\"untruncated_normal\", \"seed\": 8}}",
                 N_KERNEL, 0.0, sqrt(1.0 / ((FAN_IN + FAN_OUT) / 2.0)));
    check_normal("random_normal", N_KERNEL, 0.0, 0.05);
    check_normal("{\"class_name\": \"RandomNormal\", \"config\": {\"mean\": -0.3, \"stddev\": 2}}", N_KERNEL, -0.3,
                 2.0);
}
END_TEST

START_TEST(constants) {
    const size_t shape[3] = {3, 2, 4};
    float *v = fill("zeros", shape, 3, 24);
    for (size_t i = 0; i < 24; i++) ck_assert(v[i] == 0.0f && !signbit(v[i]));
    free(v);
    v = fill("one", shape, 3, 24);
    for (size_t i = 0; i < 24; i++) ck_assert(v[i] == 1.0f);
    free(v);
    v = fill("{\"class_name\": \"Constant\", \"config\": {\"value\": 0.1}}", shape, 3, 24);
    for (size_t i = 0; i < 24; i++) ck_assert(v[i] == 0.1f);
    free(v);
    v = fill("{\"class_name\": \"constant\", \"config\": {\"value\": -3}}", shape, 3, 24);
    for (size_t i = 0; i < 24; i++) ck_assert(v[i] == -3.0f);
    free(v);
}
END_TEST

START_TEST(identity) {
    const size_t shape[2] = {3, 5};
    float *v = fill("{\"class_name\": \"Identity\", \"config\": {\"gain\": 2}}", shape, 2, 15);
    for (size_t r = 0; r < 3; r++)
        for (size_t c = 0; c < 5; c++) ck_assert(v[r * 5 + c] == (r == c ? 2.0f : 0.0f));
    free(v);
    /* Spec 8: a conv kernel has rank 3. */
    const size_t kernel[3] = {3, 2, 4};
    float *out = tu_canary_alloc(24);
    ck_assert_int_eq(c1d_initializer_fill("identity", kernel, 3, out, 24), C1D_INVALID_ARG);
    ck_assert_str_eq(c1d_last_error(), "initializer: Identity matrix initializer can only be used for 2D matrices. "
                                       "Received: shape=(3, 2, 4) of rank 3.");
    const size_t bias[1] = {4};
    ASSERT_FAILS(c1d_initializer_fill("IdentityInitializer", bias, 1, out, 24), C1D_INVALID_ARG,
                 "Received: shape=(4,) of rank 1.");
    ck_assert(tu_canary_intact(out, 24));
    free(out);
}
END_TEST

/* Max |(Q^T Q - I)[i][j]| over the columns of the rows x cols matrix m
 * (columns = true) or over its rows. */
static double orthogonality_error(const float *m, size_t rows, size_t cols, bool columns, double gain) {
    const size_t count = columns ? cols : rows, len = columns ? rows : cols;
    double worst = 0.0;
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < count; j++) {
            double dot = 0.0;
            for (size_t e = 0; e < len; e++) {
                const double a = columns ? m[e * cols + i] : m[i * cols + e];
                const double b = columns ? m[e * cols + j] : m[j * cols + e];
                dot += a * b;
            }
            worst = fmax(worst, fabs(dot / (gain * gain) - (i == j ? 1.0 : 0.0)));
        }
    return worst;
}

START_TEST(orthogonal) {
    /* (5, 40, 30): 200 rows >= 30 columns, orthonormal columns. */
    const size_t tall[3] = {5, 40, 30};
    float *v = fill("{\"class_name\": \"Orthogonal\", \"config\": {\"seed\": 1}}", tall, 3, 6000);
    double err = orthogonality_error(v, 200, 30, true, 1.0);
    ck_assert_msg(err < 1e-5, "Q^T Q differs from I by %g", err);
    /* A random matrix, not a permutation: entries spread around +-1/sqrt(200). */
    size_t small = 0;
    for (size_t i = 0; i < 6000; i++) small += fabsf(v[i]) > 0.0f && fabsf(v[i]) < 0.5f;
    ck_assert_uint_gt(small, 5000);
    float *again = fill("{\"class_name\": \"Orthogonal\", \"config\": {\"seed\": 1}}", tall, 3, 6000);
    ck_assert_mem_eq(v, again, 6000 * sizeof(float));
    free(again);
    again = fill("{\"class_name\": \"Orthogonal\", \"config\": {\"seed\": 2}}", tall, 3, 6000);
    ck_assert(memcmp(v, again, 6000 * sizeof(float)) != 0);
    free(again);
    free(v);
    /* (2, 3, 50): 6 rows < 50 columns, transposed: orthonormal rows, scaled by gain. */
    const size_t wide[3] = {2, 3, 50};
    v = fill("{\"class_name\": \"OrthogonalInitializer\", \"config\": {\"gain\": 3.0}}", wide, 3, 300);
    err = orthogonality_error(v, 6, 50, false, 3.0);
    ck_assert_msg(err < 1e-5, "Q Q^T / 9 differs from I by %g", err);
    free(v);
    /* Square and rank 2. */
    const size_t square[2] = {16, 16};
    v = fill("orthogonal", square, 2, 256);
    ck_assert_double_lt(orthogonality_error(v, 16, 16, true, 1.0), 1e-5);
    ck_assert_double_lt(orthogonality_error(v, 16, 16, false, 1.0), 1e-5);
    free(v);
    /* The sign correction by diag(R) makes Q uniform (Haar): Q[0][0] = a[0][0] / |a[:, 0]| takes both
     * signs. Without it, LAPACK's Householder convention (R[0][0] = -sign(a[0][0]) |a[:, 0]|) makes
     * Q[0][0] negative every time. */
    int positive = 0;
    for (int seed = 0; seed < 40; seed++) {
        char spec[128];
        snprintf(spec, sizeof spec, "{\"class_name\": \"Orthogonal\", \"config\": {\"seed\": %d}}", seed);
        const size_t four[2] = {4, 4};
        float q[16 + TU_GUARD];
        ck_assert_int_eq(c1d_initializer_fill(spec, four, 2, q, 16), C1D_OK);
        positive += q[0] > 0.0f;
    }
    ck_assert_msg(positive >= 8 && positive <= 32, "Q[0][0] > 0 in %d of 40 draws", positive);
    /* Rank < 2 (a bias), as Keras. */
    const size_t bias[1] = {8};
    float *out = tu_canary_alloc(8);
    ck_assert_int_eq(c1d_initializer_fill("orthogonal", bias, 1, out, 8), C1D_INVALID_ARG);
    ck_assert_str_eq(c1d_last_error(), "initializer: The tensor to initialize must be at least two-dimensional. "
                                       "Received: shape=(8,) of rank 1.");
    ck_assert(tu_canary_intact(out, 8));
    free(out);
}
END_TEST

START_TEST(seeds) {
    static const size_t K1000[3] = {10, 10, 10}, K500[3] = {5, 10, 10};
    const char *seeded = "{\"class_name\": \"HeNormal\", \"config\": {\"seed\": 42}}";
    float *a = fill(seeded, K1000, 3, 1000), *b = fill(seeded, K1000, 3, 1000);
    ck_assert_mem_eq(a, b, 1000 * sizeof(float));
    free(b);
    b = fill("{\"class_name\": \"HeNormal\", \"config\": {\"seed\": 43}}", K1000, 3, 1000);
    ck_assert(memcmp(a, b, 1000 * sizeof(float)) != 0);
    free(b);
    /* A serialized SeedGenerator with a seed starts from it. */
    const char *generator = "{\"class_name\": \"RandomNormal\", \"config\": {\"seed\": {\"module\": \"keras.random\", "
                            "\"class_name\": \"SeedGenerator\", \"config\": {\"seed\": 7, \"name\": \"g\"}}}}";
    float *g1 = fill(generator, K500, 3, 500), *g2 = fill(generator, K500, 3, 500);
    ck_assert_mem_eq(g1, g2, 500 * sizeof(float));
    free(g1);
    free(g2);
    /* Unseeded: a new seed per use. */
    float *u1 = fill("he_normal", K1000, 3, 1000), *u2 = fill("he_normal", K1000, 3, 1000);
    ck_assert(memcmp(u1, u2, 1000 * sizeof(float)) != 0);
    free(u1);
    free(u2);
    /* keras.utils.set_random_seed: unseeded draws become reproducible. */
    c1d_random_set_seed(2024);
    u1 = fill("glorot_uniform", K1000, 3, 1000);
    u2 = fill("glorot_uniform", K1000, 3, 1000);
    ck_assert(memcmp(u1, u2, 1000 * sizeof(float)) != 0);
    c1d_random_set_seed(2024);
    float *r1 = fill("glorot_uniform", K1000, 3, 1000), *r2 = fill("glorot_uniform", K1000, 3, 1000);
    ck_assert_mem_eq(u1, r1, 1000 * sizeof(float));
    ck_assert_mem_eq(u2, r2, 1000 * sizeof(float));
    free(u1);
    free(u2);
    free(r1);
    free(r2);
    free(a);
}
END_TEST

START_TEST(explicit_axes) {
    /* input_axes [0, 1], output_axes -1 on (5, 40, 150): fan_out = 150 (no receptive field), not 750. */
    const double out_only = sqrt(3.0 / 150.0);
    check_uniform("{\"class_name\": \"VarianceScaling\", \"config\": {\"mode\": \"fan_out\", \"distribution\": "
                  "\"uniform\", \"input_axes\": [0, 1], \"output_axes\": -1}}",
                  KERNEL, 3, N_KERNEL, -out_only, out_only);
    /* input 0, output 2: axis 1 is the receptive field, fan_in = 5 * 40, fan_out = 150 * 40. */
    const double in_rf = sqrt(3.0 / 200.0), out_rf = sqrt(3.0 / 6000.0);
    check_uniform("{\"class_name\": \"LecunUniform\", \"config\": {\"input_axes\": 0, \"output_axes\": [2]}}", KERNEL,
                  3, N_KERNEL, -in_rf, in_rf);
    check_uniform("{\"class_name\": \"VarianceScaling\", \"config\": {\"mode\": \"fan_out\", \"distribution\": "
                  "\"uniform\", \"input_axes\": [0], \"output_axes\": [-1]}}",
                  KERNEL, 3, N_KERNEL, -out_rf, out_rf);
    /* Only output_axes given: input_axes defaults to -2, so [1] (C/G) in, [0, 2] out: fan_out = 5 * 150. */
    const double only_out = sqrt(3.0 / 750.0);
    check_uniform("{\"class_name\": \"VarianceScaling\", \"config\": {\"mode\": \"fan_out\", \"distribution\": "
                  "\"uniform\", \"output_axes\": [0, 2]}}",
                  KERNEL, 3, N_KERNEL, -only_out, only_out);
    float *out = tu_canary_alloc(N_KERNEL);
    ASSERT_FAILS(c1d_initializer_fill("{\"class_name\": \"HeUniform\", \"config\": {\"input_axes\": [0, 3]}}", KERNEL,
                                      3, out, N_KERNEL),
                 C1D_INVALID_ARG, "input_axes: axis 3 is out of bounds");
    ASSERT_FAILS(c1d_initializer_fill("{\"class_name\": \"HeUniform\", \"config\": {\"input_axes\": [1], "
                                      "\"output_axes\": [-2]}}",
                                      KERNEL, 3, out, N_KERNEL),
                 C1D_INVALID_ARG, "output_axes: axis -2 is repeated");
    ASSERT_FAILS(c1d_initializer_fill("{\"class_name\": \"HeUniform\", \"config\": {\"input_axes\": [0, 0]}}", KERNEL,
                                      3, out, N_KERNEL),
                 C1D_INVALID_ARG, "input_axes");
    ck_assert(tu_canary_intact(out, N_KERNEL));
    free(out);
}
END_TEST

static void check_close(const float *got, const double *want, size_t n) {
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs((double)got[i] - want[i]) <= 1e-6, "element %zu: %.9g, expected %.9g", i, got[i], want[i]);
}

START_TEST(stft) {
    /* (T = 4, 1, F = 3), hann(4) symmetric = [0, 0.75, 0.75, 0], density scaling sqrt(2 * 0.75^2);
     * kernel[t][f] = cos(-2 pi t f / 4) * w[t] / scale. */
    const size_t shape[3] = {4, 1, 3};
    const double s = 1.0 / sqrt(2.0 * 0.5625) * 0.75; /* 0.70710678 */
    const double real[12] = {0, 0, 0, s, 0, -s, s, -s, s, 0, 0, 0};
    float *v = fill("{\"class_name\": \"STFT\", \"config\": {\"side\": \"real\", \"window\": \"hann\"}}", shape, 3, 12);
    check_close(v, real, 12);
    free(v);
    const double imag[12] = {0, 0, 0, 0, -s, 0, 0, 0, 0, 0, 0, 0};
    v = fill("{\"class_name\": \"STFTInitializer\", \"config\": {\"side\": \"imag\"}}", shape, 3, 12);
    check_close(v, imag, 12);
    free(v);
    /* Periodic hann(4) = hann(5)[:4] = [0, 0.5, 1, 0.5]; spectrum scaling divides by 2. No window: plain cosines. */
    const double periodic[12] = {0, 0, 0, 0.25, 0, -0.25, 0.5, -0.5, 0.5, 0.25, 0, -0.25};
    v = fill("{\"class_name\": \"STFT\", \"config\": {\"periodic\": true, \"scaling\": \"spectrum\"}}", shape, 3, 12);
    check_close(v, periodic, 12);
    free(v);
    const double plain[12] = {1, 1, 1, 1, 0, -1, 1, -1, 1, 1, 0, -1};
    v = fill("{\"class_name\": \"STFT\", \"config\": {\"window\": null}}", shape, 3, 12);
    check_close(v, plain, 12);
    free(v);
    /* boxcar(4) with density scaling: 1 / 2. */
    const double boxcar[12] = {0.5, 0.5, 0.5, 0.5, 0, -0.5, 0.5, -0.5, 0.5, 0.5, 0, -0.5};
    v = fill("{\"class_name\": \"STFT\", \"config\": {\"window\": \"boxcar\"}}", shape, 3, 12);
    check_close(v, boxcar, 12);
    free(v);
    /* It only fits one input channel per group, filters >= 2, rank 3. */
    float *out = tu_canary_alloc(24);
    const size_t two_channels[3] = {4, 2, 3}, one_filter[3] = {4, 1, 1}, bias[1] = {3};
    ASSERT_FAILS(c1d_initializer_fill("stft", two_channels, 3, out, 24), C1D_INVALID_ARG, "in_channels / groups = 1");
    ASSERT_FAILS(c1d_initializer_fill("stft", one_filter, 3, out, 24), C1D_INVALID_ARG, "filters) >= 2");
    ASSERT_FAILS(c1d_initializer_fill("stft", bias, 1, out, 24), C1D_INVALID_ARG, "shape=(3,)");
    ck_assert(tu_canary_intact(out, 24));
    free(out);
}
END_TEST

START_TEST(refusals) {
    const size_t shape[3] = {3, 2, 4};
    float *out = tu_canary_alloc(24);
    ASSERT_FAILS(c1d_initializer_fill("initializer", shape, 3, out, 24), C1D_INVALID_ARG, "NotImplementedError");
    ASSERT_FAILS(c1d_initializer_fill("{\"class_name\": \"RandomUniform\", \"config\": {\"minval\": 1, \"maxval\": 0}}",
                                      shape, 3, out, 24),
                 C1D_INVALID_ARG, "maxval");
    ASSERT_FAILS(c1d_initializer_fill("kaiming_uniform", shape, 3, out, 24), C1D_UNSUPPORTED, "kaiming_uniform");
    ASSERT_FAILS(c1d_initializer_fill("{\"class_name\": \"HeNormal\", ", shape, 3, out, 24), C1D_PARSE, "initializer");
    ASSERT_FAILS(c1d_initializer_fill("{\"class_name\": \"HeNormal\", \"config\": {\"scale\": 2}}", shape, 3, out, 24),
                 C1D_INVALID_ARG, "scale");
    ASSERT_FAILS(c1d_initializer_fill("{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 0}}", shape, 3,
                                      out, 24),
                 C1D_INVALID_ARG, "Argument `scale` must be positive float");
    ASSERT_FAILS(c1d_initializer_fill(NULL, shape, 3, out, 24), C1D_INVALID_ARG, "initializer");
    ASSERT_FAILS(c1d_initializer_fill("zeros", NULL, 3, out, 24), C1D_INVALID_ARG, "shape");
    ASSERT_FAILS(c1d_initializer_fill("zeros", shape, 3, NULL, 24), C1D_INVALID_ARG, "values");
    ASSERT_FAILS(c1d_initializer_fill("zeros", shape, 3, out, 23), C1D_INVALID_ARG, "needs 24");
    ASSERT_FAILS(c1d_initializer_fill("zeros", shape, 9, out, 24), C1D_INVALID_ARG, "rank");
    const size_t huge[3] = {SIZE_MAX / 2, 4, 1};
    ASSERT_FAILS(c1d_initializer_fill("zeros", huge, 3, out, 24), C1D_TOO_LARGE, "shape");
    const size_t big_orthogonal[2] = {(size_t)1 << 20, (size_t)1 << 10};
    ASSERT_FAILS(c1d_initializer_fill("orthogonal", big_orthogonal, 2, out, SIZE_MAX), C1D_TOO_LARGE, "Orthogonal");
    ck_assert(tu_canary_intact(out, 24));
    /* An empty shape writes nothing and succeeds. */
    const size_t empty[3] = {3, 0, 4};
    ck_assert_int_eq(c1d_initializer_fill("orthogonal", empty, 3, out, 0), C1D_OK);
    ck_assert_int_eq(c1d_initializer_fill("he_normal", empty, 3, NULL, 0), C1D_OK);
    ck_assert(tu_canary_intact(out, 24));
    free(out);
}
END_TEST

int main(void) {
    Suite *s = suite_create("initializers");
    TCase *tc = tcase_create("initializers");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, philox_known_answers);
    tcase_add_test(tc, uniform_family);
    tcase_add_test(tc, uniform_max_is_exclusive);
    tcase_add_test(tc, normal_family);
    tcase_add_test(tc, constants);
    tcase_add_test(tc, identity);
    tcase_add_test(tc, orthogonal);
    tcase_add_test(tc, seeds);
    tcase_add_test(tc, explicit_axes);
    tcase_add_test(tc, stft);
    tcase_add_test(tc, refusals);
    suite_add_tcase(s, tc);
    return tu_run_suite(s);
}
