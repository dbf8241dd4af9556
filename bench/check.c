/* check.c: reference windows and the comparisons. See check.h. */
#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "tolerance.h"

/* Budget of the reference per shape: it runs at roughly 0.5-1 G
 * multiply-adds/s (with the magnitudes S), so this keeps the check under
 * about a quarter of a second; the output cap bounds the doubles kept. */
#define CHECK_MACS 1.0e8
#define CHECK_VALUES ((size_t)4 << 20)

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* Output positions (item, step) the budget allows, at least one. */
static size_t budget_positions(const bench_problem *p) {
    const double per = (double)p->cfg.kernel_size * (double)p->c_in_g * (double)p->cfg.filters;
    double n = CHECK_MACS / per;
    const double cap = (double)CHECK_VALUES / (double)p->cfg.filters;
    if (n > cap) n = cap;
    return n < 1.0 ? 1 : (size_t)n;
}

/* Fills ref->windows (allocated) and the note; see check.h. */
static int plan_windows(bench_reference *ref, const bench_problem *p) {
    const size_t budget = budget_positions(p), l_out = p->l_out, batch = p->batch;
    size_t n_items, per_item;
    if (budget / l_out >= batch) {
        n_items = batch;
        per_item = 1;
        ref->full = true;
        snprintf(ref->note, sizeof ref->note, "all outputs");
    } else if (budget >= l_out) {
        n_items = budget / l_out; /* whole items, spread over the batch */
        per_item = 1;
        snprintf(ref->note, sizeof ref->note, "%zu of %zu items, all steps", n_items, batch);
    } else {
        /* The first and last item; three stretches each, unless the output
         * is too short to split (then whole items, slightly over budget). */
        n_items = batch > 1 ? 2 : 1;
        per_item = l_out >= 3 ? 3 : 1;
        if (per_item == 1) snprintf(ref->note, sizeof ref->note, "%zu of %zu items, all steps", n_items, batch);
    }
    ref->windows = calloc(n_items * per_item, sizeof *ref->windows);
    if (!ref->windows) return -1;
    for (size_t i = 0; i < n_items; i++) {
        /* Evenly spread items, the first and the last always among them. */
        const size_t item = n_items == 1 ? 0 : i * (batch - 1) / (n_items - 1);
        if (per_item == 1) {
            ref->windows[ref->count++] = (bench_window){item, 0, l_out};
            continue;
        }
        size_t w = budget / n_items / 3;
        if (w == 0) w = 1;
        const size_t mid = l_out / 2 - w / 2;
        ref->windows[ref->count++] = (bench_window){item, 0, w};
        ref->windows[ref->count++] = (bench_window){item, mid, mid + w};
        ref->windows[ref->count++] = (bench_window){item, l_out - w, l_out};
    }
    if (per_item == 3) {
        const bench_window *w = ref->windows;
        char items[64];
        if (n_items > 1)
            snprintf(items, sizeof items, "items %zu and %zu", w[0].item, w[3].item);
        else
            snprintf(items, sizeof items, "item %zu", w[0].item);
        snprintf(ref->note, sizeof ref->note, "%s, output steps [0,%zu) [%zu,%zu) [%zu,%zu) of %zu", items,
                 w[0].t1, w[1].t0, w[1].t1, w[2].t0, w[2].t1, l_out);
    }
    return 0;
}

float *bench_window_input(const bench_problem *p, const bench_window *win, c1d_config *sub, size_t *l_sub) {
    const c1d_config *cfg = &p->cfg;
    const size_t k_eff = cfg->dilation_rate * (cfg->kernel_size - 1) + 1;
    const size_t len = (win->t1 - win->t0 - 1) * cfg->strides + k_eff;
    float *xs = calloc(len * p->c_in, sizeof *xs); /* zeros: the padding */
    if (!xs) return NULL;
    const long long first = (long long)(win->t0 * cfg->strides) - (long long)p->pad_l;
    const float *x = p->x + win->item * p->steps * p->c_in;
    for (size_t j = 0; j < len; j++) {
        const long long i = first + (long long)j;
        if (i < 0 || i >= (long long)p->steps) continue;
        for (size_t c = 0; c < p->c_in; c++) {
            if (cfg->data_format == C1D_CHANNELS_LAST)
                xs[j * p->c_in + c] = x[(size_t)i * p->c_in + c]; /* xs: [len][c_in] */
            else
                xs[c * len + j] = x[c * p->steps + (size_t)i]; /* xs: [c_in][len] */
        }
    }
    *sub = *cfg;
    sub->padding = C1D_PADDING_VALID;
    *l_sub = len;
    return xs;
}

/* The reference pre-activation on one window. */
static int window_reference(const bench_problem *p, const bench_window *win, double *z, double *mag) {
    c1d_config sub;
    size_t l_sub;
    float *xs = bench_window_input(p, win, &sub, &l_sub);
    if (!xs) return -1;
    ref_conv1d(&sub, p->c_in, 1, l_sub, xs, p->w, p->b, z, mag);
    free(xs);
    return 0;
}

int bench_reference_build(bench_reference *ref, const bench_problem *p, char *err, size_t err_len) {
    memset(ref, 0, sizeof *ref);
    if (plan_windows(ref, p)) goto nomem;
    ref->offset = calloc(ref->count, sizeof *ref->offset);
    ref->items = calloc(ref->count, sizeof *ref->items);
    if (!ref->offset || !ref->items) goto nomem;
    size_t values = 0, positions = 0;
    for (size_t i = 0; i < ref->count; i++) {
        const bench_window *w = &ref->windows[i];
        ref->offset[i] = values;
        values += (w->t1 - w->t0) * p->cfg.filters;
        positions += w->t1 - w->t0;
        if (ref->item_count == 0 || ref->items[ref->item_count - 1] != w->item)
            ref->items[ref->item_count++] = w->item;
    }
    ref->fraction = (double)positions / ((double)p->batch * (double)p->l_out);
    ref->z = malloc(values * sizeof *ref->z);
    ref->mag = malloc(values * sizeof *ref->mag);
    if (!ref->z || !ref->mag) goto nomem;
    for (size_t i = 0; i < ref->count; i++)
        if (window_reference(p, &ref->windows[i], ref->z + ref->offset[i], ref->mag + ref->offset[i]))
            goto nomem;
    return 0;
nomem:
    bench_reference_free(ref);
    return fail(err, err_len, "%s: out of memory for the reference", p->shape->name);
}

void bench_reference_free(bench_reference *ref) {
    free(ref->windows);
    free(ref->offset);
    free(ref->z);
    free(ref->mag);
    free(ref->items);
    memset(ref, 0, sizeof *ref);
}

double bench_check_elementwise(const bench_reference *ref, const bench_problem *p, c1d_activation act,
                               const float *got) {
    const size_t F = p->cfg.filters, l_out = p->l_out;
    const size_t terms = p->cfg.kernel_size * p->c_in_g + (p->cfg.use_bias ? 1 : 0);
    const bool cl = p->cfg.data_format == C1D_CHANNELS_LAST;
    double worst = 0.0;
    for (size_t i = 0; i < ref->count; i++) {
        const bench_window *w = &ref->windows[i];
        const size_t len = w->t1 - w->t0;
        const double *z = ref->z + ref->offset[i], *mag = ref->mag + ref->offset[i];
        for (size_t t = w->t0; t < w->t1; t++)
            for (size_t f = 0; f < F; f++) {
                /* window [t][f] or [f][t]; output [n][l_out][F] or [n][F][l_out] */
                const size_t o = cl ? (t - w->t0) * F + f : f * len + (t - w->t0);
                const size_t g = cl ? (w->item * l_out + t) * F + f : (w->item * F + f) * l_out + t;
                const double r = z[o], tol = bench_tol_linear(r, mag[o], terms);
                double ratio;
                if (act == C1D_ACTIVATION_LINEAR)
                    ratio = bench_error_ratio((double)got[g], r, tol);
                else
                    ratio = bench_error_ratio((double)got[g], ref_activation(act, r),
                                              bench_tol_elementwise(act, r, tol));
                if (ratio > worst) worst = ratio;
            }
    }
    return worst;
}

int bench_check_axiswise(const bench_reference *ref, const bench_problem *p, const float *got_z,
                         const float *got_y, double *worst, char *err, size_t err_len) {
    *worst = bench_check_elementwise(ref, p, C1D_ACTIVATION_LINEAR, got_z);
    const c1d_activation act = p->cfg.activation;
    const size_t F = p->cfg.filters, l_out = p->l_out, cg = p->c_in_g;
    const size_t lin_item = l_out * F, out_item = p->out_floats / p->batch;
    const size_t terms = p->cfg.kernel_size * cg + (p->cfg.use_bias ? 1 : 0);
    const bool cl = p->cfg.data_format == C1D_CHANNELS_LAST;
    const size_t axis = cl ? F : l_out, axes = cl ? l_out : F;
    const size_t y_axis = act == C1D_ACTIVATION_GLU ? axis / 2 : axis;
    double *z = malloc(lin_item * sizeof *z);
    double *y = malloc(out_item * sizeof *y);
    double *s_max = malloc(F * sizeof *s_max);
    double *drift = malloc(axis * sizeof *drift);
    double *tol = malloc(y_axis * sizeof *tol);
    int rc = z && y && s_max && drift && tol ? 0 : -1;
    if (rc == 0) {
        /* The drift bound needs S = |b| + sum |w x| for every output; the
         * reference has it only on its windows, so bound it per filter by
         * |b_f| + max|x| * sum |w_f|, which holds at every step. */
        double x_max = 0.0;
        for (size_t i = 0; i < p->in_floats; i++) x_max = fmax(x_max, fabs((double)p->x[i]));
        for (size_t f = 0; f < F; f++) {
            double w1 = 0.0;
            for (size_t k = 0; k < p->cfg.kernel_size * cg; k++) w1 += fabs((double)p->w[k * F + f]);
            s_max[f] = (p->b ? fabs((double)p->b[f]) : 0.0) + x_max * w1;
        }
    }
    for (size_t k = 0; rc == 0 && k < ref->item_count; k++) {
        const size_t n = ref->items[k];
        /* z, y: one item, [l_out][F] / [l_out][F/2 for glu] channels_last,
         * [F][l_out] / [F][l_out/2 for glu] channels_first: the last axis is
         * contiguous either way. */
        for (size_t i = 0; i < lin_item; i++) z[i] = (double)got_z[n * lin_item + i];
        ref_activate(&p->cfg, 1, l_out, z, y);
        for (size_t a = 0; rc == 0 && a < axes; a++) {
            const double *za = z + a * axis;
            for (size_t i = 0; i < axis; i++) /* two tier-2 tolerances */
                drift[i] = 2.0 * bench_tol_linear(za[i], s_max[cl ? i : a], terms);
            if (bench_tol_axis(act, za, drift, axis, y + a * y_axis, tol)) {
                rc = -1;
                break;
            }
            for (size_t i = 0; i < y_axis; i++) {
                const double ratio =
                    bench_error_ratio((double)got_y[n * out_item + a * y_axis + i], y[a * y_axis + i], tol[i]);
                if (ratio > *worst) *worst = ratio;
            }
        }
    }
    free(z);
    free(y);
    free(s_max);
    free(drift);
    free(tol);
    if (rc) return fail(err, err_len, "%s: out of memory for the activation check", p->shape->name);
    return 0;
}
