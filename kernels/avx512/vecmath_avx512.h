/* vecmath_avx512.h: float32 exp, expm1, log1p, tanh, sigmoid and erf on 16
 * lanes (AVX-512F/DQ + FMA), for the epilogue kernels of this directory.
 *
 * Same algorithms, coefficients and operation order as
 * kernels/avx2/vecmath_avx2.h, so the two ISAs give bitwise identical
 * results (tests/test_kernels.c checks it). Special values: NaN in gives NaN
 * out; +-inf and overflow saturate as libm does (exp(inf) = inf,
 * exp(-inf) = 0, tanh(+-inf) = +-1); subnormal inputs and results are
 * computed, not flushed. MXCSR is never touched.
 * The constants and coefficients (and how they were made) are in
 * kernels/vecmath_coef.h; the measured error of each activation built on
 * them is in epilogue_avx512.c.
 */
#ifndef C1D_VECMATH_AVX512_H
#define C1D_VECMATH_AVX512_H

#include <immintrin.h>

#include "vecmath_coef.h"

#define V16(c) _mm512_set1_ps(c)

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
 * rounded to nearest with VM_ROUND_MAGIC (callers clamp x to [-112, 89]);
 * roundscale would do the same but its -O0 macro form trips
 * -Wsign-conversion. */
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
    __m512i i = _mm512_cvttps_epi32(zc); /* the piece, 0 .. 3 (NaN: garbage index, the result is NaN anyway) */
#define VM16_ERF_LOOKUP(table) _mm512_permutevar_ps(_mm512_broadcast_f32x4(_mm_loadu_ps(table)), i)
    __m512 t = _mm512_sub_ps(zc, VM16_ERF_LOOKUP(vm_erf_centre));
    __m512 p = VM16_ERF_LOOKUP(vm_erf_coef[8]);
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[7]));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[6]));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[5]));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[4]));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[3]));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[2]));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[1]));
    p = _mm512_fmadd_ps(p, t, VM16_ERF_LOOKUP(vm_erf_coef[0]));
#undef VM16_ERF_LOOKUP
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(z, V16(VM_ERF_ONE), _CMP_GE_OQ), p, V16(1.0f));
}

#endif
