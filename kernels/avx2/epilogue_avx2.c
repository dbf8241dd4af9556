/* epilogue_avx2.c: bias addition, glu and the Keras 3 activations on 8
 * float32 lanes (AVX2 + FMA; built with -mavx2 -mfma).
 *
 * Every kernel works in place on y[0 .. n) (glu writes y from a and b) with
 * unaligned loads; the last n % 8 elements are copied to an 8-float stack
 * buffer, computed there and copied back, so nothing outside [0, n) is read
 * or written (and valgrind, which runs this ISA, sees only plain copies).
 * The piecewise activations use the scalar kernel's comparisons, in the same order and
 * rounding, and give bitwise the same results (NaN included; soft_shrink and
 * hard_shrink map NaN to 0 as Keras does). The transcendental ones use
 * vecmath_avx2.h and keep the scalar kernel's results for NaN, +-inf and
 * saturation (gelu(-inf), silu(-inf) and mish(-inf) are NaN: -inf * 0).
 *
 * Measured error (tests/test_kernels.c asserts these with a small margin):
 * max |got - f(x)| / (u M), u = 2^-24, against a double-precision f, over
 * 2.3e7 floats spread over every binade of [-20, 20] (every 97th bit
 * pattern), 1e7 evenly spaced points of [-20, 20], every 4001st float
 * beyond, and the special values. M = |f(x)| (floored at FLT_MIN: results
 * below it are within 0.8 units of 2^-149) except where Keras's own float
 * formula cancels: tanh_shrink |x| + |tanh x|, gelu |x| (1 + |erf|) / 2.
 * Bitwise identical to the avx512 kernels (tests/test_kernels.c checks it
 * where the CPU has both); libm's scalar kernels for scale:
 *   exponential 1.36 (libm 1.00)   tanh 2.82 (2.71)   tanh_shrink 1.41 (1.35)
 *   sigmoid 2.96 (2.48)            silu 3.18 (3.39)   log_sigmoid 2.08 (2.01)
 *   softplus 2.08 (2.01)           gelu 2.48 (2.11)   mish 4.53 (5.07)
 *   elu, celu 1.46 (1.25)          selu 2.51 (2.93)
 * (libm's scalar sigmoid, silu and glu also flush to 0 where exp(-x)
 * overflows, x < -88.7; these kernels keep the subnormal results, so that
 * glu(+-inf, b) for -103.9 < b < -88.7 is +-inf here, as in TensorFlow's
 * Keras backend, where the scalar kernel gives inf * 0 = NaN.)
 * The piecewise kernels equal the scalar ones bit for bit. softmax and
 * log_softmax take the max, then exp(x - max) summed in double as the
 * scalar kernel does.
 */
#include <math.h>
#include <string.h>

#include "avx2.h"
#include "vecmath_avx2.h"

#define SELU_SCALE 1.0507009873554804934193349852946f
#define SELU_SCALE_ALPHA 1.7580993408473768599402175208123f /* one rounding, not two */

/* The last r < 8 elements of p, zero-padded, in a vector. */
static inline __m256 load_tail(const float *p, size_t r) {
    float buf[8] = {0};
    memcpy(buf, p, r * sizeof(float));
    return _mm256_loadu_ps(buf);
}

static inline void store_tail(float *p, size_t r, __m256 v) {
    float buf[8];
    _mm256_storeu_ps(buf, v);
    memcpy(p, buf, r * sizeof(float));
}

void c1d_add_vector__avx2(float *y, const float *b, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_loadu_ps(b + i)));
    if (i < n) store_tail(y + i, n - i, _mm256_add_ps(load_tail(y + i, n - i), load_tail(b + i, n - i)));
}

void c1d_add_scalar__avx2(float *y, float b, size_t n) {
    __m256 vb = V8(b);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), vb));
    if (i < n) store_tail(y + i, n - i, _mm256_add_ps(load_tail(y + i, n - i), vb));
}

/* One elementwise activation: the 8-lane function fn applied to y[0 .. n). */
#define ELEMENTWISE(name, fn)                                                            \
    void c1d_act_##name##__avx2(float *y, size_t n, float *s) {                          \
        (void)s;                                                                         \
        size_t i = 0;                                                                    \
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, fn(_mm256_loadu_ps(y + i)));  \
        if (i < n) store_tail(y + i, n - i, fn(load_tail(y + i, n - i)));                \
    }

/* Piecewise activations. max/min return their second operand when either
 * is NaN, which is what `v < 0 ? 0 : v` does with the operands as written;
 * blendv(a, b, mask) takes b where the comparison holds. */
static inline __m256 relu8(__m256 v) { return _mm256_max_ps(_mm256_setzero_ps(), v); }

static inline __m256 relu6_8(__m256 v) { return _mm256_min_ps(V8(6.0f), relu8(v)); }

static inline __m256 leaky_relu8(__m256 v) {
    return _mm256_blendv_ps(_mm256_mul_ps(V8(0.2f), v), v, VM8_CMP(v, 0.0f, _CMP_GE_OQ));
}

/* clip(v / 6 + 0.5, 0, 1) with the division, as the scalar kernel. */
static inline __m256 hard_sigmoid8(__m256 v) {
    __m256 t = _mm256_add_ps(_mm256_div_ps(v, V8(6.0f)), V8(0.5f));
    __m256 r = _mm256_blendv_ps(t, V8(1.0f), VM8_CMP(t, 1.0f, _CMP_GE_OQ));
    return _mm256_blendv_ps(r, _mm256_setzero_ps(), VM8_CMP(t, 0.0f, _CMP_LE_OQ));
}

static inline __m256 hard_silu8(__m256 v) { return _mm256_mul_ps(v, hard_sigmoid8(v)); }

static inline __m256 sparse_sigmoid8(__m256 v) {
    __m256 r = _mm256_mul_ps(V8(0.5f), _mm256_add_ps(v, V8(1.0f)));
    r = _mm256_blendv_ps(r, V8(1.0f), VM8_CMP(v, 1.0f, _CMP_GE_OQ));
    return _mm256_blendv_ps(r, _mm256_setzero_ps(), VM8_CMP(v, -1.0f, _CMP_LE_OQ));
}

static inline __m256 hard_tanh8(__m256 v) {
    __m256 r = _mm256_blendv_ps(v, V8(1.0f), VM8_CMP(v, 1.0f, _CMP_GT_OQ));
    return _mm256_blendv_ps(r, V8(-1.0f), VM8_CMP(v, -1.0f, _CMP_LT_OQ));
}

static inline __m256 softsign8(__m256 v) { return _mm256_div_ps(v, _mm256_add_ps(V8(1.0f), vm8_abs(v))); }

/* (v + sqrt(v*v + 4)) / 2, without FMA contraction (as the scalar kernel). */
static inline __m256 squareplus8(__m256 v) {
    __m256 root = _mm256_sqrt_ps(_mm256_add_ps(_mm256_mul_ps(v, v), V8(4.0f)));
    return _mm256_mul_ps(_mm256_add_ps(v, root), V8(0.5f));
}

static inline __m256 sparse_plus8(__m256 v) {
    __m256 p = _mm256_add_ps(v, V8(1.0f));
    __m256 r = _mm256_blendv_ps(v, _mm256_mul_ps(_mm256_mul_ps(V8(0.25f), p), p), VM8_CMP(v, 1.0f, _CMP_LT_OQ));
    return _mm256_blendv_ps(r, _mm256_setzero_ps(), VM8_CMP(v, -1.0f, _CMP_LE_OQ));
}

/* NaN fails both comparisons and gives 0, as Keras's where(). */
static inline __m256 soft_shrink8(__m256 v) {
    __m256 r = _mm256_and_ps(_mm256_add_ps(v, V8(0.5f)), VM8_CMP(v, -0.5f, _CMP_LT_OQ));
    return _mm256_blendv_ps(r, _mm256_sub_ps(v, V8(0.5f)), VM8_CMP(v, 0.5f, _CMP_GT_OQ));
}

static inline __m256 hard_shrink8(__m256 v) { return _mm256_and_ps(v, VM8_CMP(vm8_abs(v), 0.5f, _CMP_GT_OQ)); }

/* Transcendental activations. The v > 0 branches blend with the expm1 of
 * every lane, which is finite for positive lanes too (its input is clamped). */
static inline __m256 elu8(__m256 v) { return _mm256_blendv_ps(vm8_expm1(v), v, VM8_CMP(v, 0.0f, _CMP_GT_OQ)); }

static inline __m256 selu8(__m256 v) {
    __m256 neg = _mm256_mul_ps(V8(SELU_SCALE_ALPHA), vm8_expm1(v));
    return _mm256_blendv_ps(neg, _mm256_mul_ps(V8(SELU_SCALE), v), VM8_CMP(v, 0.0f, _CMP_GT_OQ));
}

/* exp(-|v|) = (1 + q) 2^n, q = -1 below -112: see exp_neg_abs_parts16 and
 * silu16 in epilogue_avx512.c. */
static inline __m256 exp_neg_abs_parts8(__m256 v, __m256 *n) {
    __m256 a = vm8_neg(vm8_abs(v));
    return _mm256_blendv_ps(vm8_exp_parts(a, n), V8(-1.0f), VM8_CMP(a, -112.0f, _CMP_LT_OQ));
}

/* v / (1 + e) for v >= 0, scalef(fma(v, q, v), n) / (1 + e) below. */
static inline __m256 silu8_wide(__m256 v) {
    __m256 n;
    __m256 q = exp_neg_abs_parts8(v, &n);
    __m256 num = _mm256_blendv_ps(vm8_scalef(_mm256_fmadd_ps(v, q, v), n), v, VM8_CMP(v, 0.0f, _CMP_GE_OQ));
    return _mm256_div_ps(num, _mm256_add_ps(V8(1.0f), vm8_scalef(_mm256_add_ps(q, V8(1.0f)), n)));
}

/* silu8_wide's bits at about 3/4 of its work when vm8_exp_neg_abs_normal
 * applies (vm8_scalef's split and the -112 blend are for the subnormal
 * results below the floor); other vectors take silu8_wide. Measured in L1 (AVX2, Zen 3, inputs uniform in [-10, 10]): 1.16 -> 1.45
 * Gelem/s; bitwise equal to silu8_wide on 3.5e8 inputs (every 13th bit
 * pattern, [-100, 100] by 1e-5), and test_lanes_independent checks it. */
static inline __m256 silu8(__m256 v) {
    if (!vm8_all_normal_exp(v)) return silu8_wide(v);
    __m256 t;
    __m256 q = vm8_exp_neg_abs_normal(v, &t);
    __m256 num = _mm256_blendv_ps(_mm256_mul_ps(_mm256_fmadd_ps(v, q, v), t), v, VM8_CMP(v, 0.0f, _CMP_GE_OQ));
    return _mm256_div_ps(num, _mm256_add_ps(V8(1.0f), _mm256_mul_ps(_mm256_add_ps(q, V8(1.0f)), t)));
}

static inline __m256 log_sigmoid8(__m256 v) { return vm8_neg(vm8_softplus(vm8_neg(v))); }

/* 0.5 v (1 + erf(v / sqrt 2)), with erf(-z) = -erf(z). */
static inline __m256 gelu8(__m256 v) {
    __m256 e = vm8_erf_pos(_mm256_mul_ps(vm8_abs(v), V8(INV_SQRT2)));
    __m256 h = _mm256_blendv_ps(_mm256_add_ps(V8(1.0f), e), _mm256_sub_ps(V8(1.0f), e), VM8_CMP(v, 0.0f, _CMP_LT_OQ));
    return _mm256_mul_ps(_mm256_mul_ps(V8(0.5f), v), h);
}

static inline __m256 tanh_shrink8(__m256 v) { return _mm256_sub_ps(v, vm8_tanh(v)); }

/* v >= 0: v (1 + 2t) / (1 + 2t + 2t^2);  v < 0: v t (t + 2) / (t (t + 2) + 2),
 * t = exp(-|v|) = (1 + q) 2^n, as mish16 in epilogue_avx512.c. */
static inline __m256 mish8(__m256 v) {
    __m256 n;
    __m256 q = exp_neg_abs_parts8(v, &n);
    __m256 t = vm8_scalef(_mm256_add_ps(q, V8(1.0f)), n);
    __m256 t2 = _mm256_add_ps(t, t);
    __m256 pos = VM8_CMP(v, 0.0f, _CMP_GE_OQ);
    __m256 num_pos = _mm256_add_ps(t2, V8(1.0f));
    __m256 num_neg = vm8_scalef(_mm256_mul_ps(_mm256_fmadd_ps(v, q, v), _mm256_add_ps(t, V8(2.0f))), n);
    __m256 num = _mm256_blendv_ps(num_neg, _mm256_mul_ps(v, num_pos), pos);
    __m256 den = _mm256_blendv_ps(_mm256_add_ps(_mm256_fmadd_ps(t, t, t2), V8(2.0f)), _mm256_fmadd_ps(t2, t, num_pos), pos);
    return _mm256_div_ps(num, den);
}

ELEMENTWISE(relu, relu8)
ELEMENTWISE(relu6, relu6_8)
ELEMENTWISE(leaky_relu, leaky_relu8)
ELEMENTWISE(elu, elu8)
ELEMENTWISE(selu, selu8)
ELEMENTWISE(celu, elu8)
ELEMENTWISE(sigmoid, vm8_sigmoid)
ELEMENTWISE(hard_sigmoid, hard_sigmoid8)
ELEMENTWISE(sparse_sigmoid, sparse_sigmoid8)
ELEMENTWISE(log_sigmoid, log_sigmoid8)
ELEMENTWISE(silu, silu8)
ELEMENTWISE(hard_silu, hard_silu8)
ELEMENTWISE(gelu, gelu8)
ELEMENTWISE(tanh, vm8_tanh)
ELEMENTWISE(tanh_shrink, tanh_shrink8)
ELEMENTWISE(hard_tanh, hard_tanh8)
ELEMENTWISE(softplus, vm8_softplus)
ELEMENTWISE(softsign, softsign8)
ELEMENTWISE(squareplus, squareplus8)
ELEMENTWISE(sparse_plus, sparse_plus8)
ELEMENTWISE(soft_shrink, soft_shrink8)
ELEMENTWISE(hard_shrink, hard_shrink8)
ELEMENTWISE(exponential, vm8_exp)
ELEMENTWISE(mish, mish8)

/* Largest element, NaN if any element is NaN (as the scalar kernel). */
static float max_or_nan(const float *y, size_t n) {
    __m256 m = V8(-INFINITY), nan = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(y + i);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        m = _mm256_max_ps(m, v);
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, m);
    float r = -INFINITY;
    for (size_t j = 0; j < 8; j++) r = lanes[j] > r ? lanes[j] : r;
    for (; i < n; i++) {
        if (y[i] != y[i]) return NAN;
        r = y[i] > r ? y[i] : r;
    }
    return _mm256_movemask_ps(nan) ? NAN : r;
}

/* acc += the 8 lanes of e, widened to double (the scalar kernel sums in
 * double too; float lanes would lose n/8 ulps on long axes). */
static inline __m256d add_pd(__m256d acc, __m256 e) {
    acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
    return _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
}

/* Sum of exp(y[i] - m); stores the exponentials into y when store is set. */
static double sum_exp(float *y, size_t n, float m, int store) {
    __m256 vm = V8(m);
    __m256d acc = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = vm8_exp(_mm256_sub_ps(_mm256_loadu_ps(y + i), vm));
        if (store) _mm256_storeu_ps(y + i, e);
        acc = add_pd(acc, e);
    }
    if (i < n) {
        /* Lanes past the tail hold exp(0 - m): zero them before the sum. */
        __m256 keep = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)),
                                                             _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
        __m256 e = _mm256_and_ps(keep, vm8_exp(_mm256_sub_ps(load_tail(y + i, n - i), vm)));
        if (store) store_tail(y + i, n - i, e);
        acc = add_pd(acc, e);
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, acc);
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

void c1d_act_softmax__avx2(float *y, size_t n, float *s) {
    (void)s;
    __m256 vi = V8((float)(1.0 / sum_exp(y, n, max_or_nan(y, n), 1)));
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), vi));
    if (i < n) store_tail(y + i, n - i, _mm256_mul_ps(load_tail(y + i, n - i), vi));
}

void c1d_act_log_softmax__avx2(float *y, size_t n, float *s) {
    (void)s;
    float m = max_or_nan(y, n);
    float shift = m + (float)log(sum_exp(y, n, m, 0));
    c1d_add_scalar__avx2(y, -shift, n); /* y - shift == y + -shift, exactly */
}

void c1d_glu__avx2(const float *a, const float *b, float *y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(a + i), vm8_sigmoid(_mm256_loadu_ps(b + i))));
    if (i < n) store_tail(y + i, n - i, _mm256_mul_ps(load_tail(a + i, n - i), vm8_sigmoid(load_tail(b + i, n - i))));
}
