/* test_kernels.c: every kernel table entry of every ISA this CPU has, against
 * the scalar kernel and against double-precision references.
 *
 * ISAs the CPU lacks are skipped with a printed reason (the test passes).
 * Epilogue kernels run on sizes that hit every tail of 8- and 16-lane code
 * (0, 1, 15, 16, 17, 31, 32, 33, 61, 1000), on seeded random inputs in three
 * ranges plus the special values, with the error bounds measured for the
 * vector kernels (see kernels/avx2/epilogue_avx2.c) asserted; a canary after
 * the vector catches writes past n, and a PROT_NONE page right after (or
 * right before) the data turns any read outside [0, n) into a crash. im2col
 * runs both layouts over stride, dilation and padding grids against a direct
 * loop, with tiles starting inside the left padding and running past the
 * right edge.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernels.h"
#include "reference.h"
#include "test_util.h"

/* Check records every passing ck_assert (a write to its message file in fork
 * mode), which costs seconds over millions of elements: loops test with
 * CHECK, which calls Check only on failure. */
#define CHECK(cond, ...)                                \
    do {                                                \
        if (!(cond)) ck_abort_msg(__VA_ARGS__);         \
    } while (0)

/* ---- ISAs ---------------------------------------------------------------- */

enum { ISA_SCALAR, ISA_AVX2, ISA_AVX512, ISA_COUNT };
static const char *const isa_names[ISA_COUNT] = {"scalar", "avx2", "avx512"};

/* Why this CPU cannot run ISA `isa`, or NULL when it can (the same
 * requirements as src/dispatch.c, checked independently here). */
static const char *isa_missing(int isa) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (isa == ISA_AVX2 && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")))
        return "CPU lacks AVX2 or FMA";
    if (isa == ISA_AVX512 &&
        !(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("fma")))
        return "CPU lacks AVX-512F/DQ/VL/BW or FMA";
    return NULL;
#else
    return isa == ISA_SCALAR ? NULL : "not an x86 build";
#endif
}

/* The table of `isa` (scalar, then each ISA up to it, as dispatch builds
 * it); false (and a printed reason) when the CPU cannot run it. */
static bool table_for(int isa, c1d_kernels *t, const char *test) {
    const char *why = isa_missing(isa);
    if (why) {
        printf("test_kernels: %s: skipping %s: %s\n", test, isa_names[isa], why);
        return false;
    }
    c1d_kernels_init__scalar(t);
#if defined(__x86_64__) || defined(__i386__)
    if (isa >= ISA_AVX2) c1d_kernels_init__avx2(t);
    if (isa >= ISA_AVX512) c1d_kernels_init__avx512(t);
#endif
    ck_assert_str_eq(t->isa, isa_names[isa]);
    return true;
}

/* ---- references and error bounds ----------------------------------------- */

#define U 0x1p-24
#define SELU_A 1.6732632423543772848170429916717
#define SELU_S 1.0507009873554804934193349852946

/* Keras's f(v) in double. NaN gives NaN except for the where()-based shrinks
 * (0); elu, selu and celu use expm1 (exp(v) - 1 loses v's digits near 0). */
static double ref_act(int a, double v) {
    if (isnan(v)) return (a == C1D_ACTIVATION_SOFT_SHRINK || a == C1D_ACTIVATION_HARD_SHRINK) ? 0.0 : v;
    switch (a) {
    case C1D_ACTIVATION_ELU:
    case C1D_ACTIVATION_CELU: return v > 0 ? v : expm1(v);
    case C1D_ACTIVATION_SELU: return v > 0 ? SELU_S * v : SELU_S * SELU_A * expm1(v);
    default: return ref_activation((c1d_activation)a, v);
    }
}

/* The magnitude M the rounding error of f(x) scales with: |f(x)|, or the
 * intermediates where Keras's float formula cancels (RELIABILITY.md,
 * tolerance item 4), floored at FLT_MIN. */
static double scale_of(int a, double x, double r) {
    double ax = fabs(x), m;
    switch (a) {
    case C1D_ACTIVATION_TANH_SHRINK: m = ax + fabs(tanh(x)); break;
    case C1D_ACTIVATION_GELU: m = 0.5 * ax * (1 + fabs(erf(x / sqrt(2.0)))); break;
    case C1D_ACTIVATION_HARD_SIGMOID: m = ax / 6 + 0.5; break;
    case C1D_ACTIVATION_HARD_SILU: m = ax * (ax / 6 + 0.5); break;
    case C1D_ACTIVATION_SPARSE_SIGMOID: m = 0.5 * (ax + 1); break;
    case C1D_ACTIVATION_SQUAREPLUS: m = 0.5 * (ax + sqrt(x * x + 4)); break;
    case C1D_ACTIVATION_SPARSE_PLUS: m = 0.25 * (ax + 1) * (ax + 1) + fabs(r); break;
    case C1D_ACTIVATION_SOFT_SHRINK: m = ax + 0.5; break;
    default: m = fabs(r);
    }
    return m > FLT_MIN ? m : FLT_MIN;
}

/* Allowed |got - f(x)| in units of u M, for every ISA: the larger of the
 * vector kernels' and libm's measured maxima (dense sweep, see
 * kernels/avx2/epilogue_avx2.c) plus about 10%. 0 means exact. */
static double bound_of(int a) {
    switch (a) {
    case C1D_ACTIVATION_LEAKY_RELU: return 1.5;
    case C1D_ACTIVATION_ELU:
    case C1D_ACTIVATION_CELU:
    case C1D_ACTIVATION_TANH_SHRINK:
    case C1D_ACTIVATION_SPARSE_PLUS: return 1.75;
    case C1D_ACTIVATION_SELU:
    case C1D_ACTIVATION_SIGMOID: return 3.25;
    case C1D_ACTIVATION_HARD_SIGMOID:
    case C1D_ACTIVATION_SPARSE_SIGMOID:
    case C1D_ACTIVATION_SOFT_SHRINK: return 1.25;
    case C1D_ACTIVATION_LOG_SIGMOID:
    case C1D_ACTIVATION_SOFTPLUS: return 2.5;
    case C1D_ACTIVATION_SILU: return 3.75;
    case C1D_ACTIVATION_HARD_SILU:
    case C1D_ACTIVATION_SOFTSIGN: return 2.25;
    case C1D_ACTIVATION_GELU:
    case C1D_ACTIVATION_SQUAREPLUS: return 2.75;
    case C1D_ACTIVATION_TANH: return 3.1;
    case C1D_ACTIVATION_EXPONENTIAL: return 1.6;
    case C1D_ACTIVATION_MISH: return 5.5;
    default: return 0.0; /* linear, relu, relu6, hard_tanh, hard_shrink */
    }
}

/* Piecewise activations: the vector kernels must equal the scalar ones. */
static bool is_piecewise(int a) {
    switch (a) {
    case C1D_ACTIVATION_LINEAR:
    case C1D_ACTIVATION_RELU:
    case C1D_ACTIVATION_RELU6:
    case C1D_ACTIVATION_LEAKY_RELU:
    case C1D_ACTIVATION_HARD_SIGMOID:
    case C1D_ACTIVATION_SPARSE_SIGMOID:
    case C1D_ACTIVATION_HARD_SILU:
    case C1D_ACTIVATION_HARD_TANH:
    case C1D_ACTIVATION_SOFTSIGN:
    case C1D_ACTIVATION_SQUAREPLUS:
    case C1D_ACTIVATION_SPARSE_PLUS:
    case C1D_ACTIVATION_SOFT_SHRINK:
    case C1D_ACTIVATION_HARD_SHRINK: return true;
    default: return false;
    }
}

/* libm's formulas 1 / (1 + exp(-x)) flush to 0 where exp(-x) overflows
 * (x < -88.7) although the true result is subnormal or just above FLT_MIN;
 * the scalar ISA is allowed that much absolute error, the vector ones not. */
static double flush_floor(int isa, double x) { return isa == ISA_SCALAR ? 32.0 * FLT_MIN * (1.0 + fabs(x)) : 0.0; }

/* 0 finite, 1 NaN, 2 +inf, 3 -inf. */
static int fp_class(float v) { return isnan(v) ? 1 : isinf(v) ? (v > 0 ? 2 : 3) : 0; }

/* ---- data ---------------------------------------------------------------- */

static const size_t sizes[] = {0, 1, 15, 16, 17, 31, 32, 33, 61, 1000};
#define N_SIZES (sizeof sizes / sizeof sizes[0])
#define N_MAX 1000

static const float specials[] = {
    NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, FLT_MIN, -FLT_MIN, 1e-45f, -1e-45f, 1e-40f, -1e-40f,
    FLT_MAX, -FLT_MAX, 1e-7f, -1e-7f, 0.5f, -0.5f, 1.0f, -1.0f, 3.0f, -3.0f, 6.0f, -6.0f, 9.01f, -9.01f,
    20.0f, -20.0f, 88.72f, 88.73f, -87.3f, -88.8f, -100.0f, 100.0f, -103.9f, -104.1f, -112.5f, 5.5426f,
    -5.5426f, 1e10f, -1e10f, 1e30f, -1e30f};
#define N_SPECIALS (sizeof specials / sizeof specials[0])

/* Fills x[0 .. n) for input set `set`: 0 small ([-1e-3, 1e-3]), 1 [-10, 10],
 * 2 [-100, 100], 3 the special values repeated, mixed with [-10, 10]. */
static void fill_set(float *x, size_t n, int set, uint64_t *rng) {
    static const float range[3] = {1e-3f, 10.0f, 100.0f};
    if (set < 3) {
        tu_fill_uniform(x, n, rng, -range[set], range[set]);
        return;
    }
    tu_fill_uniform(x, n, rng, -10.0f, 10.0f);
    for (size_t i = 0; i < n; i++)
        if (tu_next(rng) % 2 == 0) x[i] = specials[tu_next(rng) % N_SPECIALS];
}
#define N_SETS 4

/* ---- elementwise activations --------------------------------------------- */

/* Checks one output y of activation a on input x for ISA isa against the
 * scalar kernel's output s and the double reference; returns a message or
 * NULL. */
static const char *check_value(int isa, int a, float x, float y, float s, char *buf, size_t cap) {
    double r = ref_act(a, (double)x);
    if (fp_class(y) != fp_class(s)) {
        snprintf(buf, cap, "x=%.9g: got %.9g, scalar kernel %.9g", (double)x, (double)y, (double)s);
        return buf;
    }
    if (fp_class(y) != 0) return NULL;
    if (isa != ISA_SCALAR && is_piecewise(a) && y != s) {
        snprintf(buf, cap, "x=%.9g: got %.9g, scalar kernel %.9g (must be equal)", (double)x, (double)y, (double)s);
        return buf;
    }
    if (!isfinite(r) || fabs(r) > FLT_MAX) return NULL; /* the float formula itself overflows (squareplus) */
    if (isinf(x) || fabs((double)x) > 1e10) {
        /* Keras's float formula, not f, is the contract out there (e.g.
         * squareplus(-1e30) cancels to 0): the scalar kernel judges. */
        if (is_piecewise(a) || y == s) return NULL;
    }
    double err = fabs((double)y - r) - flush_floor(isa, x);
    double tol = bound_of(a) * U * scale_of(a, x, r);
    if (err > tol) {
        snprintf(buf, cap, "x=%.9g: got %.9g, f(x)=%.17g: error %.3g u*M > bound %.3g", (double)x, (double)y, r,
                 err / (U * scale_of(a, x, r)), bound_of(a));
        return buf;
    }
    return NULL;
}

START_TEST(test_elementwise) {
    c1d_kernels t, sc;
    if (!table_for(_i, &t, "elementwise")) return;
    c1d_kernels_init__scalar(&sc);
    uint64_t rng = 0x6b65726e656c73u + (uint64_t)_i;
    float *x = malloc(N_MAX * sizeof(float)), *s = malloc(N_MAX * sizeof(float));
    char msg[256];
    for (int a = 0; a < C1D_ACTIVATION_COUNT_; a++) {
        if (ref_activation_is_axiswise((c1d_activation)a)) continue;
        for (size_t k = 0; k < N_SIZES; k++) {
            size_t n = sizes[k];
            for (int set = 0; set < N_SETS; set++) {
                fill_set(x, n, set, &rng);
                float *y = tu_canary_alloc(n);
                memcpy(y, x, n * sizeof(float));
                memcpy(s, x, n * sizeof(float));
                t.activation[a](y, n, NULL);
                sc.activation[a](s, n, NULL);
                CHECK(tu_guard_intact(y, n), "%s %s n=%zu: wrote past n", isa_names[_i],
                              c1d_activation_name((c1d_activation)a), n);
                for (size_t i = 0; i < n; i++) {
                    const char *bad = check_value(_i, a, x[i], y[i], s[i], msg, sizeof msg);
                    CHECK(bad == NULL, "%s %s n=%zu set %d i=%zu: %s", isa_names[_i],
                                  c1d_activation_name((c1d_activation)a), n, set, i, bad);
                }
                free(y);
            }
        }
    }
    free(x);
    free(s);
}
END_TEST

/* A denser random check of the bounds: 2^15 points per range per activation. */
START_TEST(test_elementwise_dense) {
    c1d_kernels t, sc;
    if (!table_for(_i, &t, "elementwise_dense")) return;
    c1d_kernels_init__scalar(&sc);
    enum { N = 1 << 15 };
    uint64_t rng = 0x64656e7365u + (uint64_t)_i;
    float *x = malloc(N * sizeof(float)), *y = malloc(N * sizeof(float)), *s = malloc(N * sizeof(float));
    char msg[256];
    for (int a = 0; a < C1D_ACTIVATION_COUNT_; a++) {
        if (ref_activation_is_axiswise((c1d_activation)a)) continue;
        for (int set = 0; set < 3; set++) {
            fill_set(x, N, set, &rng);
            memcpy(y, x, N * sizeof(float));
            memcpy(s, x, N * sizeof(float));
            t.activation[a](y, N, NULL);
            sc.activation[a](s, N, NULL);
            for (size_t i = 0; i < N; i++) {
                const char *bad = check_value(_i, a, x[i], y[i], s[i], msg, sizeof msg);
                CHECK(bad == NULL, "%s %s: %s", isa_names[_i], c1d_activation_name((c1d_activation)a), bad);
            }
        }
    }
    free(x);
    free(y);
    free(s);
}
END_TEST

/* Lane independence: an elementwise activation gives a value the same bits
 * whatever its neighbours in the vector. The vector kernels take a fast
 * route when every lane is in range (silu and sigmoid: all lanes >= -86)
 * and a wide one otherwise; both must agree bit for bit, or an output would
 * depend on the tile boundaries and hence on the thread count. Each x of a
 * sweep over [-120, 120] and the special values is computed alone (every
 * lane x) and beside -100, NaN and -inf lanes, at every lane position. */
START_TEST(test_lanes_independent) {
    c1d_kernels t;
    if (!table_for(_i, &t, "lanes_independent")) return;
    enum { W = 16, NX = 4003 };
    const float others[] = {-100.0f, NAN, -INFINITY, 50.0f};
    float xs[NX + 4];
    for (size_t i = 0; i < NX; i++) xs[i] = -120.0f + 240.0f * (float)i / (float)(NX - 1);
    xs[NX] = -86.0f;
    xs[NX + 1] = nextafterf(-86.0f, -INFINITY);
    xs[NX + 2] = INFINITY;
    xs[NX + 3] = -0.0f;
    for (int a = 0; a < C1D_ACTIVATION_COUNT_; a++) {
        if (ref_activation_is_axiswise((c1d_activation)a)) continue;
        for (size_t i = 0; i < NX + 4; i++) {
            float alone[W];
            for (size_t j = 0; j < W; j++) alone[j] = xs[i];
            t.activation[a](alone, W, NULL);
            for (size_t o = 0; o < sizeof others / sizeof others[0]; o++)
                for (size_t pos = 0; pos < 8; pos++) {
                    float mixed[W];
                    for (size_t j = 0; j < W; j++) mixed[j] = others[o];
                    mixed[pos] = xs[i];
                    t.activation[a](mixed, W, NULL);
                    CHECK(memcmp(&mixed[pos], &alone[0], sizeof(float)) == 0,
                          "%s %s x=%.9g lane %zu beside %g: %.9g alone, %.9g mixed", isa_names[_i],
                          c1d_activation_name((c1d_activation)a), (double)xs[i], pos, (double)others[o],
                          (double)alone[0], (double)mixed[pos]);
                }
        }
    }
}
END_TEST

/* Saturation and special values the brief and Keras pin down. */
START_TEST(test_saturation) {
    c1d_kernels t;
    if (!table_for(_i, &t, "saturation")) return;
    float v[4];
#define APPLY(act, a0, a1, a2, a3)                                       \
    (v[0] = (a0), v[1] = (a1), v[2] = (a2), v[3] = (a3), t.activation[act](v, 4, NULL))
    APPLY(C1D_ACTIVATION_TANH, 20.0f, -20.0f, INFINITY, -INFINITY);
    ck_assert(v[0] == 1.0f && v[1] == -1.0f && v[2] == 1.0f && v[3] == -1.0f);
    APPLY(C1D_ACTIVATION_SIGMOID, -100.0f, 100.0f, -INFINITY, INFINITY);
    ck_assert(v[0] >= 0.0f && v[0] < 1e-40f && v[1] == 1.0f && v[2] == 0.0f && v[3] == 1.0f);
    APPLY(C1D_ACTIVATION_EXPONENTIAL, 100.0f, 88.8f, -INFINITY, -200.0f);
    ck_assert(isinf(v[0]) && v[0] > 0 && isinf(v[1]) && v[2] == 0.0f && v[3] == 0.0f);
    APPLY(C1D_ACTIVATION_SILU, -INFINITY, INFINITY, NAN, -200.0f);
    ck_assert(isnan(v[0]) && isinf(v[1]) && v[1] > 0 && isnan(v[2]) && v[3] == 0.0f);
    APPLY(C1D_ACTIVATION_GELU, -INFINITY, INFINITY, -10.0f, 10.0f);
    ck_assert(isnan(v[0]) && isinf(v[1]) && v[2] == 0.0f && v[3] == 10.0f);
    APPLY(C1D_ACTIVATION_MISH, -INFINITY, INFINITY, 1e30f, -1e30f);
    ck_assert(isnan(v[0]) && isinf(v[1]) && v[2] == 1e30f && v[3] == 0.0f);
    APPLY(C1D_ACTIVATION_ELU, -INFINITY, INFINITY, -1e30f, NAN);
    ck_assert(v[0] == -1.0f && isinf(v[1]) && v[2] == -1.0f && isnan(v[3]));
    APPLY(C1D_ACTIVATION_SOFTPLUS, -INFINITY, INFINITY, 1e30f, -1e30f);
    ck_assert(v[0] == 0.0f && isinf(v[1]) && v[2] == 1e30f && v[3] == 0.0f);
    APPLY(C1D_ACTIVATION_SOFT_SHRINK, NAN, -NAN, 0.25f, 1.0f);
    ck_assert(v[0] == 0.0f && v[1] == 0.0f && v[2] == 0.0f && v[3] == 0.5f);
    APPLY(C1D_ACTIVATION_TANH_SHRINK, 1e-40f, -INFINITY, 100.0f, NAN);
    ck_assert(v[0] == 0.0f && isinf(v[1]) && v[1] < 0 && v[2] == 99.0f && isnan(v[3]));
#undef APPLY
}
END_TEST

/* The vector ISAs share algorithms and coefficients: bitwise equal results. */
START_TEST(test_avx2_equals_avx512) {
    c1d_kernels t2, t5;
    if (!table_for(ISA_AVX2, &t2, "avx2_equals_avx512") || !table_for(ISA_AVX512, &t5, "avx2_equals_avx512"))
        return;
    enum { N = 1 << 14 };
    uint64_t rng = 0x62697477697365u;
    float *x = malloc(N * sizeof(float)), *a = malloc(N * sizeof(float)), *b = malloc(N * sizeof(float));
    for (int act = 0; act < C1D_ACTIVATION_COUNT_; act++) {
        if (ref_activation_is_axiswise((c1d_activation)act)) continue;
        for (int set = 0; set < N_SETS; set++) {
            fill_set(x, N - 5, set, &rng);
            memcpy(a, x, N * sizeof(float));
            memcpy(b, x, N * sizeof(float));
            t2.activation[act](a, N - 5, NULL);
            t5.activation[act](b, N - 5, NULL);
            for (size_t i = 0; i < N - 5; i++)
                CHECK(a[i] == b[i] || (isnan(a[i]) && isnan(b[i])), "%s x=%.9g: avx2 %.9g, avx512 %.9g",
                              c1d_activation_name((c1d_activation)act), (double)x[i], (double)a[i], (double)b[i]);
        }
    }
    /* glu: a [-10, 10] gated by b [-100, 100], written into x (scratch). */
    float *g = malloc(N * sizeof(float));
    fill_set(a, N, 1, &rng);
    fill_set(b, N, 2, &rng);
    t2.glu(a, b, x, N - 3);
    t5.glu(a, b, g, N - 3);
    for (size_t i = 0; i < N - 3; i++) CHECK(x[i] == g[i] || (isnan(x[i]) && isnan(g[i])), "glu x=%g: avx2 %g, avx512 %g", (double)a[i], (double)x[i], (double)g[i]);
    /* softmax sums in a different lane order: equal up to rounding. */
    for (int lsm = 0; lsm < 2; lsm++) {
        int act = lsm ? C1D_ACTIVATION_LOG_SOFTMAX : C1D_ACTIVATION_SOFTMAX;
        fill_set(a, N - 7, 1, &rng);
        memcpy(b, a, N * sizeof(float));
        t2.activation[act](a, N - 7, NULL);
        t5.activation[act](b, N - 7, NULL);
        for (size_t i = 0; i < N - 7; i++)
            CHECK(fabs((double)a[i] - (double)b[i]) <= 4.0 * U * (fabs((double)a[i]) + (lsm ? 20.0 : 0.0)),
                          "%s i=%zu: avx2 %.9g, avx512 %.9g", c1d_activation_name((c1d_activation)act), i,
                          (double)a[i], (double)b[i]);
    }
    free(g);
    free(x);
    free(a);
    free(b);
}
END_TEST

/* ---- bias, glu, softmax, log_softmax ---------------------------------------- */

START_TEST(test_add) {
    c1d_kernels t;
    if (!table_for(_i, &t, "add")) return;
    uint64_t rng = 0x616464u + (uint64_t)_i;
    float x[N_MAX], b[N_MAX];
    for (size_t k = 0; k < N_SIZES; k++) {
        size_t n = sizes[k];
        tu_fill_uniform(x, n, &rng, -100.0f, 100.0f);
        tu_fill_uniform(b, n, &rng, -100.0f, 100.0f);
        if (n > 2) x[1] = NAN, b[2] = -INFINITY;
        float *y = tu_canary_alloc(n);
        memcpy(y, x, n * sizeof(float));
        t.add_vector(y, b, n);
        CHECK(tu_guard_intact(y, n), "add_vector wrote past n=%zu", n);
        for (size_t i = 0; i < n; i++) {
            float want = (float)((double)x[i] + (double)b[i]); /* one rounding */
            CHECK(y[i] == want || (isnan(y[i]) && isnan(want)), "%s add_vector n=%zu i=%zu", isa_names[_i], n, i);
        }
        memcpy(y, x, n * sizeof(float));
        t.add_scalar(y, b[0], n);
        CHECK(tu_guard_intact(y, n), "add_scalar wrote past n=%zu", n);
        for (size_t i = 0; i < n; i++) {
            float want = (float)((double)x[i] + (double)b[0]);
            CHECK(y[i] == want || (isnan(y[i]) && isnan(want)), "%s add_scalar n=%zu i=%zu", isa_names[_i], n, i);
        }
        free(y);
    }
}
END_TEST

START_TEST(test_glu) {
    c1d_kernels t, sc;
    if (!table_for(_i, &t, "glu")) return;
    c1d_kernels_init__scalar(&sc);
    uint64_t rng = 0x676c75u + (uint64_t)_i;
    float a[N_MAX], b[N_MAX], s[N_MAX];
    for (size_t k = 0; k < N_SIZES; k++) {
        size_t n = sizes[k];
        for (int set = 0; set < N_SETS; set++) {
            fill_set(a, n, set, &rng);
            fill_set(b, n, set, &rng);
            float *y = tu_canary_alloc(n);
            t.glu(a, b, y, n);
            sc.glu(a, b, s, n);
            CHECK(tu_guard_intact(y, n), "glu wrote past n=%zu", n);
            for (size_t i = 0; i < n; i++) {
                double sb = 1.0 / (1.0 + exp(-(double)b[i]));
                double r = (double)a[i] * sb;
                /* Where libm's sigmoid(b) flushes to 0 (b < -88.7), the scalar
                 * kernel gives inf * 0 = NaN for an infinite a; the vector
                 * kernels keep sigmoid(b) > 0 down to b = -103.9 and give the
                 * true +-inf there (as TensorFlow's Keras backend does). */
                bool flushed = isinf(a[i]) && b[i] < -88.7f && _i != ISA_SCALAR;
                CHECK(flushed ? (y[i] == a[i] || isnan(y[i])) : fp_class(y[i]) == fp_class(s[i]),
                      "%s glu a=%g b=%g: got %g, scalar %g", isa_names[_i],
                              (double)a[i], (double)b[i], (double)y[i], (double)s[i]);
                if (fp_class(y[i]) != 0 || !isfinite(r)) continue;
                /* sigmoid's rounding, plus its subnormal spacing times |a|, plus the
                 * result's own subnormal spacing. */
                double tol = 4.0 * U * fabs(r) + fabs((double)a[i]) * (0x1p-149 + flush_floor(_i, b[i])) + 0x1p-149;
                CHECK(fabs((double)y[i] - r) <= tol, "%s glu a=%.9g b=%.9g: got %.9g, want %.17g", isa_names[_i],
                              (double)a[i], (double)b[i], (double)y[i], r);
            }
            /* y may equal a */
            memcpy(y, a, n * sizeof(float));
            t.glu(y, b, y, n);
            for (size_t i = 0; i < n; i++) {
                float want;
                t.glu(a + i, b + i, &want, 1);
                CHECK(y[i] == want || (isnan(y[i]) && isnan(want)), "%s glu in place i=%zu", isa_names[_i], i);
            }
            free(y);
        }
    }
}
END_TEST

/* softmax / log_softmax of one axis against double; the float x - max that
 * Keras computes costs u |x - max| in the exponent, hence the scale. */
START_TEST(test_softmax) {
    c1d_kernels t, sc;
    if (!table_for(_i, &t, "softmax")) return;
    c1d_kernels_init__scalar(&sc);
    uint64_t rng = 0x736f66746d6178u + (uint64_t)_i;
    float x[N_MAX], s[N_MAX];
    double e[N_MAX];
    for (int lsm = 0; lsm < 2; lsm++) {
        int act = lsm ? C1D_ACTIVATION_LOG_SOFTMAX : C1D_ACTIVATION_SOFTMAX;
        for (size_t k = 0; k < N_SIZES; k++) {
            size_t n = sizes[k];
            for (int set = 0; set < 3; set++) {
                fill_set(x, n, set, &rng);
                float *y = tu_canary_alloc(n);
                memcpy(y, x, n * sizeof(float));
                memcpy(s, x, n * sizeof(float));
                t.activation[act](y, n, NULL);
                sc.activation[act](s, n, NULL);
                CHECK(tu_guard_intact(y, n), "softmax wrote past n=%zu", n);
                double m = -INFINITY, sum = 0.0;
                for (size_t i = 0; i < n; i++) m = fmax(m, (double)x[i]);
                for (size_t i = 0; i < n; i++) sum += (e[i] = exp((double)x[i] - m));
                for (size_t i = 0; i < n; i++) {
                    double r = lsm ? (double)x[i] - m - log(sum) : e[i] / sum;
                    double tol = lsm ? 3.0 * U * (fabs((double)x[i]) + fabs(m) + fabs(log(sum)) + fabs(r))
                                     : 3.0 * U * fabs(r) * (1.0 + fabs((double)x[i] - m)) + 0x1p-149;
                    CHECK(fabs((double)y[i] - r) <= tol && fabs((double)s[i] - r) <= tol,
                                  "%s %s n=%zu i=%zu: got %.9g, scalar %.9g, want %.17g", isa_names[_i],
                                  c1d_activation_name((c1d_activation)act), n, i, (double)y[i], (double)s[i], r);
                }
                free(y);
            }
            /* NaN anywhere makes the axis NaN; +inf gives NaN (inf - inf). */
            if (n < 2) continue;
            for (int special = 0; special < 3; special++) {
                fill_set(x, n, 1, &rng);
                x[n / 2] = special == 0 ? NAN : special == 1 ? INFINITY : -INFINITY;
                memcpy(s, x, n * sizeof(float));
                t.activation[act](x, n, NULL);
                sc.activation[act](s, n, NULL);
                for (size_t i = 0; i < n; i++) {
                    CHECK(fp_class(x[i]) == fp_class(s[i]), "%s %s special %d i=%zu: got %g, scalar %g",
                                  isa_names[_i], c1d_activation_name((c1d_activation)act), special, i, (double)x[i],
                                  (double)s[i]);
                    if (special < 2) CHECK(isnan(x[i]), "%s special %d: not NaN", isa_names[_i], special);
                }
            }
        }
    }
}
END_TEST

/* ---- no read outside [0, n) ----------------------------------------------- */

/* Two pages, the second PROT_NONE: data placed to end exactly at its start. */
typedef struct guarded {
    unsigned char *base;
    size_t page;
} guarded;

static guarded guarded_new(void) {
    guarded g;
    g.page = (size_t)sysconf(_SC_PAGESIZE);
    g.base = mmap(NULL, 3 * g.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(g.base != MAP_FAILED);
    ck_assert(mprotect(g.base, g.page, PROT_NONE) == 0);
    ck_assert(mprotect(g.base + 2 * g.page, g.page, PROT_NONE) == 0);
    return g;
}

/* n floats ending at the upper guard page (at_end) or starting right after
 * the lower one. */
static float *guarded_at(guarded g, size_t n, bool at_end) {
    return at_end ? (float *)(void *)(g.base + 2 * g.page) - n : (float *)(void *)(g.base + g.page);
}

START_TEST(test_no_read_outside) {
    c1d_kernels t;
    if (!table_for(_i, &t, "no_read_outside")) return;
    guarded g1 = guarded_new(), g2 = guarded_new(), g3 = guarded_new();
    uint64_t rng = 0x6775617264u + (uint64_t)_i;
    for (int at_end = 0; at_end < 2; at_end++) {
        for (size_t n = 0; n <= 40; n++) {
            float *y = guarded_at(g1, n, at_end), *b = guarded_at(g2, n, at_end), *a = guarded_at(g3, n, at_end);
            for (int act = 0; act < C1D_ACTIVATION_COUNT_; act++) {
                if (act == C1D_ACTIVATION_GLU || act == C1D_ACTIVATION_SPARSEMAX) continue;
                tu_fill_uniform(y, n, &rng, -5.0f, 5.0f);
                t.activation[act](y, n, NULL);
            }
            tu_fill_uniform(a, n, &rng, -5.0f, 5.0f);
            tu_fill_uniform(b, n, &rng, -5.0f, 5.0f);
            t.glu(a, b, y, n);
            t.add_vector(y, b, n);
            t.add_scalar(y, 1.0f, n);
        }
    }
    munmap(g1.base, 3 * g1.page);
    munmap(g2.base, 3 * g2.page);
    munmap(g3.base, 3 * g3.page);
}
END_TEST

/* ---- im2col ---------------------------------------------------------------- */

/* Direct im2col of one channels_last tile (kernels.h contract). */
static float nwc_expect(const float *x, size_t l_in, size_t ldx, size_t c_in_g, size_t kw, size_t s, size_t d,
                        size_t pad_l, size_t t0, size_t r, size_t k, size_t c) {
    (void)c_in_g;
    (void)kw;
    long p = (long)((t0 + r) * s + k * d) - (long)pad_l;
    return (p < 0 || p >= (long)l_in) ? 0.0f : x[(size_t)p * ldx + c];
}

START_TEST(test_im2col) {
    c1d_kernels t;
    if (!table_for(_i, &t, "im2col")) return;
    uint64_t rng = 0x696d32636f6cu + (uint64_t)_i;
    static const size_t l_ins[] = {1, 4, 7, 12}, c_gs[] = {1, 3}, kws[] = {1, 2, 3, 5}, ss[] = {1, 2, 3},
                        ds[] = {1, 2, 3}, pads[] = {0, 1, 2, 5}, t0s[] = {0, 1, 3}, rowss[] = {1, 4, 9};
    float x[12 * 5], *col;
    size_t cases = 0;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 2; b++)
            for (size_t c = 0; c < 4; c++)
                for (size_t e = 0; e < 3; e++)
                    for (size_t f = 0; f < 3; f++)
                        for (size_t h = 0; h < 4; h++)
                            for (size_t i = 0; i < 3; i++)
                                for (size_t j = 0; j < 3; j++) {
                                    size_t l_in = l_ins[a], cg = c_gs[b], kw = kws[c], s = ss[e], d = ds[f];
                                    size_t pad_l = pads[h], t0 = t0s[i], rows = rowss[j], ldx = cg + 2;
                                    tu_fill_uniform(x, l_in * ldx, &rng, -4.0f, 4.0f);
                                    /* channels_last: col [rows][kw * cg] */
                                    size_t n = rows * kw * cg;
                                    col = tu_canary_alloc(n);
                                    t.im2col_nwc(x, l_in, ldx, cg, kw, s, d, pad_l, t0, rows, col);
                                    CHECK(tu_guard_intact(col, n), "im2col_nwc wrote past col");
                                    for (size_t r = 0; r < rows; r++)
                                        for (size_t k = 0; k < kw; k++)
                                            for (size_t ch = 0; ch < cg; ch++)
                                                CHECK(col[(r * kw + k) * cg + ch] ==
                                                                  nwc_expect(x, l_in, ldx, cg, kw, s, d, pad_l, t0, r,
                                                                             k, ch),
                                                              "%s nwc l_in=%zu c=%zu kw=%zu s=%zu d=%zu pad=%zu "
                                                              "t0=%zu r=%zu k=%zu ch=%zu",
                                                              isa_names[_i], l_in, cg, kw, s, d, pad_l, t0, r, k, ch);
                                    free(col);
                                    /* channels_first: x [cg][l_in], col [kw * cg][rows] */
                                    col = tu_canary_alloc(n);
                                    t.im2col_ncw(x, l_in, cg, kw, s, d, pad_l, t0, rows, col);
                                    CHECK(tu_guard_intact(col, n), "im2col_ncw wrote past col");
                                    for (size_t k = 0; k < kw; k++)
                                        for (size_t ch = 0; ch < cg; ch++)
                                            for (size_t jj = 0; jj < rows; jj++) {
                                                long p = (long)((t0 + jj) * s + k * d) - (long)pad_l;
                                                float want = (p < 0 || p >= (long)l_in) ? 0.0f
                                                                                        : x[ch * l_in + (size_t)p];
                                                CHECK(col[(k * cg + ch) * rows + jj] == want,
                                                              "%s ncw l_in=%zu c=%zu kw=%zu s=%zu d=%zu pad=%zu "
                                                              "t0=%zu j=%zu k=%zu ch=%zu",
                                                              isa_names[_i], l_in, cg, kw, s, d, pad_l, t0, jj, k, ch);
                                            }
                                    free(col);
                                    cases++;
                                }
    ck_assert_uint_eq(cases, 4 * 2 * 4 * 3 * 3 * 4 * 3 * 3);
}
END_TEST

/* ---- depthwise -------------------------------------------------------------- */

/* Direct depthwise tap sum in double, and the sum of |terms| for the bound. */
static double dw_expect(const float *x, size_t l_in, size_t c, size_t m, const float *w, size_t kw, size_t s,
                        size_t d, size_t pad_l, size_t t, size_t fi, bool channels_last, double *mag) {
    double acc = 0;
    *mag = 0;
    for (size_t k = 0; k < kw; k++) {
        long p = (long)(t * s + k * d) - (long)pad_l;
        if (p < 0 || p >= (long)l_in) continue;
        size_t ch = fi / m;
        double xv = channels_last ? x[(size_t)p * c + ch] : x[ch * l_in + (size_t)p];
        double term = xv * (double)w[k * c * m + fi];
        acc += term;
        *mag += fabs(term);
    }
    return acc;
}

/* Both layouts against the direct sum, over channel counts around the
 * vector widths, multipliers, taps, strides, dilations, pads and tiles that
 * start inside the padding; nothing past the tile is written. */
START_TEST(test_dwconv) {
    c1d_kernels t;
    if (!table_for(_i, &t, "dwconv")) return;
    uint64_t rng = 0x6477636f6e76u + (uint64_t)_i;
    static const size_t cs[] = {1, 3, 8, 15, 16, 17, 33}, ms[] = {1, 2, 17}, kws[] = {1, 2, 4, 31}, ss[] = {1, 2},
                        ds[] = {1, 3}, pads[] = {0, 2, 40}, l_ins[] = {1, 5, 40}, t0s[] = {0, 3}, rowss[] = {1, 5, 9};
    size_t cases = 0;
    for (size_t a = 0; a < 7; a++)
        for (size_t b = 0; b < 3; b++)
            for (size_t e = 0; e < 4; e++)
                for (size_t sd = 0; sd < 3; sd++)
                    for (size_t h = 0; h < 3; h++)
                        for (size_t i = 0; i < 3; i++)
                            for (size_t j = 0; j < 2; j++)
                                for (size_t q = 0; q < 3; q++) {
                                    const size_t c = cs[a], m = ms[b], kw = kws[e];
                                    const size_t s = sd == 2 ? 2 : ss[0], d = sd == 1 ? ds[1] : ds[0];
                                    const size_t pad_l = pads[h], l_in = l_ins[i], t0 = t0s[j], rows = rowss[q];
                                    const size_t f = c * m;
                                    float *x = malloc(l_in * c * sizeof(float)), *w = malloc(kw * f * sizeof(float));
                                    tu_fill_uniform(x, l_in * c, &rng, -1.0f, 1.0f);
                                    tu_fill_uniform(w, kw * f, &rng, -1.0f, 1.0f);
                                    for (int layout = 0; layout < 2; layout++) {
                                        const bool cl = layout == 0;
                                        const size_t ldy = rows + 3, n = cl ? rows * f : f * ldy;
                                        float *y = tu_canary_alloc(n);
                                        if (cl)
                                            t.dwconv_nwc(x, l_in, c, m, w, kw, s, d, pad_l, t0, rows, y);
                                        else
                                            t.dwconv_ncw(x, l_in, c, m, w, kw, s, d, pad_l, t0, rows, y, ldy);
                                        CHECK(tu_guard_intact(y, n), "%s dwconv wrote past y", isa_names[_i]);
                                        for (size_t r = 0; r < rows; r++)
                                            for (size_t fi = 0; fi < f; fi++) {
                                                double mag, want = dw_expect(x, l_in, c, m, w, kw, s, d, pad_l,
                                                                             t0 + r, fi, cl, &mag);
                                                float got = cl ? y[r * f + fi] : y[fi * ldy + r];
                                                double tol = 2.0 * (double)kw * 0x1p-24 * mag;
                                                CHECK(fabs(got - want) <= tol,
                                                      "%s %s c=%zu m=%zu kw=%zu s=%zu d=%zu pad=%zu l_in=%zu t0=%zu "
                                                      "r=%zu f=%zu: got %.9g want %.9g",
                                                      isa_names[_i], cl ? "nwc" : "ncw", c, m, kw, s, d, pad_l, l_in,
                                                      t0, r, fi, got, want);
                                            }
                                        /* channels_first leaves the columns past `rows` of each row alone. */
                                        if (!cl)
                                            for (size_t fi = 0; fi < f; fi++)
                                                for (size_t gap = rows; gap < ldy; gap++)
                                                    CHECK(tu_is_canary(y + fi * ldy + gap),
                                                          "%s dwconv_ncw wrote column %zu of %zu", isa_names[_i], gap,
                                                          rows);
                                        free(y);
                                    }
                                    free(x);
                                    free(w);
                                    cases++;
                                }
    ck_assert_uint_eq(cases, 7 * 3 * 4 * 3 * 3 * 3 * 2 * 3);
}
END_TEST

/* ---- direct path ------------------------------------------------------------ */

/* n floats inside a mapping with a PROT_NONE page on each side, ending
 * right at the upper one (at_end) or starting right after the lower one. */
typedef struct fenced {
    unsigned char *base;
    size_t bytes;
    float *data;
} fenced;

static fenced fenced_new(size_t n, bool at_end) {
    fenced f;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE), inner = (n * sizeof(float) + page - 1) / page * page;
    f.bytes = inner + 2 * page;
    f.base = mmap(NULL, f.bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(f.base != MAP_FAILED);
    ck_assert(mprotect(f.base, page, PROT_NONE) == 0);
    ck_assert(mprotect(f.base + page + inner, page, PROT_NONE) == 0);
    f.data = at_end ? (float *)(void *)(f.base + page + inner) - n : (float *)(void *)(f.base + page);
    return f;
}

static void fenced_free(fenced *f) { munmap(f->base, f->bytes); }

/* Output step t, filter j of group gi, as a double sum over the taps inside
 * the input (padding adds nothing for finite weights), and the sum of
 * |terms| for the bound. x: [l_in][ldx], w: Keras [kw][c_in_g][f]. */
static double direct_expect(const float *x, size_t l_in, size_t ldx, size_t c_in_g, const float *w, size_t f,
                            size_t f_g, size_t gi, size_t kw, size_t s, size_t d, size_t pad_l, size_t t, size_t j,
                            double *mag) {
    double acc = 0;
    *mag = 0;
    for (size_t k = 0; k < kw; k++) {
        long p = (long)(t * s + k * d) - (long)pad_l;
        if (p < 0 || p >= (long)l_in) continue;
        for (size_t c = 0; c < c_in_g; c++) {
            double term = (double)x[(size_t)p * ldx + gi * c_in_g + c] * (double)w[(k * c_in_g + c) * f + gi * f_g + j];
            acc += term;
            *mag += fabs(term);
        }
    }
    return acc;
}

/* One direct-path case: sizes of one group, the group count g and the tile. */
typedef struct direct_case {
    size_t c_in_g, f_g, g, kw, s, d, pad_l, l_in, t0, rows;
} direct_case;

/* The packing of w [kw][c_in_g][g * f_g] against the layout of kernels.h. */
static void check_pack(int isa, const direct_case *dc, const float *w, const float *wp) {
    const size_t f = dc->f_g * dc->g, nb = (dc->f_g + C1D_DIRECT_NR - 1) / C1D_DIRECT_NR;
    const float *q = wp; /* walks [g][nb][kw][c_in_g][NR] in order */
    for (size_t gi = 0; gi < dc->g; gi++)
        for (size_t jb = 0; jb < nb; jb++)
            for (size_t kc = 0; kc < dc->kw * dc->c_in_g; kc++)
                for (size_t l = 0; l < C1D_DIRECT_NR; l++, q++) {
                    const size_t j = jb * C1D_DIRECT_NR + l;
                    const float want = j < dc->f_g ? w[kc * f + gi * dc->f_g + j] : 0.0f;
                    CHECK(memcmp(q, &want, sizeof want) == 0,
                          "%s pack c_in_g=%zu f_g=%zu g=%zu: group %zu block %zu row %zu lane %zu = %g, want %g",
                          isa_names[isa], dc->c_in_g, dc->f_g, dc->g, gi, jb, kc, l, *q, want);
                }
}

/* Group gi's tile [rows][ldy], its f_g columns starting at column `lead`,
 * against the double sum; every other column must still be a canary. */
static void check_tile(int isa, const direct_case *dc, const float *x, const float *w, size_t gi, const float *y,
                       size_t lead, size_t ldy) {
    const size_t ldx = dc->c_in_g * dc->g, f = dc->f_g * dc->g;
    for (size_t r = 0; r < dc->rows; r++)
        for (size_t col = 0; col < ldy; col++) {
            const float *yv = y + r * ldy + col;
            if (col < lead || col >= lead + dc->f_g) {
                CHECK(tu_is_canary(yv), "%s direct wrote column %zu of row %zu (f_g=%zu)", isa_names[isa], col, r,
                      dc->f_g);
                continue;
            }
            double mag, want = direct_expect(x, dc->l_in, ldx, dc->c_in_g, w, f, dc->f_g, gi, dc->kw, dc->s, dc->d,
                                             dc->pad_l, dc->t0 + r, col - lead, &mag);
            double tol = 2.0 * (double)(dc->kw * dc->c_in_g) * 0x1p-24 * mag;
            CHECK(fabs(*yv - want) <= tol,
                  "%s direct c_in_g=%zu f_g=%zu g=%zu/%zu kw=%zu s=%zu d=%zu pad=%zu l_in=%zu t0=%zu rows=%zu: "
                  "y[%zu][%zu] = %.9g, want %.9g",
                  isa_names[isa], dc->c_in_g, dc->f_g, gi, dc->g, dc->kw, dc->s, dc->d, dc->pad_l, dc->l_in, dc->t0,
                  dc->rows, r, col - lead, *yv, want);
        }
}

/* Packs a random kernel, checks the packing, then runs every group's
 * microkernel on an input that sits against a PROT_NONE page (at_end: its
 * last float is the page's last) with the other groups' channels NaN. */
static void run_direct_case(int isa, const c1d_kernels *t, const direct_case *dc, bool at_end, uint64_t *rng) {
    const size_t f = dc->f_g * dc->g, ldx = dc->c_in_g * dc->g, wn = dc->kw * dc->c_in_g * f;
    const size_t per_group = (dc->f_g + C1D_DIRECT_NR - 1) / C1D_DIRECT_NR * C1D_DIRECT_NR * dc->kw * dc->c_in_g;
    fenced xf = fenced_new(dc->l_in * ldx, at_end);
    float *x = xf.data, *w = malloc(wn * sizeof(float));
    float *wp = aligned_alloc(64, (dc->g * per_group * sizeof(float) + 63) / 64 * 64);
    tu_fill_uniform(w, wn, rng, -1.0f, 1.0f);
    t->direct_pack(w, dc->kw, dc->c_in_g, f, dc->g, wp);
    check_pack(isa, dc, w, wp);
    for (size_t gi = 0; gi < dc->g; gi++) {
        for (size_t i = 0; i < dc->l_in * ldx; i++)
            x[i] = (i % ldx) / dc->c_in_g == gi ? (float)(tu_next(rng) % 2001) / 1000.0f - 1.0f : NAN;
        const size_t lead = 3, ldy = lead + dc->f_g + 5, n = dc->rows * ldy;
        float *y = tu_canary_alloc(n);
        t->direct_nwc(x + gi * dc->c_in_g, dc->l_in, ldx, dc->c_in_g, wp + gi * per_group, dc->f_g, dc->kw, dc->s,
                      dc->d, dc->pad_l, dc->t0, dc->rows, y + lead, ldy);
        CHECK(tu_guard_intact(y, n), "%s direct wrote past the tile", isa_names[isa]);
        check_tile(isa, dc, x, w, gi, y, lead, ldy);
        free(y);
    }
    fenced_free(&xf);
    free(w);
    free(wp);
}

/* The packing against its layout (kernels.h), then the microkernel of
 * each group against the double sum: channel and filter counts around the
 * 16-filter block and the 6-row register block, taps, strides, dilations,
 * pads, input lengths shorter than the kernel, tiles starting inside the
 * left padding and running past the right edge, row counts across the
 * 48-row cache chunk. The input sits against PROT_NONE pages (a read
 * outside it crashes) and the other groups' channels hold NaN (a read of a
 * wrong channel poisons the result); the output tile is [rows][ldy] with
 * the group's f_g columns in the middle, everything else a canary that
 * must stay intact, as must the guard after the tile. */
START_TEST(test_direct) {
    c1d_kernels t;
    if (!table_for(_i, &t, "direct")) return;
    uint64_t rng = 0x646972656374u + (uint64_t)_i;
    static const size_t c_gs[] = {1, 3, 8, 17}, f_gs[] = {1, 8, 15, 16, 17, 33, 40}, kws[] = {1, 2, 3, 5},
                        sds[][2] = {{1, 1}, {2, 1}, {3, 1}, {1, 2}, {1, 3}}, pads[] = {0, 2, 7}, l_ins[] = {1, 5, 40},
                        rowss[] = {1, 5, 6, 7, 13, 50}, t0s[] = {0, 1, 4};
    size_t cases = 0, counter = 0;
    for (size_t e = 0; e < 4; e++)
        for (size_t sd = 0; sd < 5; sd++)
            for (size_t h = 0; h < 3; h++)
                for (size_t i = 0; i < 3; i++)
                    for (size_t q = 0; q < 6; q++, counter++) {
                        /* Channels, filters, groups and t0 rotate with a counter. */
                        const direct_case dc = {c_gs[counter % 4], f_gs[(counter / 4) % 7], 1 + counter % 3, kws[e],
                                                sds[sd][0], sds[sd][1], pads[h], l_ins[i], t0s[(counter / 3) % 3],
                                                rowss[q]};
                        run_direct_case(_i, &t, &dc, counter % 2 == 0, &rng);
                        cases++;
                    }
    ck_assert_uint_eq(cases, 4 * 5 * 3 * 3 * 6);
    /* Wide groups: the AVX2 kernel copies a chunk's slice of a strided input
     * into a 4096-float buffer, in fewer rows per chunk than 48 when the
     * slice is wide (300 channels: 9 rows at stride 1, 3 at stride 3), and
     * not at all when one row's window does not fit (1100 channels x 5 taps). */
    static const direct_case wide[] = {
        {300, 17, 2, 5, 1, 1, 2, 60, 0, 50}, {300, 17, 2, 5, 3, 1, 2, 160, 1, 50},
        {300, 17, 2, 3, 1, 2, 0, 30, 3, 20}, {1100, 17, 2, 5, 1, 1, 2, 30, 0, 20},
    };
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) run_direct_case(_i, &t, &wide[i], i % 2 == 0, &rng);
}
END_TEST

/* The padding is zeros that are multiplied, as in Keras: an Inf weight on
 * a tap that falls in the padding gives NaN (0 * Inf), and only there. */
START_TEST(test_direct_padding_inf) {
    c1d_kernels t;
    if (!table_for(_i, &t, "direct_padding_inf")) return;
    enum { L = 20, C = 3, F = 18, KW = 3, PAD = 2, ROWS = 20 };
    const size_t nb = (F + C1D_DIRECT_NR - 1) / C1D_DIRECT_NR;
    float x[L * C], w[KW * C * F], *wp = aligned_alloc(64, nb * KW * C * C1D_DIRECT_NR * sizeof(float));
    uint64_t rng = 0x696e66u + (uint64_t)_i;
    tu_fill_uniform(x, L * C, &rng, 0.5f, 1.0f);
    tu_fill_uniform(w, KW * C * F, &rng, -1.0f, 1.0f);
    w[(0 * C + 0) * F + 3] = INFINITY;  /* tap 0, first channel, filter 3 (first block) */
    w[(0 * C + 2) * F + 17] = INFINITY; /* tap 0, last channel, filter 17 (second block) */
    t.direct_pack(w, KW, C, F, 1, wp);
    float *y = tu_canary_alloc(ROWS * F);
    t.direct_nwc(x, L, C, C, wp, F, KW, 1, 1, PAD, 0, ROWS, y, F);
    /* Row r's tap 0 reads step r - PAD: in the padding for r < PAD. */
    for (size_t r = 0; r < ROWS; r++)
        for (size_t j = 0; j < F; j++) {
            const float v = y[r * F + j];
            if (j != 3 && j != 17)
                CHECK(isfinite(v), "%s row %zu filter %zu: %g", isa_names[_i], r, j, v);
            else if (r < PAD)
                CHECK(isnan(v), "%s row %zu filter %zu: 0 * Inf in the padding gave %g, want NaN", isa_names[_i], r,
                      j, v);
            else
                CHECK(isinf(v) && v > 0, "%s row %zu filter %zu: x > 0 times Inf gave %g", isa_names[_i], r, j, v);
        }
    CHECK(tu_guard_intact(y, ROWS * F), "%s direct wrote past the tile", isa_names[_i]);
    free(y);
    free(wp);
}
END_TEST

/* ---- suite ------------------------------------------------------------------ */

static Suite *kernels_suite(void) {
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("epilogue");
    tcase_add_loop_test(tc, test_elementwise, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tc, test_elementwise_dense, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tc, test_saturation, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tc, test_lanes_independent, ISA_SCALAR, ISA_COUNT);
    tcase_add_test(tc, test_avx2_equals_avx512);
    tcase_add_loop_test(tc, test_add, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tc, test_glu, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tc, test_softmax, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tc, test_no_read_outside, ISA_SCALAR, ISA_COUNT);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("im2col");
    tcase_add_loop_test(tm, test_im2col, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tm, test_dwconv, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tm, test_direct, ISA_SCALAR, ISA_COUNT);
    tcase_add_loop_test(tm, test_direct_padding_inf, ISA_SCALAR, ISA_COUNT);
    suite_add_tcase(s, tm);
    return s;
}

int main(void) {
    return tu_run_suite(kernels_suite());
}
