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

/* x = n ln2 + r with n = x log2e rounded to nearest by adding and
 * subtracting 1.5 * 2^23 (exact for |x log2e| < 2^22). */
#define VM_ROUND_MAGIC 12582912.0f

/* 1 / sqrt(2), for gelu. */
#define INV_SQRT2 0.70710678118654752440f

#endif
