/* test_util.c: see test_util.h. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

#define U 5.9604644775390625e-8 /* 2^-24 */

uint64_t tu_next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void tu_fill_uniform(float *x, size_t n, uint64_t *s, float lo, float hi) {
    for (size_t i = 0; i < n; i++) {
        double u01 = (double)(tu_next(s) >> 11) * 0x1.0p-53;
        x[i] = (float)(lo + (hi - lo) * u01);
    }
}

void tu_fill_int(float *x, size_t n, uint64_t *s, int lo, int hi) {
    for (size_t i = 0; i < n; i++) x[i] = (float)(lo + (int)(tu_next(s) % (uint64_t)(hi - lo + 1)));
}

static const uint32_t canary_bits = 0x7FA5C0DEu; /* a signalling-NaN pattern no kernel produces */

float *tu_canary_alloc(size_t n) {
    float *p = malloc((n + TU_GUARD) * sizeof(float));
    for (size_t i = 0; i < n + TU_GUARD; i++) memcpy(p + i, &canary_bits, sizeof canary_bits);
    return p;
}

bool tu_is_canary(const float *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v == canary_bits;
}

bool tu_canary_intact(const float *p, size_t n) {
    for (size_t i = 0; i < n + TU_GUARD; i++)
        if (!tu_is_canary(p + i)) return false;
    return true;
}

bool tu_guard_intact(const float *p, size_t n) {
    for (size_t i = n; i < n + TU_GUARD; i++)
        if (!tu_is_canary(p + i)) return false;
    return true;
}

c1d_path tu_forced_path = C1D_PATH_AUTO;

float *tu_run(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, const float *x, const float *w,
              const float *b, size_t *out_elems) {
    c1d_conv *conv = NULL;
    size_t shape[3];
    if (c1d_conv_create(cfg, c_in, &conv) != C1D_OK) return NULL;
    float *y = NULL;
    c1d_status forced = c1d_conv_set_path(conv, tu_forced_path);
    if (forced != C1D_OK && forced != C1D_UNSUPPORTED) {
        c1d_conv_destroy(conv);
        return NULL;
    }
    if (c1d_conv_set_kernel(conv, w, cfg->kernel_size, c_in / cfg->groups, cfg->filters) == C1D_OK &&
        (!b || c1d_conv_set_bias(conv, b, cfg->filters) == C1D_OK) &&
        c1d_conv_output_shape(conv, batch, steps, shape) == C1D_OK) {
        *out_elems = shape[0] * shape[1] * shape[2];
        y = tu_canary_alloc(*out_elems);
        if (c1d_conv_forward(conv, batch, steps, x, y, NULL, 0) != C1D_OK || !tu_guard_intact(y, *out_elems)) {
            free(y);
            y = NULL;
        }
    }
    c1d_conv_destroy(conv);
    return y;
}

/* Tolerance of y = f(r) given the pre-activation tolerance t (item 4). A
 * negative result means "any value is acceptable" (r within t of a jump). */
static double activation_tolerance(c1d_activation a, double r, double t) {
    double fr = ref_activation(a, r);
    double dev;
    if (a == C1D_ACTIVATION_HARD_SHRINK) {
        if (fabs(fabs(r) - 0.5) <= t) return -1.0;
        dev = t;
    } else if (ref_activation_is_monotone(a)) {
        dev = fmax(fabs(ref_activation(a, r - t) - fr), fabs(ref_activation(a, r + t) - fr));
    } else {
        dev = ref_activation_lipschitz(a) * t;
    }
    double kf = ref_activation_is_exact(a) ? 0.0 : 8.0;
    return dev + kf * U * (fabs(fr) + fabs(r) + 1.0);
}

/* Compares one element; NaN must meet NaN, infinities must match exactly. */
static void compare(tu_report *rep, size_t i, double got, double want, double tol, const char *what) {
    rep->checked++;
    bool ok;
    double ratio = 0.0;
    if (tol < 0) return;
    if (isnan(want) || isnan(got) || isinf(want) || isinf(got)) {
        ok = (isnan(want) && isnan(got)) || (!isnan(want) && got == want);
    } else {
        double err = fabs(got - want);
        ratio = tol > 0 ? err / tol : (err == 0 ? 0.0 : INFINITY);
        ok = err <= tol;
        if (ratio > rep->worst_ratio) rep->worst_ratio = ratio;
    }
    if (!ok && rep->failures++ == 0)
        snprintf(rep->first_failure, sizeof rep->first_failure,
                 "%s element %zu: got %.9g, expected %.9g, tolerance %.3g", what, i, got, want, tol);
}

static double pre_tolerance(double r, double mag, size_t n) { return U * fabs(r) + 4.0 * sqrt((double)n) * U * mag; }

/* Axis-wise activations, element by element against the reference on z:
 * - softmax, log_softmax, glu: the pre-activation tolerances t propagated
 *   (softmax moves by at most y (e^{2 max t} - 1), log_softmax by 2 max t,
 *   glu a sigmoid(b) by sigmoid(b) t_a + |a| t_b / 4), plus rounding;
 * - sparsemax, whose Keras form jumps when the support changes: against the
 *   reference applied to c1d's own pre-activation `pre` (the linear twin,
 *   itself checked, computed on the same tiles), rounding only. */
static void check_axiswise(const c1d_config *cfg, size_t batch, size_t l_out, const double *z, const double *t,
                           const float *pre, const float *got, tu_report *rep) {
    const size_t F = cfg->filters, total = batch * l_out * F;
    const c1d_activation a = cfg->activation;
    double *zz = malloc(total * sizeof *zz), *y = malloc(total * sizeof *y);
    for (size_t i = 0; i < total; i++) zz[i] = a == C1D_ACTIVATION_SPARSEMAX ? (double)pre[i] : z[i];
    ref_activate(cfg, batch, l_out, zz, y);
    const bool cl = cfg->data_format == C1D_CHANNELS_LAST;
    const size_t axis = cl ? F : l_out, lines = total / axis;
    const size_t out_axis = a == C1D_ACTIVATION_GLU ? axis / 2 : axis;
    for (size_t line = 0; line < lines; line++) {
        const double *zl = zz + line * axis, *tl = t + line * axis;
        double mx = -INFINITY, tmax = 0, sum = 0;
        for (size_t i = 0; i < axis; i++) {
            mx = fmax(mx, zl[i]);
            tmax = fmax(tmax, tl[i]);
        }
        for (size_t i = 0; i < axis; i++) sum += exp(zl[i] - mx);
        for (size_t i = 0; i < out_axis; i++) {
            size_t o = line * out_axis + i;
            double want = y[o], tol;
            switch (a) {
            case C1D_ACTIVATION_SOFTMAX:
                tol = fabs(want) * (expm1(2 * tmax) + 8 * U * (1 + fabs(zl[i] - mx))) + 1e-30;
                break;
            case C1D_ACTIVATION_LOG_SOFTMAX:
                tol = 2 * tmax + 16 * U * (fabs(zl[i]) + fabs(mx) + fabs(log(sum)) + 1);
                break;
            case C1D_ACTIVATION_GLU: {
                double sb = 1 / (1 + exp(-zl[i + out_axis]));
                tol = sb * tl[i] + fabs(zl[i]) * tl[i + out_axis] / 4 + 8 * U * (fabs(want) + fabs(zl[i]));
                break;
            }
            default: /* sparsemax: y = max(z - tau, 0), tau within rounding of its double value */
                tol = 8 * U * (fabs(zl[i]) + fabs(want) + fabs(zl[i] - want) + 1);
                break;
            }
            compare(rep, o, got[o], want, tol, c1d_activation_name(a));
        }
    }
    free(zz);
    free(y);
}

bool tu_check_forward(const c1d_config *cfg, size_t c_in, size_t batch, size_t steps, const float *x,
                      const float *w, const float *b, tu_report *rep) {
    memset(rep, 0, sizeof *rep);
    size_t l_out, pad_l, n_out;
    if (!ref_output_length(cfg, steps, &l_out, &pad_l)) {
        snprintf(rep->first_failure, sizeof rep->first_failure, "reference: shape rejected");
        return false;
    }
    const size_t total = batch * l_out * cfg->filters;
    const size_t n_terms = cfg->kernel_size * (c_in / cfg->groups) + (b ? 1 : 0);
    const bool axiswise = ref_activation_is_axiswise(cfg->activation);
    c1d_config lin = *cfg;
    if (axiswise) lin.activation = C1D_ACTIVATION_LINEAR;
    float *got = tu_run(&lin, c_in, batch, steps, x, w, b, &n_out);
    if (!got) {
        snprintf(rep->first_failure, sizeof rep->first_failure, "c1d: %s", c1d_last_error());
        return false;
    }
    double *z = malloc((total + 1) * sizeof *z), *mag = malloc((total + 1) * sizeof *mag);
    ref_conv1d(cfg, c_in, batch, steps, x, w, b, z, mag);
    for (size_t i = 0; i < total; i++) {
        double t = pre_tolerance(z[i], mag[i], n_terms);
        if (axiswise) {
            compare(rep, i, got[i], z[i], t, "pre-activation");
            mag[i] = t; /* from here on mag holds the pre-activation tolerances */
        } else {
            compare(rep, i, got[i], ref_activation(cfg->activation, z[i]),
                    activation_tolerance(cfg->activation, z[i], t), c1d_activation_name(cfg->activation));
        }
    }
    if (axiswise) {
        float *act = tu_run(cfg, c_in, batch, steps, x, w, b, &n_out);
        if (!act) {
            snprintf(rep->first_failure, sizeof rep->first_failure, "c1d: %s", c1d_last_error());
            free(got);
            free(z);
            free(mag);
            return false;
        }
        check_axiswise(cfg, batch, l_out, z, mag, got, act, rep);
        free(act);
    }
    free(got);
    free(z);
    free(mag);
    return true;
}

int tu_run_suite(Suite *s) {
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *tu_read_data(const char *name, size_t *len) {
    const char *dir = getenv("C1D_TEST_DATA");
    ck_assert_msg(dir != NULL, "C1D_TEST_DATA is not set (meson test sets it to tests/data)");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}
