/* tolerance.h: how far c1d's float32 output may be from the double
 * reference (RELIABILITY.md "Tolerance", tier 2 and the activation rule of
 * item 4). u = 2^-24 throughout. */
#ifndef C1D_BENCH_TOLERANCE_H
#define C1D_BENCH_TOLERANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "c1d.h"

#define BENCH_U 0x1.0p-24

/* Pre-activation tolerance: u*|r| + 4*sqrt(n)*u*S, with r the reference, S
 * = |b| + sum |w*x| and n the number of terms (taps, +1 with a bias). */
double bench_tol_linear(double r, double s, size_t n);

/* Tolerance of y = f(z) for an elementwise activation, given the reference
 * pre-activation r and its tolerance t: max(|f(r-t)-f(r)|, |f(r+t)-f(r)|)
 * for monotone f, L*t for the non-monotone ones (silu, gelu, mish,
 * hard_silu) with L their Lipschitz constant, plus a rounding term 8u times
 * |f(r)| and the magnitude of the formula's intermediates where it cancels. */
double bench_tol_elementwise(c1d_activation a, double r, double t);

/* Tolerances of an axis-wise activation computed by c1d in float32 from its
 * own pre-activation, against y = the reference activation of z, where z
 * (n values of one axis, widened to double) is c1d's pre-activation from a
 * linear twin of the layer. c1d's activated call may compute its own
 * pre-activation in another summation order, so each z_i may drift by up
 * to drift[i] (twice its tier-2 tolerance: both are within one tolerance of
 * the exact value); the first-order effect of that drift is added to the
 * float32 formulas' error (exp's argument rounding, the sum's 4*sqrt(n)*u,
 * a few u for each final operation). Writes one tolerance per element of y
 * (n values, n / 2 for glu) into tol. Returns 0, or -1 if out of memory. */
int bench_tol_axis(c1d_activation a, const double *z, const double *drift, size_t n, const double *y,
                   double *tol);

/* |got - want| / tol, with RELIABILITY.md's non-finite rules (NaN matches
 * only NaN, an infinity only itself): 0 for an exact match, DBL_MAX for a
 * mismatch that no tolerance covers. */
double bench_error_ratio(double got, double want, double tol);

#endif
