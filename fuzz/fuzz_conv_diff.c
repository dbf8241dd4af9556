/* fuzz_conv_diff.c: small legal layers with NaN, infinities, subnormals,
 * huge values and signed zeros, through every path c1d offers
 * (c1d_conv_set_path) and the naive double reference (tests/reference.c).
 *
 * Input: 11 shape bytes (batch 0-3, steps 0-64, in_channels 1-8, filters
 * 1-8, groups a divisor of both, kernel_size 1-9, strides 1-4,
 * dilation_rate 1-4 when strides is 1, padding, data_format, use_bias, 2
 * threads or 1, own workspace or NULL, activation), then 2 bytes per value
 * (input, kernel, bias): a class byte and a value byte. Values the input
 * does not cover are small integers from a seeded generator.
 *
 * Oracles (RELIABILITY.md, tolerance items 3-5), per output element, with
 * r the double reference, S = |b| + sum |w x|, n the number of terms:
 *   - pre-activation (the layer run with a linear activation):
 *     |got - r| <= u|r| + gamma_n S + n 2^-149 (gamma_n = n u / (1 - n u); the
 *     last term bounds the gradual underflow of the float products), and
 *     got == r exactly when every value is a multiple of 1/16 in [-8, 8)
 *     (all partial sums are exact in float32);
 *   - NaN exactly where r is NaN; +-Inf exactly where r is, with its sign;
 *     when the finite terms alone could overflow float32 (S >= FLT_MAX / 2)
 *     any result is accepted;
 *   - a window whose padded taps meet a non-finite weight may also give NaN
 *     (0 * Inf; the im2col paths do, the depthwise path skips padded taps;
 *     tests/test_hostile.c pins each path's behaviour);
 *   - elementwise activations: f(r) within the pre-activation tolerance
 *     propagated through f, plus rounding for the transcendental ones;
 *   - axis-wise activations (softmax, log_softmax, sparsemax, glu): every
 *     output element written, nothing past the end (values are checked on
 *     the linear twin);
 *   - every output element is written and the guard after the output is
 *     untouched, on every path. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "c1d.h"
#include "fuzz.h"
#include "reference.h"

#define U 0x1p-24
#define GUARD 16

static const uint32_t canary_bits = 0x7FA5C0DEu;

typedef struct source {
    const uint8_t *p;
    size_t left;
    uint64_t seed;
    bool exact; /* every value so far is a multiple of 1/16 in [-8, 8) */
} source;

static uint8_t next_byte(source *s) {
    if (s->left) {
        s->left--;
        return *s->p++;
    }
    s->seed = s->seed * 6364136223846793005ull + 1442695040888963407ull;
    return (uint8_t)(s->seed >> 56);
}

static float next_value(source *s) {
    const bool have = s->left >= 2;
    uint8_t c = next_byte(s), v = next_byte(s);
    if (!have) c %= 200; /* filler: small exact values */
    const int sv = (int)v - 128;
    if (c < 200) return (float)sv / 16.0f;
    s->exact = false;
    if (c < 215) return (float)((int)((unsigned)c << 8 | v) - 54000) / 1000.0f;
    if (c < 225) return (float)sv * 1e-41f;  /* subnormal */
    if (c < 231) return (float)sv * 1e36f;   /* up to 1.3e38: products and sums overflow */
    if (c < 235) return NAN;
    if (c < 239) return INFINITY;
    if (c < 243) return -INFINITY;
    if (c < 247) return -0.0f;
    if (c < 251) return (float)sv * FLT_MIN;
    return (float)sv * 1e-30f;               /* products underflow */
}

typedef struct problem {
    c1d_config cfg;
    size_t c_in, batch, steps, l_out, pad_l, n_terms;
    bool two_threads, own_workspace, exact;
    float *x, *w, *b;
} problem;

static bool make_problem(source *s, problem *p) {
    memset(p, 0, sizeof *p);
    p->batch = next_byte(s) % 4;
    p->steps = next_byte(s) % 65;
    p->c_in = 1 + next_byte(s) % 8;
    size_t f_raw = 1 + next_byte(s) % 8, divs[8], n_div = 0;
    for (size_t d = 1; d <= p->c_in; d++)
        if (p->c_in % d == 0) divs[n_div++] = d;
    size_t groups = divs[next_byte(s) % n_div];
    c1d_config *c = &p->cfg;
    *c = c1d_config_default(groups * (1 + (f_raw - 1) % (8 / groups)), 1 + next_byte(s) % 9);
    c->groups = groups;
    c->strides = 1 + next_byte(s) % 4;
    uint8_t d = next_byte(s);
    c->dilation_rate = c->strides > 1 ? 1 : 1 + d % 4;
    uint8_t flags = next_byte(s);
    c->padding = (c1d_padding)(flags % 3);
    c->data_format = (c1d_data_format)(flags / 3 % 2);
    c->use_bias = flags / 6 % 2;
    p->two_threads = flags / 12 % 2;
    p->own_workspace = flags / 24 % 2;
    c->activation = (c1d_activation)(next_byte(s) % C1D_ACTIVATION_COUNT_);
    if (!ref_output_length(c, p->steps, &p->l_out, &p->pad_l)) return false;
    const size_t cg = p->c_in / groups, nx = p->batch * p->steps * p->c_in, nw = c->kernel_size * cg * c->filters;
    p->n_terms = c->kernel_size * cg + (c->use_bias ? 1 : 0);
    p->x = malloc((nx + 1) * sizeof(float));
    p->w = malloc(nw * sizeof(float));
    p->b = malloc(c->filters * sizeof(float));
    FUZZ_CHECK(p->x && p->w && p->b, "malloc");
    s->exact = true;
    for (size_t i = 0; i < nx; i++) p->x[i] = next_value(s);
    for (size_t i = 0; i < nw; i++) p->w[i] = next_value(s);
    for (size_t i = 0; i < c->filters; i++) p->b[i] = c->use_bias ? next_value(s) : 0.0f;
    p->exact = s->exact;
    return true;
}

static void free_problem(problem *p) {
    free(p->x);
    free(p->w);
    free(p->b);
}

/* Per output element (Keras layout): the magnitude of the finite terms and
 * whether a padded tap meets a non-finite weight. */
static void window_facts(const problem *p, double *s_fin, bool *pad_nonfinite) {
    const c1d_config *c = &p->cfg;
    const size_t F = c->filters, cg = p->c_in / c->groups, fg = F / c->groups;
    for (size_t n = 0; n < p->batch; n++)
        for (size_t t = 0; t < p->l_out; t++)
            for (size_t f = 0; f < F; f++) {
                const size_t g = f / fg;
                double m = c->use_bias && isfinite(p->b[f]) ? fabs((double)p->b[f]) : 0.0;
                bool pad_bad = false;
                for (size_t k = 0; k < c->kernel_size; k++) {
                    long long i = (long long)(t * c->strides + k * c->dilation_rate) - (long long)p->pad_l;
                    for (size_t ch = 0; ch < cg; ch++) {
                        double w = p->w[(k * cg + ch) * F + f];
                        if (i < 0 || i >= (long long)p->steps) {
                            pad_bad |= !isfinite(w);
                            continue;
                        }
                        size_t cc = g * cg + ch;
                        double x = c->data_format == C1D_CHANNELS_LAST ? p->x[(n * p->steps + (size_t)i) * p->c_in + cc]
                                                                      : p->x[(n * p->c_in + cc) * p->steps + (size_t)i];
                        double prod = fabs(w * x);
                        if (isfinite(prod)) m += prod;
                    }
                }
                size_t o = c->data_format == C1D_CHANNELS_LAST ? (n * p->l_out + t) * F + f
                                                               : (n * F + f) * p->l_out + t;
                s_fin[o] = m;
                pad_nonfinite[o] = pad_bad;
            }
}

/* Is `got` an acceptable f(z) for a pre-activation r known within t? */
static bool activation_ok(c1d_activation a, double r, double t, double got) {
    const double fr = ref_activation(a, r);
    if (isnan(got) || isnan(fr)) return isnan(got) && isnan(fr);
    double lo, hi;
    if (a == C1D_ACTIVATION_HARD_SHRINK && fabs(fabs(r) - 0.5) <= t) return true; /* at the jump */
    if (ref_activation_is_monotone(a)) {
        double f1 = ref_activation(a, r - t), f2 = ref_activation(a, r + t);
        lo = fmin(fr, fmin(f1, f2));
        hi = fmax(fr, fmax(f1, f2));
    } else {
        lo = fr - ref_activation_lipschitz(a) * t;
        hi = fr + ref_activation_lipschitz(a) * t;
    }
    const double slack = ref_activation_is_exact(a) ? 0.0 : 8.0 * U * (fabs(fr) + fabs(r) + 1.0);
    lo -= slack;
    hi += slack;
    /* Keras's float32 squareplus, (x + sqrt(x * x + 4)) / 2, overflows to
     * +Inf once x * x does (|x| >= 2^64), for either sign of x; c1d may
     * follow it wherever the float32 pre-activation can be that large. */
    if (a == C1D_ACTIVATION_SQUAREPLUS && fabs(r) + t >= 0x1p64 && got == INFINITY) return true;
    if (got == INFINITY) return hi >= FLT_MAX;
    if (got == -INFINITY) return lo <= -FLT_MAX;
    return lo <= got && got <= hi;
}

/* c1d's output for the layer on one path; NULL when the path cannot run it. */
static float *run(const problem *p, const c1d_config *cfg, c1d_path path, size_t n_out) {
    c1d_conv *conv = NULL;
    FUZZ_CHECK(c1d_conv_create(cfg, p->c_in, &conv) == C1D_OK, "create: %s", c1d_last_error());
    if (c1d_conv_set_path(conv, path) != C1D_OK) {
        c1d_conv_destroy(conv);
        return NULL;
    }
    const size_t cg = p->c_in / cfg->groups;
    FUZZ_CHECK(c1d_conv_set_kernel(conv, p->w, cfg->kernel_size, cg, cfg->filters) == C1D_OK, "set_kernel: %s",
               c1d_last_error());
    if (cfg->use_bias)
        FUZZ_CHECK(c1d_conv_set_bias(conv, p->b, cfg->filters) == C1D_OK, "set_bias: %s", c1d_last_error());
    if (p->two_threads) FUZZ_CHECK(c1d_conv_set_threads(conv, 2) == C1D_OK, "set_threads: %s", c1d_last_error());
    float *y = malloc((n_out + GUARD) * sizeof(float));
    FUZZ_CHECK(y != NULL, "malloc");
    for (size_t i = 0; i < n_out + GUARD; i++) memcpy(y + i, &canary_bits, sizeof canary_bits);
    size_t ws = 0;
    FUZZ_CHECK(c1d_conv_workspace_size(conv, p->batch, p->steps, &ws) == C1D_OK, "workspace_size: %s",
               c1d_last_error());
    unsigned char *ws_buf = p->own_workspace ? malloc(ws + 1) : NULL;
    /* A caller workspace may have any alignment: offset it by one byte. */
    c1d_status st = c1d_conv_forward(conv, p->batch, p->steps, p->x, y, ws_buf ? ws_buf + 1 : NULL, ws_buf ? ws : 0);
    FUZZ_CHECK(st == C1D_OK, "forward on path %s: %s", c1d_path_name(path), c1d_last_error());
    for (size_t i = 0; i < n_out + GUARD; i++) {
        uint32_t bits;
        memcpy(&bits, y + i, sizeof bits);
        FUZZ_CHECK((bits == canary_bits) == (i >= n_out), "path %s: element %zu of %zu %s", c1d_path_name(path), i,
                   n_out, i < n_out ? "not written" : "written past the end");
    }
    free(ws_buf);
    c1d_conv_destroy(conv);
    return y;
}

/* The output shape must be Keras's; glu on an odd last axis must be
 * refused (odd filters at create, an odd time axis per call, unwritten). */
static bool shape_ok(const problem *p, size_t *n_out) {
    const bool glu = p->cfg.activation == C1D_ACTIVATION_GLU, last = p->cfg.data_format == C1D_CHANNELS_LAST;
    c1d_conv *conv = NULL;
    c1d_status st = c1d_conv_create(&p->cfg, p->c_in, &conv);
    if (glu && last && p->cfg.filters % 2 == 1) {
        FUZZ_CHECK(st == C1D_INVALID_ARG && conv == NULL, "glu with odd filters: %s", c1d_status_name(st));
        return false;
    }
    FUZZ_CHECK(st == C1D_OK, "create: %s", c1d_last_error());
    size_t shape[3] = {0, 0, 0};
    st = c1d_conv_output_shape(conv, p->batch, p->steps, shape);
    if (glu && !last && p->l_out % 2 == 1) {
        float y[1];
        memcpy(y, &canary_bits, sizeof canary_bits);
        FUZZ_CHECK(st == C1D_INVALID_ARG, "glu on an odd time axis: output_shape %s", c1d_status_name(st));
        FUZZ_CHECK(c1d_conv_forward(conv, p->batch, p->steps, p->x, y, NULL, 0) == C1D_INVALID_ARG &&
                       memcmp(y, &canary_bits, sizeof canary_bits) == 0,
                   "glu on an odd time axis ran");
        c1d_conv_destroy(conv);
        return false;
    }
    FUZZ_CHECK(st == C1D_OK, "output_shape: %s", c1d_last_error());
    const size_t half = glu ? 2 : 1;
    const size_t want1 = last ? p->l_out : p->cfg.filters;
    const size_t want2 = last ? p->cfg.filters / half : p->l_out / half;
    FUZZ_CHECK(shape[0] == p->batch && shape[1] == want1 && shape[2] == want2,
               "shape (%zu, %zu, %zu), Keras (%zu, %zu, %zu)", shape[0], shape[1], shape[2], p->batch, want1, want2);
    *n_out = shape[0] * shape[1] * shape[2];
    c1d_conv_destroy(conv);
    return true;
}

static void check_path(const problem *p, c1d_path path, const double *z, const double *mag, const double *s_fin,
                       const bool *pad_nonfinite, size_t total) {
    const c1d_activation a = p->cfg.activation;
    c1d_config lin = p->cfg;
    lin.activation = C1D_ACTIVATION_LINEAR;
    float *pre = run(p, &lin, path, total);
    if (!pre) return;
    float *act = NULL;
    if (a != C1D_ACTIVATION_LINEAR) {
        size_t n_out = total;
        if (a == C1D_ACTIVATION_GLU) n_out /= 2;
        act = run(p, &p->cfg, path, n_out);
        FUZZ_CHECK(act != NULL, "the path ran the linear twin but not the layer");
    }
    const double n = (double)p->n_terms, gamma = n * U / (1.0 - n * U);
    for (size_t i = 0; i < total; i++) {
        const double r = z[i], got = pre[i];
        const bool overflow = s_fin[i] >= FLT_MAX / 2;
        const double t = U * fabs(r) + gamma * mag[i] + n * 0x1p-149;
        bool ok;
        if (isnan(r)) /* NaN is sticky: no summation order loses it */
            ok = isnan(got);
        else if (overflow)
            ok = true;
        else if (isinf(r))
            ok = got == r;
        else if (p->exact)
            ok = got == r;
        else
            ok = fabs(got - r) <= t;
        if (!ok && pad_nonfinite[i] && isnan(got)) ok = true;
        FUZZ_CHECK(ok, "path %s, pre-activation %zu: got %.9g, reference %.17g, tolerance %.3g (S %.3g)",
                   c1d_path_name(path), i, got, r, t, mag[i]);
        if (!act || ref_activation_is_axiswise(a) || (overflow && !isnan(r))) continue;
        const double y = act[i];
        if (isnan(r) || isinf(r) || (pad_nonfinite[i] && isnan(got))) {
            /* f of a non-finite pre-activation: f(got) as c1d computed got. */
            const double fr = ref_activation(a, isnan(r) || isnan(got) ? NAN : r);
            ok = isnan(fr) ? isnan(y) : (y == fr || fabs(y - fr) <= 8 * U * fabs(fr));
        } else {
            ok = activation_ok(a, r, p->exact ? 0.0 : t, y);
            if (!ok && pad_nonfinite[i]) ok = isnan(y) || activation_ok(a, NAN, 0.0, y);
        }
        FUZZ_CHECK(ok, "path %s, %s %zu: got %.9g, f(%.17g) = %.17g, pre-activation tolerance %.3g",
                   c1d_path_name(path), c1d_activation_name(a), i, y, r, ref_activation(a, r), t);
    }
    free(pre);
    free(act);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    source s = {data, size, 0x9E3779B97F4A7C15ull ^ size, true};
    problem p;
    if (!make_problem(&s, &p)) {
        free_problem(&p);
        return 0;
    }
    size_t n_out;
    if (!shape_ok(&p, &n_out)) {
        free_problem(&p);
        return 0;
    }
    const size_t total = p.batch * p.l_out * p.cfg.filters;
    double *z = malloc((total + 1) * sizeof *z), *mag = malloc((total + 1) * sizeof *mag);
    double *s_fin = malloc((total + 1) * sizeof *s_fin);
    bool *pad_nonfinite = malloc(total + 1);
    FUZZ_CHECK(z && mag && s_fin && pad_nonfinite, "malloc");
    ref_conv1d(&p.cfg, p.c_in, p.batch, p.steps, p.x, p.w, p.cfg.use_bias ? p.b : NULL, z, mag);
    window_facts(&p, s_fin, pad_nonfinite);
    for (unsigned path = C1D_PATH_IM2COL_GEMM; c1d_path_name((c1d_path)path); path++)
        check_path(&p, (c1d_path)path, z, mag, s_fin, pad_nonfinite, total);
    free(z);
    free(mag);
    free(s_fin);
    free(pad_nonfinite);
    free_problem(&p);
    return 0;
}
