/* vecmath_coef.h: the constants and polynomial coefficients the vector
 * math of kernels/avx2/vecmath_avx2.h and kernels/avx512/vecmath_avx512.h
 * share (one table, so the two ISAs keep giving bitwise identical results).
 *
 * The polynomial coefficients are weighted minimax fits made offline with
 * numpy (Lawson's iteratively reweighted least squares on a 40001-point grid,
 * each coefficient rounded to float32 in turn, lowest order first, and the
 * remaining ones refitted); their own error is stated at each table. The
 * measured error of each activation built on them is in the epilogue files.
 */
#ifndef C1D_VECMATH_COEF_H
#define C1D_VECMATH_COEF_H

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

/* erf(z) for 0 <= z < VM_ERF_ONE, in 4 pieces of width 1: piece i covers
 * [i, i + 1) and is a degree-8 polynomial in t = z - centre[i] (piece 0 is
 * centred on 0 with a zero constant term, so that t = z exactly and
 * erf(0) = 0). Four pieces, so that one in-lane vpermilps looks a
 * coefficient up for every lane (the 8 cross-lane lookups of the former
 * 8 pieces of width 0.5 were gelu's bottleneck on Zen 3). Fit error (with
 * the float32 coefficients, in double) at most 2.9e-8, set by the rounding
 * of the constant terms near 1; evaluated in float32 Horner, 9.5e-8. From
 * VM_ERF_ONE = 3.919206 on, erf(z) rounds to 1.0f. Made with /usr/bin/python3
 * + numpy as the other fits (Lawson, 4000 Chebyshev points per piece). */
#define VM_ERF_ONE 3.919206f
static const float vm_erf_centre[4] = {0.0f, 1.5f, 2.5f, 3.5f};
static const float vm_erf_coef[9][4] = {
    {0.000000000e+00f, 9.661051631e-01f, 9.995930195e-01f, 9.999992847e-01f},
    {1.128380537e+00f, 1.189302579e-01f, 2.178284340e-03f, 5.399378097e-06f},
    {-3.913091132e-05f, -1.783960462e-01f, -5.442289170e-03f, -2.239692731e-05f},
    {-3.757573366e-01f, 1.387589127e-01f, 8.349808864e-03f, 4.220908522e-05f},
    {-1.561090001e-03f, -4.459238052e-02f, -8.687648922e-03f, 2.019972953e-06f},
    {1.158458441e-01f, -1.500118617e-02f, 6.127917673e-03f, 8.513301145e-05f},
    {-1.184211578e-03f, 1.930242032e-02f, -2.400641330e-03f, -5.186722847e-04f},
    {-3.207068518e-02f, -3.902292112e-03f, 4.452617723e-04f, 4.122526661e-05f},
    {9.086881764e-03f, -2.354979515e-03f, -4.805816279e-04f, 8.159090066e-04f},
};

/* x = n ln2 + r with n = x log2e rounded to nearest by adding and
 * subtracting 1.5 * 2^23 (exact for |x log2e| < 2^22). */
#define VM_ROUND_MAGIC 12582912.0f

/* 1 / sqrt(2), for gelu. */
#define INV_SQRT2 0.70710678118654752440f

#endif
