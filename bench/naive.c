/* naive.c: timing the naive reference. See naive.h. */
#include "naive.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "reference.h"
#include "timing.h"

#define FULL_LIMIT_S 2.0    /* time the full call when it is estimated below this */
#define SLICE_TARGET_S 0.5  /* else time a slice of about this long */
#define NAIVE_BUDGET_S 1.0  /* repeat calls while they fit in this */
#define CALIBRATE_MACS 2e7  /* size of the calibration slice */
#define MAX_FULL_VALUES ((size_t)16 << 20) /* larger full outputs are sliced (memory) */

static int fail(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
    return -1;
}

/* One naive call: `batch` items of `steps` input steps under cfg, then the
 * activation. z and y hold batch * l_out * filters doubles. */
typedef struct naive_call {
    c1d_config cfg;
    size_t c_in, batch, steps, l_out;
    const float *x, *w, *b;
    double *z, *y;
} naive_call;

static int naive_run(void *ctx) {
    naive_call *c = ctx;
    ref_conv1d(&c->cfg, c->c_in, c->batch, c->steps, c->x, c->w, c->b, c->z, NULL);
    ref_activate(&c->cfg, c->batch, c->l_out, c->z, c->y);
    return 0;
}

/* Sets up `call` for `batch` whole items, or for window `win` when non-NULL
 * (then *xs receives the sub-problem input to free). */
static int naive_setup(const bench_problem *p, size_t batch, const bench_window *win, naive_call *call,
                       float **xs) {
    call->c_in = p->c_in;
    call->w = p->w;
    call->b = p->b;
    *xs = NULL;
    if (win) {
        *xs = bench_window_input(p, win, &call->cfg, &call->steps);
        if (!*xs) return -1;
        call->x = *xs;
        call->batch = 1;
        call->l_out = win->t1 - win->t0;
    } else {
        call->cfg = p->cfg;
        call->x = p->x;
        call->batch = batch;
        call->steps = p->steps;
        call->l_out = p->l_out;
    }
    const size_t values = call->batch * call->l_out * p->cfg.filters;
    call->z = malloc(values * sizeof *call->z);
    call->y = malloc(values * sizeof *call->y);
    if (!call->z || !call->y) {
        free(call->z);
        free(call->y);
        free(*xs);
        return -1;
    }
    return 0;
}

static void naive_teardown(naive_call *call, float *xs) {
    free(call->z);
    free(call->y);
    free(xs);
}

/* Times `runs` calls of `batch` items or window `win`; median seconds. */
static int naive_measure(const bench_problem *p, size_t batch, const bench_window *win, size_t runs,
                         double *seconds) {
    naive_call call;
    float *xs;
    if (naive_setup(p, batch, win, &call, &xs)) return -1;
    bench_timing t;
    int rc = bench_time_calls(naive_run, &call, runs, 0.0, false, &t);
    naive_teardown(&call, xs);
    if (rc == 0) *seconds = t.median_s;
    return rc;
}

static size_t runs_within(double per_call, size_t repeat) {
    double n = NAIVE_BUDGET_S / per_call;
    if (n > (double)repeat) n = (double)repeat;
    return n < 1.0 ? 1 : (size_t)n;
}

int bench_naive_time(const bench_problem *p, size_t repeat, bench_naive *out, char *err, size_t err_len) {
    const size_t l_out = p->l_out, batch = p->batch;
    const double positions = (double)batch * (double)l_out;
    const double per_position = (double)p->cfg.kernel_size * (double)p->c_in_g * (double)p->cfg.filters;
    out->note[0] = '\0';
    out->scale = 1.0;

    /* Calibration: a stretch of output steps in the middle of item 0. */
    size_t cal = (size_t)(CALIBRATE_MACS / per_position);
    if (cal < 1) cal = 1;
    if (cal > l_out) cal = l_out;
    const bench_window cal_win = {0, (l_out - cal) / 2, (l_out - cal) / 2 + cal};
    double cal_s;
    if (naive_measure(p, 1, &cal_win, 1, &cal_s)) goto nomem;
    const double per_pos_s = cal_s / (double)cal;
    const double full_s = per_pos_s * positions;

    if (full_s <= FULL_LIMIT_S && p->lin_floats <= MAX_FULL_VALUES) {
        out->runs = runs_within(full_s, repeat);
        double s;
        if (naive_measure(p, batch, NULL, out->runs, &s)) goto nomem;
        out->ms = s * 1e3;
        return 0;
    }
    double slice = SLICE_TARGET_S / per_pos_s; /* output positions to time */
    if (slice > (double)(MAX_FULL_VALUES / p->cfg.filters)) slice = (double)(MAX_FULL_VALUES / p->cfg.filters);
    double s;
    if (batch > 1 && slice >= (double)l_out) {
        size_t items = (size_t)(slice / (double)l_out);
        if (items > batch - 1) items = batch - 1;
        out->scale = (double)batch / (double)items;
        out->runs = runs_within(per_pos_s * (double)(items * l_out), repeat);
        if (naive_measure(p, items, NULL, out->runs, &s)) goto nomem;
        snprintf(out->note, sizeof out->note, "naive timed on %zu of %zu items, scaled x%.3g", items, batch,
                 out->scale);
    } else {
        size_t steps = slice < 1.0 ? 1 : (size_t)slice;
        if (steps > l_out) steps = l_out;
        const bench_window win = {0, (l_out - steps) / 2, (l_out - steps) / 2 + steps};
        out->scale = positions / (double)steps;
        out->runs = runs_within(per_pos_s * (double)steps, repeat);
        if (naive_measure(p, 1, &win, out->runs, &s)) goto nomem;
        snprintf(out->note, sizeof out->note, "naive timed on 1 item x %zu of %zu output steps, scaled x%.3g",
                 steps, l_out, out->scale);
    }
    out->ms = s * out->scale * 1e3;
    return 0;
nomem:
    return fail(err, err_len, "%s: out of memory timing the naive reference", p->shape->name);
}
