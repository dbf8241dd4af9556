/* epilogue_avx512.c: bias addition, glu and the Keras 3 activations on 16
 * float32 lanes (AVX-512F/DQ + FMA; built with -mavx512f -mavx512dq
 * -mavx512vl -mavx512bw -mfma).
 *
 * Every kernel works in place on y[0 .. n) (glu writes y from a and b) with
 * unaligned loads; the last n % 16 elements go through a masked load and a
 * masked store, so nothing outside [0, n) is read or written. The piecewise
 * activations use the scalar kernel's comparisons, in the same order and
 * rounding, and give bitwise the same results (NaN included; soft_shrink and
 * hard_shrink map NaN to 0 as Keras does). The transcendental ones use
 * vecmath_avx512.h and keep the scalar kernel's results for NaN, +-inf and
 * saturation (gelu(-inf), silu(-inf) and mish(-inf) are NaN: -inf * 0).
 *
 * Measured error (tests/test_kernels.c asserts these with a small margin):
 * max |got - f(x)| / (u M), u = 2^-24, against a double-precision f, over
 * 2.3e7 floats spread over every binade of [-20, 20] (every 97th bit
 * pattern), 1e7 evenly spaced points of [-20, 20], every 4001st float
 * beyond, and the special values. M = |f(x)| (floored at FLT_MIN: results
 * below it are within 0.8 units of 2^-149) except where Keras's own float
 * formula cancels: tanh_shrink |x| + |tanh x|, gelu |x| (1 + |erf|) / 2.
 * The development machine has no AVX-512: these figures come from this file
 * compiled against a scalar model of the AVX-512 intrinsics it uses (written
 * from Intel's pseudo-code), whose results were bitwise identical to the
 * avx2 kernels over the whole sweep; tests/test_kernels.c checks that
 * identity on every CPU that has both ISAs. libm's scalar kernels for scale:
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

#include "avx512.h"
#include "vecmath_avx512.h"

#define SELU_SCALE 1.0507009873554804934193349852946f
#define SELU_SCALE_ALPHA 1.7580993408473768599402175208123f /* one rounding, not two */

/* The first r lanes, 0 < r < 16. */
static inline __mmask16 tail_mask(size_t r) { return (__mmask16)((1u << r) - 1u); }

/* Lanes where a `pred` b (a macro: pred must stay an immediate even at -O0). */
#define CMP16(a, b, pred) _mm512_cmp_ps_mask((a), V16(b), (pred))

void c1d_add_vector__avx512(float *y, const float *b, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(y + i), _mm512_loadu_ps(b + i)));
    if (i < n) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), _mm512_maskz_loadu_ps(m, b + i)));
    }
}

void c1d_add_scalar__avx512(float *y, float b, size_t n) {
    __m512 vb = V16(b);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(y + i), vb));
    if (i < n) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), vb));
    }
}

/* One elementwise activation: the 16-lane function fn applied to y[0 .. n). */
#define ELEMENTWISE(name, fn)                                                              \
    void c1d_act_##name##__avx512(float *y, size_t n, float *s) {                          \
        (void)s;                                                                           \
        size_t i = 0;                                                                      \
        for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, fn(_mm512_loadu_ps(y + i)));  \
        if (i < n) {                                                                       \
            __mmask16 m = tail_mask(n - i);                                                \
            _mm512_mask_storeu_ps(y + i, m, fn(_mm512_maskz_loadu_ps(m, y + i)));          \
        }                                                                                  \
    }

/* Piecewise activations. max/min return their second operand when either
 * is NaN, which is what `v < 0 ? 0 : v` does with the operands as written. */
static inline __m512 relu16(__m512 v) { return _mm512_max_ps(_mm512_setzero_ps(), v); }

static inline __m512 relu6_16(__m512 v) { return _mm512_min_ps(V16(6.0f), relu16(v)); }

static inline __m512 leaky_relu16(__m512 v) {
    return _mm512_mask_blend_ps(CMP16(v, 0.0f, _CMP_GE_OQ), _mm512_mul_ps(V16(0.2f), v), v);
}

/* clip(v / 6 + 0.5, 0, 1) with the division, as the scalar kernel. */
static inline __m512 hard_sigmoid16(__m512 v) {
    __m512 t = _mm512_add_ps(_mm512_div_ps(v, V16(6.0f)), V16(0.5f));
    __m512 r = _mm512_mask_blend_ps(CMP16(t, 1.0f, _CMP_GE_OQ), t, V16(1.0f));
    return _mm512_mask_blend_ps(CMP16(t, 0.0f, _CMP_LE_OQ), r, _mm512_setzero_ps());
}

static inline __m512 hard_silu16(__m512 v) { return _mm512_mul_ps(v, hard_sigmoid16(v)); }

static inline __m512 sparse_sigmoid16(__m512 v) {
    __m512 r = _mm512_mul_ps(V16(0.5f), _mm512_add_ps(v, V16(1.0f)));
    r = _mm512_mask_blend_ps(CMP16(v, 1.0f, _CMP_GE_OQ), r, V16(1.0f));
    return _mm512_mask_blend_ps(CMP16(v, -1.0f, _CMP_LE_OQ), r, _mm512_setzero_ps());
}

static inline __m512 hard_tanh16(__m512 v) {
    __m512 r = _mm512_mask_blend_ps(CMP16(v, 1.0f, _CMP_GT_OQ), v, V16(1.0f));
    return _mm512_mask_blend_ps(CMP16(v, -1.0f, _CMP_LT_OQ), r, V16(-1.0f));
}

static inline __m512 softsign16(__m512 v) {
    return _mm512_div_ps(v, _mm512_add_ps(V16(1.0f), vm16_abs(v)));
}

/* (v + sqrt(v*v + 4)) / 2, without FMA contraction (as the scalar kernel). */
static inline __m512 squareplus16(__m512 v) {
    __m512 root = _mm512_sqrt_ps(_mm512_add_ps(_mm512_mul_ps(v, v), V16(4.0f)));
    return _mm512_mul_ps(_mm512_add_ps(v, root), V16(0.5f));
}

static inline __m512 sparse_plus16(__m512 v) {
    __m512 p = _mm512_add_ps(v, V16(1.0f));
    __m512 r = _mm512_mask_blend_ps(CMP16(v, 1.0f, _CMP_LT_OQ), v, _mm512_mul_ps(_mm512_mul_ps(V16(0.25f), p), p));
    return _mm512_mask_blend_ps(CMP16(v, -1.0f, _CMP_LE_OQ), r, _mm512_setzero_ps());
}

/* NaN fails both comparisons and gives 0, as Keras's where(). */
static inline __m512 soft_shrink16(__m512 v) {
    __m512 r = _mm512_maskz_add_ps(CMP16(v, -0.5f, _CMP_LT_OQ), v, V16(0.5f));
    return _mm512_mask_sub_ps(r, CMP16(v, 0.5f, _CMP_GT_OQ), v, V16(0.5f));
}

static inline __m512 hard_shrink16(__m512 v) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(vm16_abs(v), V16(0.5f), _CMP_GT_OQ), v);
}

/* Transcendental activations. The v > 0 branches blend with the expm1 of
 * every lane, which is finite for positive lanes too (its input is clamped). */
static inline __m512 elu16(__m512 v) { return _mm512_mask_blend_ps(CMP16(v, 0.0f, _CMP_GT_OQ), vm16_expm1(v), v); }

static inline __m512 selu16(__m512 v) {
    __m512 neg = _mm512_mul_ps(V16(SELU_SCALE_ALPHA), vm16_expm1(v));
    return _mm512_mask_blend_ps(CMP16(v, 0.0f, _CMP_GT_OQ), neg, _mm512_mul_ps(V16(SELU_SCALE), v));
}

/* exp(-|v|) = (1 + q) 2^n, with q = -1 where -|v| < -112 (exp is 0 there)
 * so that v (1 + q) = fma(v, q, v) is 0, and NaN for v = -inf, as Keras's
 * -inf * sigmoid(-inf). */
static inline __m512 exp_neg_abs_parts16(__m512 v, __m512 *n) {
    __m512 a = vm16_neg(vm16_abs(v));
    return _mm512_mask_blend_ps(CMP16(a, -112.0f, _CMP_LT_OQ), vm16_exp_parts(a, n), V16(-1.0f));
}

/* v sigmoid(v) = v / (1 + e) for v >= 0, v e / (1 + e) below, e = exp(-|v|)
 * = (1 + q) 2^n: v e is formed as scalef(fma(v, q, v), n), one rounding
 * fewer than v * e, and precise where e alone would be subnormal
 * (v < -87.3). */
static inline __m512 silu16(__m512 v) {
    __m512 n;
    __m512 q = exp_neg_abs_parts16(v, &n);
    __m512 num = _mm512_mask_blend_ps(CMP16(v, 0.0f, _CMP_GE_OQ), _mm512_scalef_ps(_mm512_fmadd_ps(v, q, v), n), v);
    return _mm512_div_ps(num, _mm512_add_ps(V16(1.0f), _mm512_scalef_ps(_mm512_add_ps(q, V16(1.0f)), n)));
}

static inline __m512 log_sigmoid16(__m512 v) { return vm16_neg(vm16_softplus(vm16_neg(v))); }

/* 0.5 v (1 + erf(v / sqrt 2)), with erf(-z) = -erf(z). */
static inline __m512 gelu16(__m512 v) {
    __m512 e = vm16_erf_pos(_mm512_mul_ps(vm16_abs(v), V16(INV_SQRT2)));
    __m512 h = _mm512_mask_sub_ps(_mm512_add_ps(V16(1.0f), e), CMP16(v, 0.0f, _CMP_LT_OQ), V16(1.0f), e);
    return _mm512_mul_ps(_mm512_mul_ps(V16(0.5f), v), h);
}

static inline __m512 tanh_shrink16(__m512 v) { return _mm512_sub_ps(v, vm16_tanh(v)); }

/* v tanh(softplus(v)) = v ((1 + w)^2 - 1) / ((1 + w)^2 + 1), w = exp(v),
 * written with t = exp(-|v|) = (1 + q) 2^n so that nothing overflows:
 * v >= 0: v (1 + 2t) / (1 + 2t + 2t^2);  v < 0: v t (t + 2) / (t (t + 2) + 2),
 * where v t (t + 2) is scalef(fma(v, q, v) (t + 2), n) as in silu16. */
static inline __m512 mish16(__m512 v) {
    __m512 n;
    __m512 q = exp_neg_abs_parts16(v, &n);
    __m512 t = _mm512_scalef_ps(_mm512_add_ps(q, V16(1.0f)), n);
    __m512 t2 = _mm512_add_ps(t, t);
    __mmask16 pos = CMP16(v, 0.0f, _CMP_GE_OQ);
    __m512 num_pos = _mm512_add_ps(t2, V16(1.0f));
    __m512 num_neg = _mm512_scalef_ps(_mm512_mul_ps(_mm512_fmadd_ps(v, q, v), _mm512_add_ps(t, V16(2.0f))), n);
    __m512 num = _mm512_mask_blend_ps(pos, num_neg, _mm512_mul_ps(v, num_pos));
    __m512 den = _mm512_mask_blend_ps(pos, _mm512_add_ps(_mm512_fmadd_ps(t, t, t2), V16(2.0f)),
                                      _mm512_fmadd_ps(t2, t, num_pos));
    return _mm512_div_ps(num, den);
}

ELEMENTWISE(relu, relu16)
ELEMENTWISE(relu6, relu6_16)
ELEMENTWISE(leaky_relu, leaky_relu16)
ELEMENTWISE(elu, elu16)
ELEMENTWISE(selu, selu16)
ELEMENTWISE(celu, elu16)
ELEMENTWISE(sigmoid, vm16_sigmoid)
ELEMENTWISE(hard_sigmoid, hard_sigmoid16)
ELEMENTWISE(sparse_sigmoid, sparse_sigmoid16)
ELEMENTWISE(log_sigmoid, log_sigmoid16)
ELEMENTWISE(silu, silu16)
ELEMENTWISE(hard_silu, hard_silu16)
ELEMENTWISE(gelu, gelu16)
ELEMENTWISE(tanh, vm16_tanh)
ELEMENTWISE(tanh_shrink, tanh_shrink16)
ELEMENTWISE(hard_tanh, hard_tanh16)
ELEMENTWISE(softplus, vm16_softplus)
ELEMENTWISE(softsign, softsign16)
ELEMENTWISE(squareplus, squareplus16)
ELEMENTWISE(sparse_plus, sparse_plus16)
ELEMENTWISE(soft_shrink, soft_shrink16)
ELEMENTWISE(hard_shrink, hard_shrink16)
ELEMENTWISE(exponential, vm16_exp)
ELEMENTWISE(mish, mish16)

/* Largest element, NaN if any element is NaN (as the scalar kernel). */
static float max_or_nan(const float *y, size_t n) {
    __m512 m = V16(-INFINITY);
    __mmask16 nan = 0;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(y + i);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        m = _mm512_max_ps(m, v);
    }
    if (i < n) {
        __m512 v = _mm512_mask_loadu_ps(V16(-INFINITY), tail_mask(n - i), y + i);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        m = _mm512_max_ps(m, v);
    }
    return nan ? NAN : _mm512_reduce_max_ps(m);
}

/* acc += the 16 lanes of e, widened to double (the scalar kernel sums in
 * double too; float lanes would lose n/16 ulps on long axes). */
static inline __m512d add_pd(__m512d acc, __m512 e) {
    acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
    return _mm512_add_pd(acc, _mm512_cvtps_pd(_mm512_extractf32x8_ps(e, 1)));
}

/* Sum of exp(y[i] - m); stores the exponentials into y when store is set. */
static double sum_exp(float *y, size_t n, float m, int store) {
    __m512 vm = V16(m);
    __m512d acc = _mm512_setzero_pd();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 e = vm16_exp(_mm512_sub_ps(_mm512_loadu_ps(y + i), vm));
        if (store) _mm512_storeu_ps(y + i, e);
        acc = add_pd(acc, e);
    }
    if (i < n) {
        __mmask16 k = tail_mask(n - i);
        __m512 e = _mm512_maskz_mov_ps(k, vm16_exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, y + i), vm)));
        if (store) _mm512_mask_storeu_ps(y + i, k, e);
        acc = add_pd(acc, e);
    }
    return _mm512_reduce_add_pd(acc);
}

void c1d_act_softmax__avx512(float *y, size_t n, float *s) {
    (void)s;
    __m512 vi = V16((float)(1.0 / sum_exp(y, n, max_or_nan(y, n), 1)));
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), vi));
    if (i < n) {
        __mmask16 k = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, y + i), vi));
    }
}

void c1d_act_log_softmax__avx512(float *y, size_t n, float *s) {
    (void)s;
    float m = max_or_nan(y, n);
    float shift = m + (float)log(sum_exp(y, n, m, 0));
    c1d_add_scalar__avx512(y, -shift, n); /* y - shift == y + -shift, exactly */
}

void c1d_glu__avx512(const float *a, const float *b, float *y, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(a + i), vm16_sigmoid(_mm512_loadu_ps(b + i))));
    if (i < n) {
        __mmask16 k = tail_mask(n - i);
        __m512 g = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, a + i), vm16_sigmoid(_mm512_maskz_loadu_ps(k, b + i)));
        _mm512_mask_storeu_ps(y + i, k, g);
    }
}
