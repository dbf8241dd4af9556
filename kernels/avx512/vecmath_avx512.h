/* vecmath_avx512.h: float32 exp, expm1, log1p, tanh, sigmoid and erf on 16
 * lanes (AVX-512F/DQ + FMA), for the epilogue kernels of this directory.
 *
 * Same algorithms, coefficients and operation order as
 * kernels/avx2/vecmath_avx2.h, so the two ISAs give bitwise identical
 * results (tests/test_kernels.c checks it). Special values: NaN in gives NaN
 * out; +-inf and overflow saturate as libm does (exp(inf) = inf,
 * exp(-inf) = 0, tanh(+-inf) = +-1); subnormal inputs and results are
 * computed, not flushed. MXCSR is never touched.
 *
 * The polynomial coefficients are weighted minimax fits made offline with
 * numpy (Lawson's iteratively reweighted least squares on a 40001-point grid,
 * each coefficient rounded to float32 in turn, lowest order first, and the
 * remaining ones refitted); their own error is stated at each table. The
 * measured error of each activation built on them is in epilogue_avx512.c.
 */
#ifndef C1D_VECMATH_AVX512_H
#define C1D_VECMATH_AVX512_H

#include <immintrin.h>

#define V16(c) _mm512_set1_ps(c)

#define VM_LOG2E 1.44269504088896341f
#define VM_LN2 0.693147180559945309f
/* ln 2 = VM_LN2_HI + VM_LN2_LO to twice float precision (Cody-Waite). */
#define VM_LN2_HI 0.693147182464599609375f
#define VM_LN2_LO -1.9046542999577e-09f

/* expm1(r) = r + r^2 Q(r) on |r| <= ln2/2; relative error of the fit
 * 4.3e-10 (2^-31.1). */
#define VM_Q0 5.000000000e-01f
#define VM_Q1 1.666666567e-01f
#define VM_Q2 4.166649282e-02f
#define VM_Q3 8.333547972e-03f
#define VM_Q4 1.393232145e-03f
#define VM_Q5 1.975977648e-04f

/* log1p(f) = f + f^2 S(f) on -0.25 <= f <= 0.5; relative error of the fit
 * 1.0e-9 (2^-29.9). */
#define VM_S0 -4.999999702e-01f
#define VM_S1 3.333333135e-01f
#define VM_S2 -2.500044107e-01f
#define VM_S3 2.000073195e-01f
#define VM_S4 -1.664931923e-01f
#define VM_S5 1.424042284e-01f
#define VM_S6 -1.272682250e-01f
#define VM_S7 1.199974269e-01f
#define VM_S8 -9.747748822e-02f
#define VM_S9 4.172043502e-02f

/* erf(z) for 0 <= z < VM_ERF_ONE, in 8 pieces of width 0.5: piece i covers
 * [0.5 i, 0.5 i + 0.5) and is a degree-7 polynomial in t = z - centre[i]
 * (piece 0 is centred on 0 so that t = z exactly and erf(0) = 0). Absolute
 * error of the fit 1.9e-8 (2^-25.6), half a float ulp of 1. From
 * VM_ERF_ONE = 3.919206 on, erf(z) rounds to 1.0f. */
#define VM_ERF_ONE 3.919206f
static const float vm_erf_centre[8] = {0.0f, 0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3.25f, 3.75f};
static const float vm_erf_coef[8][8] = {
    {0.000000000e+00f, 7.111556530e-01f, 9.229001403e-01f, 9.866716862e-01f, 9.985373020e-01f,
     9.998993874e-01f, 9.999957085e-01f, 9.999998808e-01f},
    {1.128379345e+00f, 6.429310441e-01f, 2.365211248e-01f, 5.277499557e-02f, 7.142318878e-03f,
     5.862772232e-04f, 2.918902464e-05f, 8.814326407e-07f},
    {-9.171790225e-06f, -4.822037518e-01f, -2.956551015e-01f, -9.236051142e-02f, -1.607551798e-02f,
     -1.614933251e-03f, -9.809928451e-05f, -3.288500636e-07f},
    {-3.759696484e-01f, 2.679112926e-02f, 1.675355732e-01f, 9.015735984e-02f, 2.172455192e-02f,
     2.760387724e-03f, 1.958109497e-04f, 1.117143256e-05f},
    {-1.249612425e-03f, 1.509131491e-01f, -5.986708682e-03f, -4.792199284e-02f, -1.886004023e-02f,
     -3.143995302e-03f, -1.483973756e-04f, -2.573368256e-04f},
    {1.180434674e-01f, -5.329191312e-02f, -4.717762768e-02f, 6.619342603e-03f, 1.065895706e-02f,
     2.756084315e-03f, 3.136768646e-04f, -4.905506503e-04f},
    {-1.133799460e-02f, -2.910977975e-02f, 1.903375238e-02f, 7.093980908e-03f, -5.210622214e-03f,
     -2.880687593e-03f, -1.743135392e-03f, 5.107368808e-03f},
    {-1.598698273e-02f, 1.848167740e-02f, 3.671878483e-03f, -5.940421484e-03f, -7.126791752e-04f,
     6.374606746e-04f, 1.732114470e-04f, 1.514230203e-02f},
};

static inline __m512 vm16_abs(__m512 x) { return _mm512_abs_ps(x); }

static inline __m512 vm16_neg(__m512 x) { return _mm512_xor_ps(x, V16(-0.0f)); }

/* expm1(r) for |r| <= ln2/2 (approximately: n is rounded from x * log2e). */
static inline __m512 vm16_expm1_small(__m512 r) {
    __m512 q = V16(VM_Q5);
    q = _mm512_fmadd_ps(q, r, V16(VM_Q4));
    q = _mm512_fmadd_ps(q, r, V16(VM_Q3));
    q = _mm512_fmadd_ps(q, r, V16(VM_Q2));
    q = _mm512_fmadd_ps(q, r, V16(VM_Q1));
    q = _mm512_fmadd_ps(q, r, V16(VM_Q0));
    return _mm512_fmadd_ps(_mm512_mul_ps(r, r), q, r);
}

/* x = n ln2 + r with n integral (returned as float) and |r| <= ln2/2. n is
 * rounded to nearest by adding and subtracting 1.5 * 2^23 (exact for
 * |x log2e| < 2^22; callers clamp x to [-112, 89]); roundscale would do the
 * same but its -O0 macro form trips -Wsign-conversion. */
#define VM_ROUND_MAGIC 12582912.0f
static inline __m512 vm16_reduce(__m512 x, __m512 *n) {
    __m512 t = _mm512_add_ps(_mm512_mul_ps(x, V16(VM_LOG2E)), V16(VM_ROUND_MAGIC));
    *n = _mm512_sub_ps(t, V16(VM_ROUND_MAGIC));
    __m512 r = _mm512_fnmadd_ps(*n, V16(VM_LN2_HI), x);
    return _mm512_fnmadd_ps(*n, V16(VM_LN2_LO), r);
}

/* exp(x) = (1 + q) 2^n with q = expm1(r) in [-0.3, 0.42] and n integral
 * (as float), for x clamped to [-112, 89] (max/min return their second
 * operand for NaN, so NaN passes and gives a NaN q). Callers that multiply
 * exp(x) by v can form v (1 + q) = fma(v, q, v) with a single rounding. */
static inline __m512 vm16_exp_parts(__m512 x, __m512 *n) {
    x = _mm512_min_ps(V16(89.0f), _mm512_max_ps(V16(-112.0f), x));
    return vm16_expm1_small(vm16_reduce(x, n));
}

/* exp(x): below -104 it rounds to 0, above 89 scalef overflows to inf;
 * subnormal results take a single rounding after 1 + q. */
static inline __m512 vm16_exp(__m512 x) {
    __m512 n;
    __m512 q = vm16_exp_parts(x, &n);
    return _mm512_scalef_ps(_mm512_add_ps(q, V16(1.0f)), n);
}

/* expm1(x) = 2^n (1 + expm1(r)) - 1 = t expm1(r) + (t - 1), t = 2^n, which
 * is exactly expm1(r) when n = 0 (so tiny and subnormal x give x). x is
 * clamped to [-30, 30]: below, the result is -1.0f; callers need no more
 * than 20 above (tanh) or never use the positive side (elu, selu, celu). */
static inline __m512 vm16_expm1(__m512 x) {
    x = _mm512_min_ps(V16(30.0f), _mm512_max_ps(V16(-30.0f), x));
    __m512 n;
    __m512 r = vm16_reduce(x, &n);
    __m512 t = _mm512_scalef_ps(V16(1.0f), n);
    return _mm512_fmadd_ps(t, vm16_expm1_small(r), _mm512_sub_ps(t, V16(1.0f)));
}

/* log1p(e) for e in [0, 1] (or NaN): f = e, or (e - 1) / 2 (exact) plus
 * ln 2 when e >= 0.5, so that f stays in [-0.25, 0.5). */
static inline __m512 vm16_log1p_unit(__m512 e) {
    __mmask16 big = _mm512_cmp_ps_mask(e, V16(0.5f), _CMP_GE_OQ);
    __m512 f = _mm512_mask_mul_ps(e, big, _mm512_sub_ps(e, V16(1.0f)), V16(0.5f));
    __m512 s = V16(VM_S9);
    s = _mm512_fmadd_ps(s, f, V16(VM_S8));
    s = _mm512_fmadd_ps(s, f, V16(VM_S7));
    s = _mm512_fmadd_ps(s, f, V16(VM_S6));
    s = _mm512_fmadd_ps(s, f, V16(VM_S5));
    s = _mm512_fmadd_ps(s, f, V16(VM_S4));
    s = _mm512_fmadd_ps(s, f, V16(VM_S3));
    s = _mm512_fmadd_ps(s, f, V16(VM_S2));
    s = _mm512_fmadd_ps(s, f, V16(VM_S1));
    s = _mm512_fmadd_ps(s, f, V16(VM_S0));
    __m512 y = _mm512_fmadd_ps(_mm512_mul_ps(f, f), s, f);
    return _mm512_mask_add_ps(y, big, y, V16(VM_LN2));
}

/* softplus(x) = max(x, 0) + log1p(exp(-|x|)) (Keras's logaddexp(x, 0)). */
static inline __m512 vm16_softplus(__m512 x) {
    __m512 e = vm16_exp(vm16_neg(vm16_abs(x)));
    return _mm512_add_ps(_mm512_max_ps(_mm512_setzero_ps(), x), vm16_log1p_unit(e));
}

/* tanh(x) = sign(x) e / (e + 2), e = expm1(2|x|): no cancellation at any x;
 * 2|x| is clamped to 20, where tanh already rounds to 1. */
static inline __m512 vm16_tanh(__m512 x) {
    __m512 a = vm16_abs(x);
    __m512 e = vm16_expm1(_mm512_min_ps(V16(20.0f), _mm512_add_ps(a, a)));
    __m512 t = _mm512_div_ps(e, _mm512_add_ps(e, V16(2.0f)));
    return _mm512_or_ps(t, _mm512_and_ps(x, V16(-0.0f)));
}

/* sigmoid(x) = 1 / (1 + e) for x >= 0, e / (1 + e) below, e = exp(-|x|):
 * exp never overflows, so sigmoid(-inf) = 0 and sigmoid(-100) is the true
 * subnormal value rather than 1 / (1 + inf). */
static inline __m512 vm16_sigmoid(__m512 x) {
    __m512 e = vm16_exp(vm16_neg(vm16_abs(x)));
    __mmask16 pos = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    __m512 num = _mm512_mask_blend_ps(pos, e, V16(1.0f));
    return _mm512_div_ps(num, _mm512_add_ps(V16(1.0f), e));
}

/* erf(z) for z >= 0 or NaN (piecewise polynomial, see vm_erf_coef). The
 * clamp keeps the piece index in 0..7; NaN gives index 0 and a NaN t. */
static inline __m512 vm16_erf_pos(__m512 z) {
    __m512 zc = _mm512_min_ps(V16(VM_ERF_ONE), z);
    __m512i i = _mm512_cvttps_epi32(_mm512_add_ps(zc, zc));
    __m512 t = _mm512_sub_ps(zc, _mm512_permutexvar_ps(i, _mm512_zextps256_ps512(_mm256_loadu_ps(vm_erf_centre))));
#define VM16_ERF_C(k) _mm512_permutexvar_ps(i, _mm512_zextps256_ps512(_mm256_loadu_ps(vm_erf_coef[k])))
    __m512 p = VM16_ERF_C(7);
    p = _mm512_fmadd_ps(p, t, VM16_ERF_C(6));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_C(5));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_C(4));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_C(3));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_C(2));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_C(1));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_C(0));
#undef VM16_ERF_C
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(z, V16(VM_ERF_ONE), _CMP_GE_OQ), p, V16(1.0f));
}

#endif
