/* vecmath_avx2.h: float32 exp, expm1, log1p, tanh, sigmoid and erf on 8
 * lanes (AVX2 + FMA), for the epilogue kernels of this directory.
 *
 * Same algorithms, coefficients (kernels/vecmath_coef.h) and operation
 * order as kernels/avx512/vecmath_avx512.h, so the two ISAs give bitwise identical results
 * (tests/test_kernels.c checks it): where AVX-512 has scalef, 2^n is built
 * from the exponent bits, split in two factors for exp so that overflow,
 * underflow and subnormal results still take a single rounding. Special
 * values: NaN in gives NaN out; +-inf and overflow saturate as libm does;
 * subnormals are computed, not flushed. MXCSR is never touched.
 */
#ifndef C1D_VECMATH_AVX2_H
#define C1D_VECMATH_AVX2_H

#include <immintrin.h>
#include <stdbool.h>

#include "vecmath_coef.h"

#define V8(c) _mm256_set1_ps(c)

static inline __m256 vm8_abs(__m256 x) { return _mm256_andnot_ps(V8(-0.0f), x); }

static inline __m256 vm8_neg(__m256 x) { return _mm256_xor_ps(x, V8(-0.0f)); }

/* Lanes where a `pred` b, as a blend mask (a macro: pred must stay an
 * immediate even at -O0). */
#define VM8_CMP(a, b, pred) _mm256_cmp_ps((a), V8(b), (pred))

/* 2^k for integral k in [-126, 127], from the exponent bits. */
static inline __m256 vm8_pow2i(__m256i k) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k, _mm256_set1_epi32(127)), 23));
}

static inline __m256 vm8_expm1_small(__m256 r) {
    __m256 q = V8(VM_Q5);
    q = _mm256_fmadd_ps(q, r, V8(VM_Q4));
    q = _mm256_fmadd_ps(q, r, V8(VM_Q3));
    q = _mm256_fmadd_ps(q, r, V8(VM_Q2));
    q = _mm256_fmadd_ps(q, r, V8(VM_Q1));
    q = _mm256_fmadd_ps(q, r, V8(VM_Q0));
    return _mm256_fmadd_ps(_mm256_mul_ps(r, r), q, r);
}

/* x = n ln2 + r, n rounded to nearest with VM_ROUND_MAGIC, as in
 * vecmath_avx512.h. */
static inline __m256 vm8_reduce(__m256 x, __m256 *n) {
    __m256 t = _mm256_add_ps(_mm256_mul_ps(x, V8(VM_LOG2E)), V8(VM_ROUND_MAGIC));
    *n = _mm256_sub_ps(t, V8(VM_ROUND_MAGIC));
    __m256 r = _mm256_fnmadd_ps(*n, V8(VM_LN2_HI), x);
    return _mm256_fnmadd_ps(*n, V8(VM_LN2_LO), r);
}

/* v 2^n for integral n in [-162, 128] (as float), rounded once as AVX-512's
 * scalef: n = n1 + n2 with both in [-81, 64], so v 2^n1 is exact whenever
 * it is a normal number (true at every call site: |v| >= 0.24 unless n is 0
 * or -1) and only the second product rounds. For a NaN n the integer is
 * garbage, but then v is NaN too at every call site. */
static inline __m256 vm8_scalef(__m256 v, __m256 n) {
    __m256i k = _mm256_cvtps_epi32(n);
    __m256i k1 = _mm256_srai_epi32(k, 1);
    return _mm256_mul_ps(_mm256_mul_ps(v, vm8_pow2i(k1)), vm8_pow2i(_mm256_sub_epi32(k, k1)));
}

/* exp(x) = (1 + q) 2^n, x clamped to [-112, 89] (NaN passes). */
static inline __m256 vm8_exp_parts(__m256 x, __m256 *n) {
    x = _mm256_min_ps(V8(89.0f), _mm256_max_ps(V8(-112.0f), x));
    return vm8_expm1_small(vm8_reduce(x, n));
}

static inline __m256 vm8_exp(__m256 x) {
    __m256 n;
    __m256 q = vm8_exp_parts(x, &n);
    return vm8_scalef(_mm256_add_ps(q, V8(1.0f)), n);
}

/* expm1(x) = t expm1(r) + (t - 1), t = 2^n; x clamped to [-30, 30]. */
static inline __m256 vm8_expm1(__m256 x) {
    x = _mm256_min_ps(V8(30.0f), _mm256_max_ps(V8(-30.0f), x));
    __m256 n;
    __m256 r = vm8_reduce(x, &n);
    __m256 t = vm8_pow2i(_mm256_cvtps_epi32(n));
    return _mm256_fmadd_ps(t, vm8_expm1_small(r), _mm256_sub_ps(t, V8(1.0f)));
}

/* log1p(e) for e in [0, 1] (or NaN). */
static inline __m256 vm8_log1p_unit(__m256 e) {
    __m256 big = VM8_CMP(e, 0.5f, _CMP_GE_OQ);
    __m256 f = _mm256_blendv_ps(e, _mm256_mul_ps(_mm256_sub_ps(e, V8(1.0f)), V8(0.5f)), big);
    __m256 s = V8(VM_S9);
    s = _mm256_fmadd_ps(s, f, V8(VM_S8));
    s = _mm256_fmadd_ps(s, f, V8(VM_S7));
    s = _mm256_fmadd_ps(s, f, V8(VM_S6));
    s = _mm256_fmadd_ps(s, f, V8(VM_S5));
    s = _mm256_fmadd_ps(s, f, V8(VM_S4));
    s = _mm256_fmadd_ps(s, f, V8(VM_S3));
    s = _mm256_fmadd_ps(s, f, V8(VM_S2));
    s = _mm256_fmadd_ps(s, f, V8(VM_S1));
    s = _mm256_fmadd_ps(s, f, V8(VM_S0));
    __m256 y = _mm256_fmadd_ps(_mm256_mul_ps(f, f), s, f);
    return _mm256_blendv_ps(y, _mm256_add_ps(y, V8(VM_LN2)), big);
}

static inline __m256 vm8_softplus(__m256 x) {
    __m256 e = vm8_exp(vm8_neg(vm8_abs(x)));
    return _mm256_add_ps(_mm256_max_ps(_mm256_setzero_ps(), x), vm8_log1p_unit(e));
}

static inline __m256 vm8_tanh(__m256 x) {
    __m256 a = vm8_abs(x);
    __m256 e = vm8_expm1(_mm256_min_ps(V8(20.0f), _mm256_add_ps(a, a)));
    __m256 t = _mm256_div_ps(e, _mm256_add_ps(e, V8(2.0f)));
    return _mm256_or_ps(t, _mm256_and_ps(x, V8(-0.0f)));
}

/* The fast route of sigmoid and silu, for vectors whose lanes are all >=
 * VM_NORMAL_FLOOR (or +inf; vm8_all_normal_exp tells): exp(-|x|) = (1 + q) t
 * with t = 2^n a normal float (n >= -125), so every scaling by t is one
 * exact product, the same bits as vm8_scalef's split at less work. -|x| is
 * clamped at the floor instead of -112: above -VM_NORMAL_FLOOR both give
 * 1 + exp(-|x|) == 1. NaN lanes fail the test and take the wide route. */
#define VM_NORMAL_FLOOR -86.0f
static inline bool vm8_all_normal_exp(__m256 x) {
    return _mm256_movemask_ps(VM8_CMP(x, VM_NORMAL_FLOOR, _CMP_GE_OQ)) == 0xff;
}
static inline __m256 vm8_exp_neg_abs_normal(__m256 x, __m256 *t) {
    __m256 n;
    __m256 q = vm8_expm1_small(vm8_reduce(_mm256_max_ps(V8(VM_NORMAL_FLOOR), vm8_neg(vm8_abs(x))), &n));
    *t = vm8_pow2i(_mm256_cvtps_epi32(n));
    return q;
}

/* e = exp(-|x|); e / (1 + e) below 0, 1 / (1 + e) above; e from
 * vm8_exp_neg_abs_normal when it applies, from vm8_exp otherwise.
 * Measured in L1 (inputs uniform in [-10, 10]): 1.38 -> 1.66 Gelem/s. */
static inline __m256 vm8_sigmoid(__m256 x) {
    __m256 e;
    if (vm8_all_normal_exp(x)) {
        __m256 t;
        __m256 q = vm8_exp_neg_abs_normal(x, &t);
        e = _mm256_mul_ps(_mm256_add_ps(q, V8(1.0f)), t);
    } else {
        e = vm8_exp(vm8_neg(vm8_abs(x)));
    }
    __m256 num = _mm256_blendv_ps(e, V8(1.0f), VM8_CMP(x, 0.0f, _CMP_GE_OQ));
    return _mm256_div_ps(num, _mm256_add_ps(V8(1.0f), e));
}

static inline __m256 vm8_erf_pos(__m256 z) {
    __m256 zc = _mm256_min_ps(V8(VM_ERF_ONE), z);
    __m256i i = _mm256_cvttps_epi32(zc); /* the piece, 0 .. 3 (NaN: 0, the result is NaN anyway) */
#define VM8_ERF_LOOKUP(table) _mm256_permutevar_ps(_mm256_broadcast_ps((const __m128 *)(table)), i)
    __m256 t = _mm256_sub_ps(zc, VM8_ERF_LOOKUP(vm_erf_centre));
    __m256 p = VM8_ERF_LOOKUP(vm_erf_coef[8]);
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[7]));
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[6]));
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[5]));
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[4]));
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[3]));
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[2]));
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[1]));
    p = _mm256_fmadd_ps(p, t, VM8_ERF_LOOKUP(vm_erf_coef[0]));
#undef VM8_ERF_LOOKUP
    return _mm256_blendv_ps(p, V8(1.0f), VM8_CMP(z, VM_ERF_ONE, _CMP_GE_OQ));
}

#endif
