/* tolerance.c: error bounds for the correctness check. See tolerance.h. */
#include "tolerance.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "reference.h"

/* Rounding allowance per float32 operation chain, in units of u (the brief's
 * 8u|f(r)|; RELIABILITY.md measured k_f ~ 4 for libm-based functions). */
#define ROUND_K 8.0

double bench_tol_linear(double r, double s, size_t n) {
    return BENCH_U * fabs(r) + 4.0 * sqrt((double)n) * BENCH_U * s;
}

/* Lipschitz constants (max |f'|, measured on a 1e-4 grid over [-20, 20] and
 * rounded up) of the non-monotone activations; 0 for monotone ones. */
static double lipschitz(c1d_activation a) {
    switch (a) {
    case C1D_ACTIVATION_SILU: return 1.1;       /* 1.09984 */
    case C1D_ACTIVATION_GELU: return 1.13;      /* 1.12890 */
    case C1D_ACTIVATION_MISH: return 1.09;      /* 1.08850 */
    case C1D_ACTIVATION_HARD_SILU: return 1.5;  /* x / 3 + 1/2 at x = 3 */
    default: return 0.0;
    }
}

/* The magnitude the float32 formula rounds at: |f(r)|, plus the
 * intermediates of formulas that cancel (RELIABILITY.md item 4: tanh_shrink
 * and negative gelu round like their terms, not their result). */
static double rounding_scale(c1d_activation a, double r) {
    const double fr = fabs(ref_activation(a, r)), ar = fabs(r);
    switch (a) {
    case C1D_ACTIVATION_ELU:
    case C1D_ACTIVATION_CELU: return fr + (r < 0 ? exp(r) : 0.0);          /* exp(x) - 1 */
    case C1D_ACTIVATION_SELU: return fr + (r < 0 ? 1.7581 * exp(r) : 0.0); /* scale * alpha */
    case C1D_ACTIVATION_HARD_SIGMOID: return fr + ar / 6.0 + 0.5;          /* x / 6 + 0.5 */
    case C1D_ACTIVATION_HARD_SILU: return fr + ar * (ar / 6.0 + 0.5);
    case C1D_ACTIVATION_SPARSE_SIGMOID: return fr + (ar + 1.0) / 2.0;      /* (x + 1) / 2 */
    case C1D_ACTIVATION_SPARSE_PLUS: return fr + (ar + 1.0) * (ar + 1.0) / 4.0;
    case C1D_ACTIVATION_SOFT_SHRINK: return fr + ar + 0.5;                  /* x -+ 0.5 */
    case C1D_ACTIVATION_TANH_SHRINK: return fr + ar + fabs(tanh(r));        /* x - tanh(x) */
    case C1D_ACTIVATION_GELU: return fr + 0.5 * ar * (1.0 + fabs(erf(r / sqrt(2.0))));
    case C1D_ACTIVATION_SQUAREPLUS: return fr + (ar + sqrt(r * r + 4.0)) / 2.0;
    default: return fr;
    }
}

double bench_tol_elementwise(c1d_activation a, double r, double t) {
    double spread;
    const double L = lipschitz(a);
    if (L > 0) {
        spread = L * t;
    } else {
        const double fr = ref_activation(a, r);
        spread = fmax(fabs(ref_activation(a, r - t) - fr), fabs(ref_activation(a, r + t) - fr));
    }
    return spread + ROUND_K * BENCH_U * rounding_scale(a, r);
}

static int cmp_desc(const void *pa, const void *pb) {
    const double x = *(const double *)pa, y = *(const double *)pb;
    return (x < y) - (x > y);
}

/* softmax / log_softmax: with m = max z, e_i = exp(z_i - m) carries the
 * rounding of its argument (u|z_i - m|) plus expf's own; the sum adds
 * 4 sqrt(n) u and the p-weighted mean E of its terms' argument errors. A
 * drift d_j of the inputs moves softmax_i by p_i (d_i + sum_j p_j d_j) and
 * log_softmax_i by d_i + sum_j p_j d_j (first order). */
static void tol_softmax(c1d_activation a, const double *z, const double *drift, size_t n, const double *y,
                        double *tol) {
    double m = -INFINITY, sum = 0.0, e_mean = 0.0, d_mean = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, z[i]);
    for (size_t i = 0; i < n; i++) sum += exp(z[i] - m);
    for (size_t i = 0; i < n; i++) {
        const double p = exp(z[i] - m) / sum;
        e_mean += p * fabs(z[i] - m);
        d_mean += p * drift[i];
    }
    const double sum_rel = BENCH_U * (e_mean + 4.0 * sqrt((double)n) + ROUND_K);
    for (size_t i = 0; i < n; i++) {
        const double arg = BENCH_U * fabs(z[i] - m), moved = drift[i] + d_mean;
        if (a == C1D_ACTIVATION_SOFTMAX)
            tol[i] = fabs(y[i]) * (arg + sum_rel + ROUND_K * BENCH_U + moved);
        else /* (z - m) - log(sum): absolute errors add */
            tol[i] = arg + sum_rel + ROUND_K * BENCH_U * (fabs(log(sum)) + fabs(y[i])) + moved;
    }
}

/* sparsemax as Keras computes it: tau = (sum of the support's cumulative
 * sums - 1) / k. Each cumulative sum c_j carries ~4 sqrt(j) u times the sum
 * of the magnitudes it adds, and their sum as much again; a drift of the
 * inputs moves tau by at most its largest value (tau averages them). y =
 * max(z - tau, 0) then moves by the error in z - tau plus its rounding. */
static int tol_sparsemax(const double *z, const double *drift, size_t n, const double *y, double *tol) {
    double *srt = malloc(n * sizeof *srt);
    if (!srt) return -1;
    double drift_max = 0.0;
    for (size_t i = 0; i < n; i++) {
        srt[i] = z[i];
        drift_max = fmax(drift_max, drift[i]);
    }
    qsort(srt, n, sizeof *srt, cmp_desc);
    double c = 0.0, c_abs = 0.0, csum = 0.0, csum_abs = 0.0, k = 0.0;
    for (size_t j = 1; j <= n; j++) {
        c += srt[j - 1];
        c_abs += fabs(srt[j - 1]);
        if (srt[j - 1] - (c - 1.0) / (double)j > 0) {
            csum += c;
            csum_abs += c_abs;
            k += 1.0;
        }
    }
    free(srt);
    const double tau = (csum - 1.0) / k;
    const double tau_err =
        BENCH_U * (8.0 * sqrt((double)n) * (csum_abs + 1.0) / k + ROUND_K * fabs(tau)) + drift_max;
    for (size_t i = 0; i < n; i++) {
        const double d = z[i] - tau, e = tau_err + drift[i] + BENCH_U * fabs(d);
        tol[i] = fmax(fmax(d + e, 0.0) - fmax(d, 0.0), fmax(d, 0.0) - fmax(d - e, 0.0)) +
                 ROUND_K * BENCH_U * fabs(y[i]);
    }
    return 0;
}

/* glu: y_i = a * sigmoid(b) with a = z_i, b = z_{i + n/2}: a few roundings
 * relative to y, and a drift moves y by s d_a + |a| s (1 - s) d_b. */
static void tol_glu(const double *z, const double *drift, size_t n, const double *y, double *tol) {
    const size_t h = n / 2;
    for (size_t i = 0; i < h; i++) {
        const double s = 1.0 / (1.0 + exp(-z[i + h]));
        tol[i] = ROUND_K * BENCH_U * fabs(y[i]) + s * drift[i] + fabs(z[i]) * s * (1.0 - s) * drift[i + h];
    }
}

int bench_tol_axis(c1d_activation a, const double *z, const double *drift, size_t n, const double *y,
                   double *tol) {
    if (a == C1D_ACTIVATION_SPARSEMAX) return tol_sparsemax(z, drift, n, y, tol);
    if (a == C1D_ACTIVATION_GLU)
        tol_glu(z, drift, n, y, tol);
    else
        tol_softmax(a, z, drift, n, y, tol);
    return 0;
}

double bench_error_ratio(double got, double want, double tol) {
    if (isnan(got) || isnan(want)) return isnan(got) && isnan(want) ? 0.0 : DBL_MAX;
    if (isinf(got) || isinf(want)) return got == want ? 0.0 : DBL_MAX;
    const double diff = fabs(got - want);
    if (diff == 0.0) return 0.0;
    if (!(tol > 0.0)) return DBL_MAX;
    const double ratio = diff / tol;
    return ratio < DBL_MAX ? ratio : DBL_MAX;
}
